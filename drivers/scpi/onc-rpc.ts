// ONC RPC over TCP, the wire under VXI-11: XDR encoding (RFC 4506), call and reply headers (RFC 5531) and
// record marking (RFC 5531 §11). Pure and shared by both sides of the wire, like the rest of drivers/scpi/:
// the VXI-11 client transport and the simulator's VXI-11 server and portmapper. No npm package covers ONC
// RPC; the one maintained XDR codec (@stellar/js-xdr) would cover the four XDR types used here but not the
// RPC headers or the record marking, so both are written out.

/** XDR writer: every item is padded to a multiple of 4 bytes, big-endian. */
export class XdrWriter {
  private readonly parts: Buffer[] = [];

  uint(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }

  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v | 0);
    this.parts.push(b);
    return this;
  }

  bool(v: boolean): this {
    return this.uint(v ? 1 : 0);
  }

  /** Variable-length opaque: length, bytes, zero padding. */
  opaque(data: Uint8Array): this {
    this.uint(data.length);
    this.parts.push(Buffer.from(data));
    const pad = (4 - (data.length % 4)) % 4;
    if (pad) this.parts.push(Buffer.alloc(pad));
    return this;
  }

  string(s: string): this {
    return this.opaque(Buffer.from(s, 'latin1'));
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A message shorter than its fields say, or a field out of its domain. */
export class XdrError extends Error {
  override name = 'XdrError';
}

export class XdrReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new XdrError(`XDR ${what} at byte ${this.pos} needs ${n} bytes, but the message has ${this.buf.length - this.pos} left`);
    }
  }

  uint(what = 'unsigned int'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int(what = 'int'): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bool(what = 'bool'): boolean {
    const v = this.uint(what);
    if (v > 1) throw new XdrError(`XDR ${what} is ${v}; expected 0 or 1`);
    return v === 1;
  }

  opaque(what = 'opaque', max = 0x7fffffff): Buffer {
    const n = this.uint(`${what} length`);
    if (n > max) throw new XdrError(`XDR ${what} of ${n} bytes is over its limit of ${max}`);
    const padded = n + ((4 - (n % 4)) % 4);
    this.need(padded, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += padded;
    return out;
  }

  string(what = 'string', max?: number): string {
    return this.opaque(what, max).toString('latin1');
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

export const RPC_VERSION = 2;
export const MSG_CALL = 0;
export const MSG_REPLY = 1;
const AUTH_NONE = 0;

/** accept_stat of an accepted reply (RFC 5531 §9). */
export const AcceptStat = { SUCCESS: 0, PROG_UNAVAIL: 1, PROG_MISMATCH: 2, PROC_UNAVAIL: 3, GARBAGE_ARGS: 4, SYSTEM_ERR: 5 } as const;

export interface RpcCall {
  xid: number;
  prog: number;
  vers: number;
  proc: number;
  /** The procedure's arguments, XDR-encoded. */
  args: Buffer;
}

/** A call with AUTH_NONE credentials and verifier, as VXI-11 clients send. */
export function encodeCall(c: RpcCall): Buffer {
  const head = new XdrWriter().uint(c.xid).uint(MSG_CALL).uint(RPC_VERSION).uint(c.prog).uint(c.vers).uint(c.proc)
    .uint(AUTH_NONE).uint(0).uint(AUTH_NONE).uint(0).bytes();
  return Buffer.concat([head, c.args]);
}

export function decodeCall(msg: Buffer): RpcCall {
  const r = new XdrReader(msg);
  const xid = r.uint('xid');
  const type = r.uint('msg_type');
  if (type !== MSG_CALL) throw new XdrError(`RPC message ${xid} is of type ${type}; expected a call (0)`);
  const rpcvers = r.uint('rpcvers');
  if (rpcvers !== RPC_VERSION) throw new XdrError(`RPC version ${rpcvers}; expected 2`);
  const prog = r.uint('prog');
  const vers = r.uint('vers');
  const proc = r.uint('proc');
  r.uint('cred flavor');
  r.opaque('cred body', 400);
  r.uint('verf flavor');
  r.opaque('verf body', 400);
  return { xid, prog, vers, proc, args: msg.subarray(msg.length - r.remaining) };
}

/** An accepted reply; `results` only with SUCCESS, the supported version range with PROG_MISMATCH. */
export function encodeReply(xid: number, stat: number, results: Buffer = Buffer.alloc(0), mismatch?: { low: number; high: number }): Buffer {
  const w = new XdrWriter().uint(xid).uint(MSG_REPLY).uint(0).uint(AUTH_NONE).uint(0).uint(stat);
  if (stat === AcceptStat.PROG_MISMATCH && mismatch) w.uint(mismatch.low).uint(mismatch.high);
  return Buffer.concat([w.bytes(), stat === AcceptStat.SUCCESS ? results : Buffer.alloc(0)]);
}

export type RpcReply =
  | { xid: number; kind: 'success'; results: Buffer }
  | { xid: number; kind: 'refused'; reason: string };

const ACCEPT_TEXT: Readonly<Record<number, string>> = {
  1: 'program unavailable', 2: 'program version mismatch', 3: 'procedure unavailable', 4: 'garbage arguments', 5: 'system error',
};

export function decodeReply(msg: Buffer): RpcReply {
  const r = new XdrReader(msg);
  const xid = r.uint('xid');
  const type = r.uint('msg_type');
  if (type !== MSG_REPLY) throw new XdrError(`RPC message ${xid} is of type ${type}; expected a reply (1)`);
  const replyStat = r.uint('reply_stat');
  if (replyStat !== 0) {
    const reject = r.uint('reject_stat');
    return { xid, kind: 'refused', reason: reject === 0 ? 'RPC version mismatch' : `authentication error ${r.uint('auth_stat')}` };
  }
  r.uint('verf flavor');
  r.opaque('verf body', 400);
  const stat = r.uint('accept_stat');
  if (stat !== AcceptStat.SUCCESS) return { xid, kind: 'refused', reason: ACCEPT_TEXT[stat] ?? `accept_stat ${stat}` };
  return { xid, kind: 'success', results: msg.subarray(msg.length - r.remaining) };
}

const LAST_FRAGMENT = 0x80000000;

/** One record as a single last fragment. */
export function frameRecord(msg: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE((LAST_FRAGMENT | msg.length) >>> 0);
  return Buffer.concat([head, msg]);
}

/** Reassembles records from a TCP byte stream (fragments joined; a record over `max_bytes` is an error). */
export class RecordReader {
  private buf: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private size = 0;

  constructor(private readonly max_bytes = 64 * 1024 * 1024) {}

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (this.buf.length >= 4) {
      const head = this.buf.readUInt32BE(0);
      const len = head & 0x7fffffff;
      if (this.size + len > this.max_bytes) throw new XdrError(`an RPC record of more than ${this.max_bytes} bytes`);
      if (this.buf.length < 4 + len) break;
      this.fragments.push(this.buf.subarray(4, 4 + len));
      this.size += len;
      this.buf = this.buf.subarray(4 + len);
      if ((head & LAST_FRAGMENT) !== 0) {
        out.push(Buffer.concat(this.fragments));
        this.fragments = [];
        this.size = 0;
      }
    }
    return out;
  }
}
