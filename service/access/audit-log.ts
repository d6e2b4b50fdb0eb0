// The audit log: every control action (and every refused one) as one JSON line — who, when, what, with
// which argument, and the result — appended to a file beside the runs. Lines are appended in order through
// one queue; a failing disk is reported on stderr and never fails the call itself.
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AuditEntry {
  /** Unique per entry (given when written): what keeps it one row in the index however often it is sent. */
  id?: string;
  /** ISO time the call was answered. */
  time: string;
  who: string;
  role: string;
  /** Where it came from: 'bridge' (browser mode), with the peer address. */
  via: string;
  call: string;
  arg: unknown;
  result: 'ok' | 'error' | 'refused';
  error?: { name: string; message: string };
}

/** A second place entries go (the run index, when there is one), told once the line is in the file. */
export interface AuditSink {
  write(entry: AuditEntry): Promise<void>;
}

export const AUDIT_FILE_NAME = 'audit.jsonl';

export class AuditLog implements AuditSink, Flushable {
  readonly file: string;
  private readonly sinks: AuditSink[];
  private queue: Promise<void> = Promise.resolve();

  constructor(file: string, sinks: AuditSink[] = []) {
    this.file = file;
    this.sinks = sinks;
  }

  write(entry: AuditEntry): Promise<void> {
    const line = `${JSON.stringify({ id: randomUUID(), ...entry, arg: shorten(entry.arg) })}\n`;
    this.queue = this.queue.then(async () => {
      try {
        await mkdir(dirname(this.file), { recursive: true });
        await appendFile(this.file, line, 'utf8');
        for (const s of this.sinks) await s.write(entry);
      } catch (err) {
        process.stderr.write(`audit log ${this.file}: ${(err as Error).message}\n`);
      }
    });
    return this.queue;
  }

  flush(): Promise<void> {
    return this.queue;
  }
}

export interface Flushable {
  /** Resolves once every entry written so far is on disk. */
  flush(): Promise<void>;
}

/** Long strings (an uploaded sequence's text) are recorded by length, not copied into every line. */
function shorten(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 200 ? `<${v.length} characters>` : v;
  if (Array.isArray(v)) return v.map(shorten);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shorten(x)]));
  return v;
}
