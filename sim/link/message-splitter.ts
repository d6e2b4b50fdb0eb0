// Splits an instrument's incoming byte stream into program messages at its input terminator.
// Binary-safe: a definite block (#<n><len><bytes>) may carry terminator bytes inside its payload, and an
// indefinite block (#0<bytes>LF) ends its message at the LF, as IEEE 488.2 requires. Pure: no I/O.
import { scanBlock } from '../../drivers/scpi/block.ts';

const HASH = 0x23;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

/** A real instrument's input buffer is finite; past this a message is discarded (SCPI -363 input buffer overrun). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface SplitterOptions {
  maxMessage_bytes?: number;
  /** Called when a message outgrew the input buffer and was discarded. */
  onOverrun?: (discarded_bytes: number) => void;
}

export class MessageSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Where scanning resumes: everything before it belongs to the message being built. */
  private pos = 0;
  /** The quote byte of a string being scanned (a '#' inside a string is text, not a block), or 0. */
  private quote = 0;
  /** The block being waited for will be complete once the buffer holds this many bytes. */
  private waitFor = 0;
  private readonly term: Buffer;
  private readonly max: number;
  private readonly onOverrun: ((n: number) => void) | undefined;

  constructor(terminator: string, opts: SplitterOptions = {}) {
    if (terminator.length === 0) throw new Error('MessageSplitter: the input terminator must not be empty');
    this.term = Buffer.from(terminator, 'latin1');
    this.max = opts.maxMessage_bytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.onOverrun = opts.onOverrun;
  }

  /** Bytes received but not yet part of a complete message. */
  get pending_bytes(): number {
    return this.buf.length;
  }

  /** Feeds a chunk; returns the complete messages it finished (terminators stripped, bytes as latin1 text). */
  push(chunk: Uint8Array): string[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    if (this.waitFor > this.buf.length) return this.checkOverrun(out);
    this.waitFor = 0;
    const buf = this.buf;
    const t0 = this.term[0] ?? 0;
    let start = 0;
    let i = this.pos;
    while (i < buf.length) {
      const b = buf[i] ?? 0;
      if (this.quote !== 0) {
        if (b === this.quote) this.quote = 0;
      } else if (b === DQUOTE || b === SQUOTE) {
        this.quote = b;
      } else if (b === HASH) {
        const scan = scanBlock(buf, i);
        if (scan.status === 'incomplete') {
          const total = scan.needed === undefined ? 0 : i + scan.needed;
          if (scan.needed === undefined || total - start <= this.max) {
            this.waitFor = total;
            break;
          }
          // A block header announcing more than the buffer holds: the '#' is left to the parser to refuse.
        } else if (scan.status === 'complete') {
          if (scan.indefinite) {
            // The LF closing an indefinite block is the message terminator too; it stays with the block.
            out.push(buf.toString('latin1', start, scan.end));
            start = i = scan.end;
            this.quote = 0;
            continue;
          }
          i = scan.end;
          continue;
        }
      }
      if (b === t0 && this.matchesTerminator(buf, i)) {
        out.push(buf.toString('latin1', start, i));
        i += this.term.length;
        start = i;
        this.quote = 0;
        continue;
      }
      i++;
    }
    this.pos = i < buf.length ? i : this.resumeForSplitTerminator(buf, start);
    this.buf = start === 0 ? buf : buf.subarray(start);
    this.pos -= start;
    if (this.waitFor > 0) this.waitFor -= start;
    return this.checkOverrun(out);
  }

  /** Backs off over trailing bytes that may be the start of a multi-byte terminator split across chunks. */
  private resumeForSplitTerminator(buf: Buffer, start: number): number {
    for (let k = Math.min(this.term.length - 1, buf.length - start); k > 0; k--) {
      if (buf.subarray(buf.length - k).equals(this.term.subarray(0, k))) return buf.length - k;
    }
    return buf.length;
  }

  private matchesTerminator(buf: Buffer, i: number): boolean {
    if (i + this.term.length > buf.length) return false;
    for (let k = 1; k < this.term.length; k++) if (buf[i + k] !== this.term[k]) return false;
    return true;
  }

  private checkOverrun(out: string[]): string[] {
    if (this.buf.length > this.max) {
      const n = this.buf.length;
      this.reset();
      this.onOverrun?.(n);
    }
    return out;
  }

  /** Forgets any partial message (device clear). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.quote = 0;
    this.waitFor = 0;
  }
}
