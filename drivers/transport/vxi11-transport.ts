// VXI-11 link (TCPIP0::host[::device]::INSTR): ask the host's portmapper where the core channel listens,
// open a link to the device (`inst0` unless named), then carry program messages with device_write and
// replies with device_read. VXI-11 is message based: a read is a request to the instrument, so it is sent
// only when the session waits for a reply (requestReply); reading with nothing queued would put -420
// "Query UNTERMINATED" in a real instrument's error queue.
import { ConnectError, LinkLostError } from '../errors.ts';
import {
  CoreProc, DEVICE_CORE, DEVICE_CORE_VERSION, Flag, IPPROTO_TCP, PMAPPROC_GETPORT, PMAP_PROG, PMAP_VERS, Reason,
  Vxi11Error, decodeCreateLinkResp, decodePort, decodeReadResp, decodeWriteResp, encodeCreateLink, encodeLink,
  encodeMapping, encodeRead, encodeWrite, vxi11ErrorText,
} from '../scpi/vxi11-messages.ts';
import { RpcClient } from './rpc-client.ts';
import { BaseTransport } from './transport.ts';

export const PORTMAPPER_PORT = 111;
/** How much one device_read asks for; a longer reply comes in several (reason without END). */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface Vxi11TransportOptions {
  host: string;
  /** The VXI-11 device name, e.g. inst0 or gpib0,5; default inst0. */
  device?: string;
  /** Where the host's portmapper listens; 111 on every real instrument. */
  portmapperPort?: number;
  connectTimeout_ms?: number;
  /** How long the instrument may take to accept a message (device_write's io_timeout); default 10000. */
  writeTimeout_ms?: number;
}

export class Vxi11Transport extends BaseTransport {
  private readonly options: Required<Vxi11TransportOptions>;
  private rpc: RpcClient | null = null;
  private lid = 0;
  private maxRecvSize = 0;
  private reading = false;
  /** The write in flight (or the last one); reads wait behind it. */
  private lastWrite: Promise<unknown> = Promise.resolve();
  /** The io_timeout of a read the session is waiting for that has not been asked for yet. */
  private readWanted_ms: number | null = null;

  constructor(resource: string, options: Vxi11TransportOptions) {
    super(resource);
    this.options = { device: 'inst0', portmapperPort: PORTMAPPER_PORT, connectTimeout_ms: 3000, writeTimeout_ms: 10_000, ...options };
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const { host, device, portmapperPort, connectTimeout_ms } = this.options;
    const fail = (why: string, cause?: unknown): never => {
      throw new ConnectError(this.resource, why, cause === undefined ? undefined : { cause });
    };
    let corePort = 0;
    try {
      const pm = await RpcClient.connect(host, portmapperPort, connectTimeout_ms);
      try {
        const args = encodeMapping({ prog: DEVICE_CORE, vers: DEVICE_CORE_VERSION, prot: IPPROTO_TCP, port: 0 });
        corePort = decodePort(await pm.call(PMAP_PROG, PMAP_VERS, PMAPPROC_GETPORT, args, connectTimeout_ms));
      } finally {
        pm.close();
      }
    } catch (err) {
      fail(`the portmapper at ${host}:${portmapperPort} did not say where the VXI-11 core channel is: ${(err as Error).message}`, err);
    }
    if (corePort === 0) fail(`the portmapper at ${host}:${portmapperPort} has no VXI-11 core channel (program 0x0607AF) registered`);
    let rpc: RpcClient | null = null;
    try {
      rpc = await RpcClient.connect(host, corePort, connectTimeout_ms);
      const reply = decodeCreateLinkResp(await rpc.call(DEVICE_CORE, DEVICE_CORE_VERSION, CoreProc.CREATE_LINK,
        encodeCreateLink({ clientId: process.pid & 0x7fffffff, lockDevice: false, lockTimeout_ms: 0, device }), connectTimeout_ms));
      if (reply.error !== Vxi11Error.NONE) fail(`create_link to device '${device}' failed: ${vxi11ErrorText(reply.error)}`);
      this.lid = reply.lid;
      this.maxRecvSize = reply.maxRecvSize > 0 ? reply.maxRecvSize : 1024;
    } catch (err) {
      rpc?.close();
      if (err instanceof ConnectError) throw err;
      fail(`VXI-11 core channel at ${host}:${corePort}: ${(err as Error).message}`, err);
    }
    this.rpc = rpc;
    rpc?.onClose((err) => {
      if (this.rpc === rpc && err) this.reportLost(err.message, err);
    });
    this.markOpen();
  }

  /**
   * One program message: device_write with END on its last piece (pieces of at most maxRecvSize). The
   * instrument serves one call at a time, so a device_read must not overtake the write it answers.
   */
  write(data: Uint8Array): Promise<void> {
    const done = this.writeMessage(data);
    this.lastWrite = done.catch(() => undefined);
    return done;
  }

  private async writeMessage(data: Uint8Array): Promise<void> {
    const rpc = this.rpc;
    if (!rpc || !this.isOpen) throw this.notOpenError();
    const bytes = Buffer.from(data);
    const { writeTimeout_ms } = this.options;
    for (let at = 0; at < bytes.length || at === 0; at += this.maxRecvSize) {
      const piece = bytes.subarray(at, at + this.maxRecvSize);
      const last = at + this.maxRecvSize >= bytes.length;
      let reply;
      try {
        reply = decodeWriteResp(await rpc.call(DEVICE_CORE, DEVICE_CORE_VERSION, CoreProc.DEVICE_WRITE,
          encodeWrite({ lid: this.lid, ioTimeout_ms: writeTimeout_ms, lockTimeout_ms: 0, flags: last ? Flag.END : 0, data: piece }),
          writeTimeout_ms + 1000));
      } catch (err) {
        throw new LinkLostError(this.resource, `device_write failed: ${(err as Error).message}`, { cause: err });
      }
      if (reply.error !== Vxi11Error.NONE) throw new LinkLostError(this.resource, `device_write failed: ${vxi11ErrorText(reply.error)}`);
      if (bytes.length === 0) break;
    }
  }

  send(data: Uint8Array): void {
    this.write(data).catch((err: Error) => this.reportLost(err.message, err));
  }

  /** The session waits for a reply: device_read until END (the reply's bytes arrive as 'data'). */
  requestReply(timeout_ms: number): void {
    if (!this.rpc || !this.isOpen) return;
    this.readWanted_ms = Math.max(1, Math.ceil(timeout_ms));
    if (!this.reading) void this.readLoop();
  }

  private async readLoop(): Promise<void> {
    const rpc = this.rpc;
    if (!rpc) return;
    this.reading = true;
    try {
      // The session asks for the reply just before it sends the query: let the query go out first.
      await Promise.resolve();
      await this.lastWrite;
      while (this.readWanted_ms !== null && this.rpc === rpc) {
        const io_ms = this.readWanted_ms;
        this.readWanted_ms = null;
        for (;;) {
          const reply = decodeReadResp(await rpc.call(DEVICE_CORE, DEVICE_CORE_VERSION, CoreProc.DEVICE_READ,
            encodeRead({ lid: this.lid, requestSize: READ_CHUNK_BYTES, ioTimeout_ms: io_ms, lockTimeout_ms: 0, flags: 0, termChar: 0 }),
            io_ms + 2000));
          if (reply.error === Vxi11Error.IO_TIMEOUT) break; // nothing to read: the session's own timer reports it
          if (reply.error !== Vxi11Error.NONE) {
            this.reportLost(`device_read failed: ${vxi11ErrorText(reply.error)}`);
            return;
          }
          // A session still short of a whole reply asks again from inside 'data'; the outer loop serves it.
          if (reply.data.length > 0) this.emit('data', reply.data);
          if ((reply.reason & (Reason.END | Reason.CHR)) !== 0) break;
        }
      }
    } catch (err) {
      if (this.rpc === rpc && this.isOpen) this.reportLost(`device_read failed: ${(err as Error).message}`, err);
    } finally {
      this.reading = false;
    }
  }

  async close(): Promise<void> {
    const rpc = this.rpc;
    this.closing = true;
    this.markClosed();
    this.rpc = null;
    if (!rpc) return;
    await rpc.call(DEVICE_CORE, DEVICE_CORE_VERSION, CoreProc.DESTROY_LINK, encodeLink(this.lid), 500).catch(() => undefined);
    rpc.close();
  }
}
