// The VXI-11 core channel and the portmapper, message by message (VXI-11 TCP/IP Instrument Protocol
// Specification rev. 1.0, appendix B `vxi11.rpcl`; RFC 1833 for PMAPPROC_GETPORT and RPCBPROC_GETADDR).
// Pure XDR codecs shared by the client transport and the simulator's server; no I/O.
import { XdrReader, XdrWriter } from './onc-rpc.ts';

export const DEVICE_CORE = 0x0607af;
export const DEVICE_CORE_VERSION = 1;
export const DEVICE_ASYNC = 0x0607b0;

export const CoreProc = {
  CREATE_LINK: 10, DEVICE_WRITE: 11, DEVICE_READ: 12, DEVICE_READSTB: 13, DEVICE_TRIGGER: 14, DEVICE_CLEAR: 15,
  DEVICE_REMOTE: 16, DEVICE_LOCAL: 17, DEVICE_LOCK: 18, DEVICE_UNLOCK: 19, DEVICE_ENABLE_SRQ: 20, DEVICE_DOCMD: 22,
  DESTROY_LINK: 23, CREATE_INTR_CHAN: 25, DESTROY_INTR_CHAN: 26,
} as const;

/** Device_Flags bits. */
export const Flag = { WAITLOCK: 1, END: 8, TERMCHRSET: 128 } as const;
/** Device_ReadResp reason bits: the request size was reached, the term char seen, END seen. */
export const Reason = { REQCNT: 1, CHR: 2, END: 4 } as const;

/** Device_ErrorCode values (VXI-11 §B.5). */
export const Vxi11Error = {
  NONE: 0, SYNTAX: 1, NOT_ACCESSIBLE: 3, INVALID_LINK: 4, PARAMETER: 5, NO_CHANNEL: 6, NOT_SUPPORTED: 8,
  OUT_OF_RESOURCES: 9, LOCKED: 11, NO_LOCK: 12, IO_TIMEOUT: 15, IO_ERROR: 17, INVALID_ADDRESS: 21, ABORT: 23,
  CHANNEL_EXISTS: 29,
} as const;

const ERROR_TEXT: Readonly<Record<number, string>> = {
  1: 'syntax error', 3: 'device not accessible', 4: 'invalid link identifier', 5: 'parameter error',
  6: 'channel not established', 8: 'operation not supported', 9: 'out of resources', 11: 'device locked by another link',
  12: 'no lock held by this link', 15: 'I/O timeout', 17: 'I/O error', 21: 'invalid address', 23: 'abort',
  29: 'channel already established',
};

export function vxi11ErrorText(code: number): string {
  return `VXI-11 error ${code} (${ERROR_TEXT[code] ?? 'unknown'})`;
}

export interface CreateLinkParms { clientId: number; lockDevice: boolean; lockTimeout_ms: number; device: string }
export interface CreateLinkResp { error: number; lid: number; abortPort: number; maxRecvSize: number }
export interface WriteParms { lid: number; ioTimeout_ms: number; lockTimeout_ms: number; flags: number; data: Buffer }
export interface WriteResp { error: number; size: number }
export interface ReadParms { lid: number; requestSize: number; ioTimeout_ms: number; lockTimeout_ms: number; flags: number; termChar: number }
export interface ReadResp { error: number; reason: number; data: Buffer }
export interface GenericParms { lid: number; flags: number; lockTimeout_ms: number; ioTimeout_ms: number }

export const encodeCreateLink = (p: CreateLinkParms): Buffer =>
  new XdrWriter().int(p.clientId).bool(p.lockDevice).uint(p.lockTimeout_ms).string(p.device).bytes();
export function decodeCreateLink(b: Buffer): CreateLinkParms {
  const r = new XdrReader(b);
  return { clientId: r.int('clientId'), lockDevice: r.bool('lockDevice'), lockTimeout_ms: r.uint('lock_timeout'), device: r.string('device', 256) };
}
export const encodeCreateLinkResp = (p: CreateLinkResp): Buffer =>
  new XdrWriter().int(p.error).int(p.lid).uint(p.abortPort).uint(p.maxRecvSize).bytes();
export function decodeCreateLinkResp(b: Buffer): CreateLinkResp {
  const r = new XdrReader(b);
  return { error: r.int('error'), lid: r.int('lid'), abortPort: r.uint('abortPort'), maxRecvSize: r.uint('maxRecvSize') };
}

export const encodeWrite = (p: WriteParms): Buffer =>
  new XdrWriter().int(p.lid).uint(p.ioTimeout_ms).uint(p.lockTimeout_ms).int(p.flags).opaque(p.data).bytes();
export function decodeWrite(b: Buffer): WriteParms {
  const r = new XdrReader(b);
  return { lid: r.int('lid'), ioTimeout_ms: r.uint('io_timeout'), lockTimeout_ms: r.uint('lock_timeout'), flags: r.int('flags'), data: r.opaque('data') };
}
export const encodeWriteResp = (p: WriteResp): Buffer => new XdrWriter().int(p.error).uint(p.size).bytes();
export function decodeWriteResp(b: Buffer): WriteResp {
  const r = new XdrReader(b);
  return { error: r.int('error'), size: r.uint('size') };
}

export const encodeRead = (p: ReadParms): Buffer =>
  new XdrWriter().int(p.lid).uint(p.requestSize).uint(p.ioTimeout_ms).uint(p.lockTimeout_ms).int(p.flags).int(p.termChar).bytes();
export function decodeRead(b: Buffer): ReadParms {
  const r = new XdrReader(b);
  return {
    lid: r.int('lid'), requestSize: r.uint('requestSize'), ioTimeout_ms: r.uint('io_timeout'), lockTimeout_ms: r.uint('lock_timeout'),
    flags: r.int('flags'), termChar: r.int('termChar') & 0xff,
  };
}
export const encodeReadResp = (p: ReadResp): Buffer => new XdrWriter().int(p.error).int(p.reason).opaque(p.data).bytes();
export function decodeReadResp(b: Buffer): ReadResp {
  const r = new XdrReader(b);
  return { error: r.int('error'), reason: r.int('reason'), data: r.opaque('data') };
}

export const encodeGeneric = (p: GenericParms): Buffer =>
  new XdrWriter().int(p.lid).int(p.flags).uint(p.lockTimeout_ms).uint(p.ioTimeout_ms).bytes();
export function decodeGeneric(b: Buffer): GenericParms {
  const r = new XdrReader(b);
  return { lid: r.int('lid'), flags: r.int('flags'), lockTimeout_ms: r.uint('lock_timeout'), ioTimeout_ms: r.uint('io_timeout') };
}
export const encodeLink = (lid: number): Buffer => new XdrWriter().int(lid).bytes();
export const decodeLink = (b: Buffer): number => new XdrReader(b).int('lid');
export const encodeError = (error: number): Buffer => new XdrWriter().int(error).bytes();
export const decodeError = (b: Buffer): number => new XdrReader(b).int('error');
export const encodeReadStbResp = (error: number, stb: number): Buffer => new XdrWriter().int(error).uint(stb & 0xff).bytes();

// The portmapper (program 100000): version 2's GETPORT, which pyvisa-py asks, and rpcbind versions 3 and 4's
// GETADDR (same procedure number), which libtirpc clients such as lxi-tools ask first over TCP.
export const PMAP_PROG = 100000;
export const PMAP_VERS = 2;
export const PMAPPROC_NULL = 0;
export const PMAPPROC_GETPORT = 3;
export const RPCBPROC_GETADDR = 3;
export const IPPROTO_TCP = 6;

export interface Mapping { prog: number; vers: number; prot: number; port: number }
export const encodeMapping = (m: Mapping): Buffer => new XdrWriter().uint(m.prog).uint(m.vers).uint(m.prot).uint(m.port).bytes();
export function decodeMapping(b: Buffer): Mapping {
  const r = new XdrReader(b);
  return { prog: r.uint('prog'), vers: r.uint('vers'), prot: r.uint('prot'), port: r.uint('port') };
}
export const encodePort = (port: number): Buffer => new XdrWriter().uint(port).bytes();
export const decodePort = (b: Buffer): number => new XdrReader(b).uint('port');

export interface RpcbArgs { prog: number; vers: number; netid: string; addr: string; owner: string }
export function decodeRpcb(b: Buffer): RpcbArgs {
  const r = new XdrReader(b);
  return { prog: r.uint('r_prog'), vers: r.uint('r_vers'), netid: r.string('r_netid', 64), addr: r.string('r_addr', 256), owner: r.string('r_owner', 256) };
}
/** rpcbind's universal address of an IPv4 TCP endpoint: `h1.h2.h3.h4.p1.p2`. */
export function universalAddress(host: string, port: number): string {
  return `${host}.${port >> 8}.${port & 0xff}`;
}
export const encodeString = (s: string): Buffer => new XdrWriter().string(s).bytes();
