// A portmapper for the simulator's VXI-11 core channel (RFC 1833): program 100000 version 2's GETPORT
// (what pyvisa-py asks) and rpcbind versions 3 and 4's GETADDR (what libtirpc clients, lxi-tools among
// them, ask first over TCP), both over TCP. It knows one mapping: the VXI-11 core channel. Port 111 is what
// every client expects; tests use an ephemeral port, and `benchctl sim --vxi11` takes 111 only when free.
import net from 'node:net';
import { AcceptStat, RecordReader, XdrError, decodeCall, encodeReply, frameRecord } from '../../drivers/scpi/onc-rpc.ts';
import {
  DEVICE_CORE, DEVICE_CORE_VERSION, IPPROTO_TCP, PMAPPROC_GETPORT, PMAPPROC_NULL, PMAP_PROG, PMAP_VERS, RPCBPROC_GETADDR,
  decodeMapping, decodeRpcb, encodePort, encodeString, universalAddress,
} from '../../drivers/scpi/vxi11-messages.ts';
import { LOOPBACK, LinkServeError } from './tcp-server.ts';

export interface PortmapperEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

function answer(msg: Buffer, corePort: number): Buffer | null {
  let call;
  try {
    call = decodeCall(msg);
  } catch {
    return null;
  }
  const { xid, prog, vers, proc, args } = call;
  if (prog !== PMAP_PROG) return encodeReply(xid, AcceptStat.PROG_UNAVAIL);
  if (vers < PMAP_VERS || vers > 4) return encodeReply(xid, AcceptStat.PROG_MISMATCH, undefined, { low: 2, high: 4 });
  try {
    if (proc === PMAPPROC_NULL) return encodeReply(xid, AcceptStat.SUCCESS);
    if (vers === PMAP_VERS && proc === PMAPPROC_GETPORT) {
      const m = decodeMapping(args);
      const ours = m.prog === DEVICE_CORE && m.vers === DEVICE_CORE_VERSION && m.prot === IPPROTO_TCP;
      return encodeReply(xid, AcceptStat.SUCCESS, encodePort(ours ? corePort : 0));
    }
    if (vers > PMAP_VERS && proc === RPCBPROC_GETADDR) {
      const r = decodeRpcb(args);
      const ours = r.prog === DEVICE_CORE && r.vers === DEVICE_CORE_VERSION && (r.netid === 'tcp' || r.netid === '');
      return encodeReply(xid, AcceptStat.SUCCESS, encodeString(ours ? universalAddress(LOOPBACK, corePort) : ''));
    }
  } catch (err) {
    if (err instanceof XdrError) return encodeReply(xid, AcceptStat.GARBAGE_ARGS);
    throw err;
  }
  return encodeReply(xid, AcceptStat.PROC_UNAVAIL);
}

export async function listenPortmapper(opts: { corePort: number; port: number }): Promise<PortmapperEndpoint> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const records = new RecordReader(64 * 1024);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = records.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const msg of messages) {
        const reply = answer(msg, opts.corePort);
        if (reply) socket.write(frameRecord(reply));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is already in use (is rpcbind running?)'
        : err.code === 'EACCES' ? 'binding a port below 1024 needs root' : err.message;
      reject(new LinkServeError(`serving the VXI-11 portmapper on ${LOOPBACK}:${opts.port}: ${why}`, { cause: err }));
    });
    server.listen({ host: LOOPBACK, port: opts.port, exclusive: true }, () => resolve());
  });
  server.on('error', () => undefined);
  const address = server.address();
  let closing: Promise<void> | undefined;
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
