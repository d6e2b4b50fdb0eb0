// A minimal line-reading client over any byte stream, for the link tests (the real session is helper C's).
import type { Duplex } from 'node:stream';

export class LineClient {
  private buf = '';
  private waiters: Array<(line: string) => void> = [];
  readonly lines: string[] = [];
  ended = false;
  closed = false;

  constructor(
    readonly stream: Duplex,
    private readonly terminator = '\n',
  ) {
    stream.setEncoding('latin1');
    stream.on('data', (s: string) => {
      this.buf += s;
      let i: number;
      while ((i = this.buf.indexOf(this.terminator)) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + this.terminator.length);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    stream.on('end', () => (this.ended = true));
    stream.on('close', () => (this.closed = true));
    stream.on('error', () => undefined);
  }

  write(text: string | Uint8Array): void {
    this.stream.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  /** The next reply line, or rejects after `timeout_ms`. */
  next(timeout_ms = 1000): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no reply within ${timeout_ms} ms`));
      }, timeout_ms);
      const waiter = (line: string): void => {
        clearTimeout(timer);
        resolve(line);
      };
      this.waiters.push(waiter);
    });
  }

  async query(text: string, timeout_ms = 1000): Promise<string> {
    this.write(text);
    return this.next(timeout_ms);
  }

  /** Resolves when the stream has closed (or rejects after `timeout_ms`). */
  waitClosed(timeout_ms = 1000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`link still open after ${timeout_ms} ms`)), timeout_ms);
      this.stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
