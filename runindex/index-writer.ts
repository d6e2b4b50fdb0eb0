// Feeding the index without ever holding up a run: a folder to index goes into the durable outbox at once
// (a small synchronous file write), and a background drain sends what is owed, in batches, each record read
// fresh from its run.json. When the index cannot be reached (a lab server down) the drain waits with
// exponential backoff and tries again; nothing is lost and, the upserts being idempotent, nothing doubles.
import { RunRecordError } from './record-check.ts';
import { upsertRuns } from './ingest.ts';
import type { IndexConnection } from './index-connection.ts';
import { Outbox } from './outbox.ts';
import type { RunRows } from './record-rows.ts';
import { readRunRows } from './run-source.ts';
import { RetryBackoff } from './retry-backoff.ts';

export interface IndexWriterOptions {
  outboxFile: string;
  /** Backoff between attempts while the index is unreachable (default 0.5 s doubling to 30 s). */
  retryMin_ms?: number;
  retryMax_ms?: number;
  /** Runs per transaction when catching up (default 50). */
  batch?: number;
  /** A problem worth telling someone (index unreachable, a record that cannot be indexed). */
  onProblem?: (message: string) => void;
}

export interface IndexWriterStatus {
  index: string;
  /** Run folders owed to the index. */
  pending: number;
  /** The last failure to reach the index, until the next success. */
  lastError: string | null;
}

export class IndexWriter {
  private readonly outbox: Outbox;
  private draining: Promise<void> | null = null;
  private readonly retry: RetryBackoff;
  private lastError: string | null = null;
  private closed = false;

  constructor(private readonly conn: IndexConnection, private readonly opts: IndexWriterOptions) {
    this.outbox = new Outbox(opts.outboxFile);
    this.retry = new RetryBackoff(opts.retryMin_ms, opts.retryMax_ms);
    if (this.outbox.size > 0) this.kick();
  }

  status(): IndexWriterStatus {
    return { index: this.conn.description, pending: this.outbox.size, lastError: this.lastError };
  }

  pending(): string[] {
    return this.outbox.folders();
  }

  /** Owes the index this folder's current record; returns at once. */
  enqueue(folder: string): void {
    if (this.closed) return;
    this.outbox.add(folder);
    this.kick();
  }

  /** Sends what is owed now; resolves true when nothing is owed any more (tests, shutdown). */
  async flush(): Promise<boolean> {
    this.retry.cancel();
    await this.drain();
    return this.outbox.size === 0;
  }

  /** A last attempt (bounded by `wait_ms`), then the connection is closed; what is still owed stays in the outbox. */
  async close(wait_ms = 3000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    // The drain in flight first (closing the connection under it would fail it), then one more for what it left.
    const last = (async (): Promise<void> => {
      await this.draining?.catch(() => undefined);
      if (this.outbox.size > 0) await this.drainOnce();
    })();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([last, new Promise((r) => (timeout = setTimeout(r, wait_ms)))]).catch(() => undefined);
    clearTimeout(timeout);
    if (this.outbox.size > 0) {
      this.opts.onProblem?.(`run index ${this.conn.description}: ${this.outbox.size} run(s) not sent yet; kept in ${this.opts.outboxFile} and sent at the next start`);
    }
  }

  private kick(): void {
    if (this.closed || this.retry.pending) return;
    void this.drain();
  }

  private drain(): Promise<void> {
    this.draining ??= this.drainOnce().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    while (this.outbox.size > 0) {
      const entries = this.outbox.take(this.opts.batch ?? 50);
      const rows: RunRows[] = [];
      const unusable: [string, number][] = [];
      for (const entry of entries) {
        try {
          rows.push(await readRunRows(entry[0]));
        } catch (err) {
          // A record that cannot be read will not become readable by waiting: reported and dropped
          // (`benchctl index rebuild` indexes it once it is repaired).
          const why = err instanceof RunRecordError ? err.message : `${entry[0]}: ${(err as Error).message}`;
          this.opts.onProblem?.(`run index: not indexed: ${why}`);
          unusable.push(entry);
        }
      }
      try {
        const db = await this.conn.db();
        await upsertRuns(db, rows);
      } catch (err) {
        this.outbox.settle(unusable);
        this.fail(err);
        return;
      }
      this.outbox.settle([...entries]);
      if (this.lastError !== null) this.opts.onProblem?.(`run index ${this.conn.description} reachable again; caught up`);
      this.lastError = null;
      this.retry.succeeded();
    }
  }

  private fail(err: unknown): void {
    const message = (err as Error).message;
    // While closing, close() itself tells what is still owed.
    if (this.lastError === null && !this.closed) this.opts.onProblem?.(`run index ${this.conn.description} unreachable (${message}); runs are kept in ${this.opts.outboxFile} and sent when it is back`);
    this.lastError = message;
    void this.conn.reset();
    if (this.closed) return;
    this.retry.schedule(() => void this.drain());
  }
}
