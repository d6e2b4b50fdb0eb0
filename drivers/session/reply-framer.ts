// Cuts the byte stream from an instrument into replies: terminated lines, or IEEE 488.2 blocks when a reply
// starts with '#<digit>' (binary-safe: a definite block's payload may hold the terminator). Pure logic.
//
// Bytes are kept in one buffer that is only copied into when a reply spans chunks; the usual case, one
// chunk holding one reply, borrows the chunk and decodes straight out of it.
import { scanBlock } from '../scpi/block.ts';

export type Frame =
  | { kind: 'line'; text: string }
  /** `raw` is the whole block (header and payload), `payload` the data bytes only. */
  | { kind: 'block'; payload: Buffer; raw: Buffer; indefinite: boolean }
  | { kind: 'invalid-block'; reason: string; head: string };

export interface PartialBlock {
  received_bytes: number;
  /** Whole block length once a definite header has been read; null while unknown or for indefinite blocks. */
  expected_bytes: number | null;
}

const HASH = 0x23;
const SEMICOLON = 0x3b;
const MIN_CAPACITY = 4096;

/** Reply text is decoded byte-for-byte (Latin-1), so nothing an instrument sends is lost or altered. */
export const REPLY_ENCODING = 'latin1';

export class ReplyFramer {
  private term: Buffer = Buffer.from('\n');
  private termByte = 0x0a;
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** True while `buf` is a chunk we were handed rather than our own storage. */
  private borrowed = true;
  /** Bytes after `start` already searched without finding a terminator. */
  private scanned = 0;
  /** After a definite block, the message terminator that follows it is dropped if it comes. */
  private skipTerminator = false;

  constructor(terminator: string) {
    this.setTerminator(terminator);
  }

  setTerminator(terminator: string): void {
    if (terminator.length === 0) throw new RangeError('the read terminator must not be empty');
    this.term = Buffer.from(terminator, REPLY_ENCODING);
    this.termByte = this.term[0] ?? 0x0a;
    this.scanned = 0;
  }

  get buffered(): number {
    return this.end - this.start;
  }

  /** True when bytes are waiting that are more than the terminator owed after a block. */
  hasUnread(): boolean {
    if (this.skipTerminator && this.end > this.start) this.dropTerminator();
    return this.end > this.start;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.start === this.end) {
      this.buf = chunk;
      this.start = 0;
      this.end = n;
      this.borrowed = true;
      this.scanned = 0;
      return;
    }
    const held = this.end - this.start;
    if (this.borrowed || held + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, 2 * (held + n)));
      this.buf.copy(grown, 0, this.start, this.end);
      this.buf = grown;
      this.borrowed = false;
      this.start = 0;
      this.end = held;
    } else if (this.end + n > this.buf.length) {
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.start = 0;
      this.end = held;
    }
    chunk.copy(this.buf, this.end);
    this.end += n;
  }

  /** The next complete reply, or null when more bytes are needed. */
  next(): Frame | null {
    if (this.skipTerminator && !this.dropTerminator()) return null;
    const avail = this.end - this.start;
    if (avail === 0) return null;
    if (this.buf[this.start] === HASH) {
      if (avail < 2) return null;
      if (isDigit(this.buf[this.start + 1])) return this.nextBlock();
    }
    return this.nextLine();
  }

  /** When the buffered bytes are the start of a block, how much of it has arrived. */
  partialBlock(): PartialBlock | null {
    const avail = this.end - this.start;
    if (avail < 2 || this.buf[this.start] !== HASH || !isDigit(this.buf[this.start + 1])) return null;
    const scan = scanBlock(this.buf.subarray(this.start, this.end));
    if (scan.status !== 'incomplete') return null;
    return { received_bytes: avail, expected_bytes: scan.needed ?? null };
  }

  /** Drops everything buffered (stale bytes after a timeout); returns how many bytes were dropped. */
  discard(): number {
    const n = this.end - this.start;
    this.reset();
    this.skipTerminator = false;
    return n;
  }

  private nextLine(): Frame | null {
    const { buf, term } = this;
    const from = this.start + this.scanned;
    const idx = term.length === 1 ? buf.indexOf(this.termByte, from) : buf.indexOf(term, from);
    // Owned storage has spare capacity past `end`; a hit there is stale memory, not a terminator.
    if (idx < 0 || idx + term.length > this.end) {
      this.scanned = Math.max(0, this.end - this.start - term.length + 1);
      return null;
    }
    const text = buf.toString(REPLY_ENCODING, this.start, idx);
    this.consume(idx + term.length);
    return { kind: 'line', text };
  }

  private nextBlock(): Frame | null {
    const view = this.buf.subarray(this.start, this.end);
    const scan = scanBlock(view);
    if (scan.status === 'incomplete') return null;
    if (scan.status === 'invalid') {
      return { kind: 'invalid-block', reason: scan.reason, head: view.subarray(0, 24).toString(REPLY_ENCODING) };
    }
    // Borrowed chunks are never written to, so slices of them can be handed out; our own storage is reused.
    const raw = this.borrowed ? view.subarray(0, scan.end) : Buffer.from(view.subarray(0, scan.end));
    const payload = raw.subarray(scan.payloadStart, scan.payloadEnd);
    this.consume(this.start + scan.end);
    this.skipTerminator = !scan.indefinite;
    if (this.skipTerminator && this.end > this.start) this.dropTerminator();
    return { kind: 'block', payload, raw, indefinite: scan.indefinite };
  }

  /**
   * Returns false while the bytes so far could still be the start of the terminator. A ';' after a
   * definite block is the next response message unit of a compound reply (IEEE 488.2 §8.4, e.g. one
   * block per port): it is dropped and that unit is the next reply.
   */
  private dropTerminator(): boolean {
    const avail = this.end - this.start;
    if (avail > 0 && this.buf[this.start] === SEMICOLON && this.termByte !== SEMICOLON) {
      this.skipTerminator = false;
      this.consume(this.start + 1);
      return true;
    }
    const n = Math.min(avail, this.term.length);
    for (let i = 0; i < n; i++) {
      if (this.buf[this.start + i] !== this.term[i]) {
        this.skipTerminator = false;
        return true;
      }
    }
    if (n < this.term.length) return false;
    this.skipTerminator = false;
    this.consume(this.start + this.term.length);
    return true;
  }

  private consume(to: number): void {
    this.start = to;
    this.scanned = 0;
    if (this.start >= this.end) this.reset();
  }

  private reset(): void {
    if (this.borrowed) this.buf = EMPTY;
    this.start = 0;
    this.end = 0;
    this.scanned = 0;
  }
}

const EMPTY = Buffer.alloc(0);

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}
