// Feeding the index the audit log without ever holding up a control action: audit.jsonl (appended first,
// by the audit log) is the truth and the outbox is a durable cursor — "indexed up to byte N, line L" —
// rewritten atomically after each batch reached the index. A drain sends whatever lies after the cursor;
// while the index is unreachable it waits with exponential backoff and tries again. A crash between a
// send and the cursor's save sends those lines again, which the ids make harmless.
import { mkdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../sequences/records/atomic-file.ts';
import { auditSourceOf, insertAudit } from './audit-index.ts';
import { readAuditChunk } from './audit-rows.ts';
import type { IndexConnection } from './index-connection.ts';
import { RetryBackoff } from './retry-backoff.ts';

export interface AuditWriterOptions {
  /** audit.jsonl. */
  auditFile: string;
  /** The cursor: `{"offset": N, "line": L}`. */
  cursorFile: string;
  retryMin_ms?: number;
  retryMax_ms?: number;
  onProblem?: (message: string) => void;
}

interface Cursor {
  offset: number;
  line: number;
}

function readCursor(file: string): Cursor {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { offset: 0, line: 1 };
    throw err;
  }
  let c: Partial<Cursor> | null;
  try {
    c = JSON.parse(text) as Partial<Cursor>;
  } catch {
    c = null;
  }
  if (!c || !Number.isInteger(c.offset) || !Number.isInteger(c.line) || (c.offset as number) < 0 || (c.line as number) < 1) {
    throw new Error(`audit index cursor ${file}: expected {"offset": <bytes>, "line": <line>}; fix or delete it (the audit log is then sent again, without duplicates)`);
  }
  return { offset: c.offset as number, line: c.line as number };
}

export class AuditWriter {
  private cursor: Cursor;
  private readonly source: string;
  private draining: Promise<void> | null = null;
  private again = false;
  private readonly retry: RetryBackoff;
  private lastError: string | null = null;
  private closed = false;

  constructor(private readonly conn: IndexConnection, private readonly opts: AuditWriterOptions) {
    this.cursor = readCursor(opts.cursorFile);
    this.source = auditSourceOf(opts.auditFile);
    this.retry = new RetryBackoff(opts.retryMin_ms, opts.retryMax_ms);
  }

  /** What the index has not been sent yet, in bytes of audit.jsonl (0: caught up). */
  get offset(): number {
    return this.cursor.offset;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** audit.jsonl grew (or may have, at start): send what is new; returns at once. */
  notify(): void {
    if (this.closed) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    if (this.retry.pending) return;
    void this.drain();
  }

  /** Sends what is owed now; resolves true when the index holds the whole file. */
  async flush(): Promise<boolean> {
    this.retry.cancel();
    await this.draining;
    return this.drain();
  }

  /** A last bounded attempt; what is left stays owed (the cursor says from where). */
  async close(wait_ms = 3000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    let timeout: NodeJS.Timeout | undefined;
    const last = (async () => {
      await this.draining;
      await this.drainOnce();
    })();
    await Promise.race([last, new Promise((r) => (timeout = setTimeout(r, wait_ms)))]).catch(() => undefined);
    clearTimeout(timeout);
  }

  private drain(): Promise<boolean> {
    const run = (async (): Promise<boolean> => {
      let ok: boolean;
      do {
        this.again = false;
        ok = await this.drainOnce();
      } while (ok && this.again);
      return ok;
    })();
    this.draining = run.then(() => undefined).finally(() => {
      this.draining = null;
    });
    return run;
  }

  /** true when caught up with the file as it was; false after a failure (a retry is scheduled). */
  private async drainOnce(): Promise<boolean> {
    try {
      for (;;) {
        const chunk = await readAuditChunk(this.opts.auditFile, this.source, this.cursor.offset, this.cursor.line);
        if (chunk.end === this.cursor.offset) {
          // A file shorter than the cursor was replaced: read it from the start (the ids keep it single).
          if (await this.replaced()) continue;
          break;
        }
        for (const p of chunk.problems) this.opts.onProblem?.(`audit index: ${this.opts.auditFile} line ${p.line} not indexed: ${p.error}`);
        const db = await this.conn.db();
        await insertAudit(db, chunk.rows);
        this.cursor = { offset: chunk.end, line: chunk.nextLine };
        mkdirSync(dirname(this.opts.cursorFile), { recursive: true });
        writeFileAtomic(this.opts.cursorFile, `${JSON.stringify(this.cursor)}\n`);
      }
    } catch (err) {
      this.fail(err);
      return false;
    }
    if (this.lastError !== null) this.opts.onProblem?.(`audit index ${this.conn.description} reachable again; caught up`);
    this.lastError = null;
    this.retry.succeeded();
    return true;
  }

  private async replaced(): Promise<boolean> {
    const size = await stat(this.opts.auditFile).then((s) => s.size, () => 0);
    if (size >= this.cursor.offset) return false;
    this.cursor = { offset: 0, line: 1 };
    return size > 0;
  }

  private fail(err: unknown): void {
    const message = (err as Error).message;
    if (this.lastError === null && !this.closed) {
      this.opts.onProblem?.(`audit index ${this.conn.description} unreachable (${message}); the actions stay in ${this.opts.auditFile} and are sent when it is back`);
    }
    this.lastError = message;
    void this.conn.reset();
    if (this.closed) return;
    this.retry.schedule(() => void this.drain());
  }
}
