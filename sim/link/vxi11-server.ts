// The simulated instruments over VXI-11, as a LAN/GPIB gateway or a multi-instrument box presents them:
// one core channel (ONC RPC program 0x0607AF on TCP) whose links name a device, `instN` by serving order
// (inst0 is the first role, the meter on the default bench) or the role itself, and a portmapper
// (portmapper.ts) that tells clients where the core channel listens. Loopback only. The abort channel is
// not served (create_link answers abortPort 0), nor interrupt channels (error 8, operation not supported).
import net from 'node:net';
import {
  AcceptStat, RecordReader, XdrError, decodeCall, encodeReply, frameRecord,
} from '../../drivers/scpi/onc-rpc.ts';
import {
  CoreProc, DEVICE_CORE, DEVICE_CORE_VERSION, Flag, Reason, Vxi11Error, decodeCreateLink, decodeGeneric, decodeLink, decodeRead,
  decodeWrite, encodeCreateLinkResp, encodeError, encodeReadResp, encodeReadStbResp, encodeWriteResp,
} from '../../drivers/scpi/vxi11-messages.ts';
import type { InstrumentHost } from './instrument-host.ts';
import { MessageSplitter } from './message-splitter.ts';
import { listenPortmapper } from './portmapper.ts';
import { LOOPBACK, LinkServeError } from './tcp-server.ts';

/** What create_link tells clients they may send in one device_write. */
export const MAX_RECV_SIZE = 64 * 1024;

export interface Vxi11Endpoint {
  readonly host: string;
  /** The core channel's TCP port. */
  readonly port: number;
  /** The portmapper's TCP port (111 when asked for and free). */
  readonly portmapperPort: number;
  /** Device name → role, e.g. { inst0: 'meter', ... }. */
  readonly devices: Readonly<Record<string, string>>;
  /** `TCPIP0::127.0.0.1::instN::INSTR` of a role. */
  resource(role: string): string;
  close(): Promise<void>;
}

interface Link {
  lid: number;
  host: InstrumentHost;
  splitter: MessageSplitter;
  /** Replies not yet read, oldest first; a partly read one keeps its rest. */
  replies: Uint8Array[];
  wake: (() => void) | null;
  detach: () => void;
  lost: boolean;
}

/** Serves `hosts` (in serving order) on one core channel, and a portmapper on `portmapperPort` (0 = ephemeral). */
export async function serveVxi11(hosts: readonly InstrumentHost[], opts: { portmapperPort?: number } = {}): Promise<Vxi11Endpoint> {
  const devices: Record<string, string> = {};
  const byName = new Map<string, InstrumentHost>();
  hosts.forEach((h, i) => {
    devices[`inst${i}`] = h.role;
    byName.set(`inst${i}`, h);
    byName.set(h.role, h);
  });
  const locks = new Map<InstrumentHost, number>();
  let nextLid = 1;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    const links = new Map<number, Link>();
    const records = new RecordReader();
    let chain: Promise<void> = Promise.resolve();
    const closeLinks = (): void => {
      for (const l of links.values()) dropLink(l);
      links.clear();
    };
    const dropLink = (l: Link): void => {
      l.lost = true;
      l.detach();
      l.wake?.();
      if (locks.get(l.host) === l.lid) locks.delete(l.host);
    };
    socket.on('error', () => undefined);
    socket.once('close', () => {
      sockets.delete(socket);
      closeLinks();
    });
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = records.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const msg of messages) {
        // One call at a time per connection, in order, as a single-threaded instrument RPC server does.
        chain = chain.then(async () => {
          const reply = await handle(msg);
          if (reply && !socket.destroyed) socket.write(frameRecord(reply));
        });
      }
    });

    const handle = async (msg: Buffer): Promise<Buffer | null> => {
      let call;
      try {
        call = decodeCall(msg);
      } catch {
        return null; // not an RPC call: nothing to answer
      }
      const { xid, prog, vers, proc, args } = call;
      if (prog !== DEVICE_CORE) return encodeReply(xid, AcceptStat.PROG_UNAVAIL);
      if (vers !== DEVICE_CORE_VERSION) return encodeReply(xid, AcceptStat.PROG_MISMATCH, undefined, { low: 1, high: 1 });
      try {
        const results = await procedure(proc, args);
        return results ? encodeReply(xid, AcceptStat.SUCCESS, results) : encodeReply(xid, AcceptStat.PROC_UNAVAIL);
      } catch (err) {
        if (err instanceof XdrError) return encodeReply(xid, AcceptStat.GARBAGE_ARGS);
        throw err;
      }
    };

    const procedure = async (proc: number, args: Buffer): Promise<Buffer | null> => {
      switch (proc) {
        case CoreProc.CREATE_LINK: {
          const p = decodeCreateLink(args);
          const host = byName.get(p.device);
          if (!host) return encodeCreateLinkResp({ error: Vxi11Error.NOT_ACCESSIBLE, lid: 0, abortPort: 0, maxRecvSize: 0 });
          const lid = nextLid++;
          const link: Link = {
            lid, host, replies: [], wake: null, lost: false, detach: () => undefined,
            splitter: new MessageSplitter(host.instrument.framing.inputTerminator, { onOverrun: (n) => host.inputOverrun(n) }),
          };
          link.detach = host.attach({ kind: 'vxi11', drop: () => socket.destroy() });
          links.set(lid, link);
          if (p.lockDevice && !locks.has(host)) locks.set(host, lid);
          return encodeCreateLinkResp({ error: Vxi11Error.NONE, lid, abortPort: 0, maxRecvSize: MAX_RECV_SIZE });
        }
        case CoreProc.DEVICE_WRITE: {
          const p = decodeWrite(args);
          const link = links.get(p.lid);
          if (!link) return encodeWriteResp({ error: Vxi11Error.INVALID_LINK, size: 0 });
          if (lockedByOther(link)) return encodeWriteResp({ error: Vxi11Error.LOCKED, size: 0 });
          if (p.data.length > MAX_RECV_SIZE) return encodeWriteResp({ error: Vxi11Error.PARAMETER, size: 0 });
          const term = link.host.instrument.framing.inputTerminator;
          const messages = link.splitter.push(p.data);
          // END closes the message even without the instrument's terminator, as 488.2's END does.
          if ((p.flags & Flag.END) !== 0 && link.splitter.pending_bytes > 0) messages.push(...link.splitter.push(Buffer.from(term, 'latin1')));
          for (const m of messages) {
            void link.host.submit(m).then((reply) => {
              if (reply === undefined || link.lost) return;
              link.replies.push(reply);
              link.wake?.();
            });
          }
          return encodeWriteResp({ error: Vxi11Error.NONE, size: p.data.length });
        }
        case CoreProc.DEVICE_READ: {
          const p = decodeRead(args);
          const link = links.get(p.lid);
          if (!link) return encodeReadResp({ error: Vxi11Error.INVALID_LINK, reason: 0, data: Buffer.alloc(0) });
          // A reply still being worked out (a long average) arrives within io_timeout or not at all, as on a box.
          if (link.replies.length === 0) await waitForReply(link, p.ioTimeout_ms);
          const head = link.replies[0];
          if (!head) return encodeReadResp({ error: link.lost ? Vxi11Error.IO_ERROR : Vxi11Error.IO_TIMEOUT, reason: 0, data: Buffer.alloc(0) });
          let n = Math.min(Math.max(1, p.requestSize), head.length);
          let reason = 0;
          if ((p.flags & Flag.TERMCHRSET) !== 0) {
            const at = Buffer.from(head).indexOf(p.termChar);
            if (at >= 0 && at < n) {
              n = at + 1;
              reason |= Reason.CHR;
            }
          }
          const data = Buffer.from(head.subarray(0, n));
          if (n === head.length) {
            link.replies.shift();
            reason |= Reason.END;
          } else {
            link.replies[0] = head.subarray(n);
            if ((reason & Reason.CHR) === 0) reason |= Reason.REQCNT;
          }
          return encodeReadResp({ error: Vxi11Error.NONE, reason, data });
        }
        case CoreProc.DEVICE_READSTB: {
          const link = links.get(decodeGeneric(args).lid);
          if (!link) return encodeReadStbResp(Vxi11Error.INVALID_LINK, 0);
          const reply = await link.host.submit('*STB?');
          const stb = reply === undefined ? 0 : Number.parseInt(Buffer.from(reply).toString('latin1'), 10);
          return encodeReadStbResp(Vxi11Error.NONE, Number.isFinite(stb) ? stb : 0);
        }
        case CoreProc.DEVICE_CLEAR: {
          const link = links.get(decodeGeneric(args).lid);
          if (!link) return encodeError(Vxi11Error.INVALID_LINK);
          await link.host.drained();
          link.replies = [];
          return encodeError(Vxi11Error.NONE);
        }
        case CoreProc.DEVICE_REMOTE:
        case CoreProc.DEVICE_LOCAL:
          return encodeError(links.has(decodeGeneric(args).lid) ? Vxi11Error.NONE : Vxi11Error.INVALID_LINK);
        case CoreProc.DEVICE_LOCK: {
          const link = links.get(decodeGeneric(args).lid);
          if (!link) return encodeError(Vxi11Error.INVALID_LINK);
          if (lockedByOther(link)) return encodeError(Vxi11Error.LOCKED);
          locks.set(link.host, link.lid);
          return encodeError(Vxi11Error.NONE);
        }
        case CoreProc.DEVICE_UNLOCK: {
          const link = links.get(decodeLink(args));
          if (!link) return encodeError(Vxi11Error.INVALID_LINK);
          if (locks.get(link.host) !== link.lid) return encodeError(Vxi11Error.NO_LOCK);
          locks.delete(link.host);
          return encodeError(Vxi11Error.NONE);
        }
        case CoreProc.DESTROY_LINK: {
          const lid = decodeLink(args);
          const link = links.get(lid);
          if (!link) return encodeError(Vxi11Error.INVALID_LINK);
          links.delete(lid);
          dropLink(link);
          return encodeError(Vxi11Error.NONE);
        }
        case CoreProc.DEVICE_TRIGGER:
        case CoreProc.DEVICE_ENABLE_SRQ:
        case CoreProc.DEVICE_DOCMD:
        case CoreProc.CREATE_INTR_CHAN:
        case CoreProc.DESTROY_INTR_CHAN:
          return encodeError(Vxi11Error.NOT_SUPPORTED);
        default:
          return null;
      }
    };

    const lockedByOther = (link: Link): boolean => {
      const owner = locks.get(link.host);
      return owner !== undefined && owner !== link.lid;
    };
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new LinkServeError(`serving VXI-11 on ${LOOPBACK}: ${err.message}`, { cause: err })));
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => resolve());
  });
  server.on('error', () => undefined);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let portmapper;
  try {
    portmapper = await listenPortmapper({ corePort: port, port: opts.portmapperPort ?? 0 });
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  const pm = portmapper;
  let closing: Promise<void> | undefined;
  return {
    host: LOOPBACK,
    port,
    portmapperPort: pm.port,
    devices,
    resource(role: string) {
      const name = Object.keys(devices).find((d) => devices[d] === role);
      if (!name) throw new LinkServeError(`VXI-11: no device serves the role '${role}'; devices: ${JSON.stringify(devices)}`);
      return `TCPIP0::${LOOPBACK}::${name}::INSTR`;
    },
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        }),
        pm.close(),
      ]).then(() => undefined);
      return closing;
    },
  };
}

/** Resolves when a reply is queued, the link is dropped, or after `timeout_ms`. */
function waitForReply(link: Link, timeout_ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.min(Math.max(0, timeout_ms), 2 ** 31 - 1));
    function done(): void {
      clearTimeout(timer);
      link.wake = null;
      resolve();
    }
    link.wake = done;
  });
}
