// audit.jsonl (service/access/audit-log.ts) read into the index's audit rows. The file is the truth and
// append-only, so a line's place in it never changes: what is owed is "everything after byte N". A line
// that is not a whole audit entry is reported with its line number and skipped, never guessed at.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { AuditTable } from './schema.ts';

export interface AuditLineProblem {
  line: number;
  error: string;
}

export interface AuditChunk {
  rows: AuditTable[];
  problems: AuditLineProblem[];
  /** Byte offset just past the last whole line read: where the next read starts. */
  end: number;
  /** Line number (1-based) of the first line after `end`. */
  nextLine: number;
}

const RESULTS = new Set(['ok', 'error', 'refused']);
const TEXT_FIELDS = ['time', 'who', 'role', 'via', 'call', 'result'] as const;

/** One line → a row; `lineNo` and the text make the id of an entry written before entries had one. */
export function auditRowOf(text: string, lineNo: number, source: string): AuditTable {
  let e: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    e = v as Record<string, unknown>;
  } catch {
    throw new Error('not a JSON object; expected one audit entry per line');
  }
  for (const k of TEXT_FIELDS) {
    if (e[k] === undefined) throw new Error(`${k}: missing; expected text`);
    if (typeof e[k] !== 'string') throw new Error(`${k}: expected text, got ${JSON.stringify(e[k])}`);
  }
  if (!RESULTS.has(e['result'] as string)) throw new Error(`result: expected ok, error or refused, got '${String(e['result'])}'`);
  if (!Number.isFinite(Date.parse(e['time'] as string))) throw new Error(`time: expected an ISO time, got '${String(e['time'])}'`);
  const err = e['error'] && typeof e['error'] === 'object' ? (e['error'] as Record<string, unknown>) : null;
  const id = typeof e['id'] === 'string' && e['id'] !== ''
    ? e['id']
    : `line-${createHash('sha256').update(`${lineNo}\n${text}`).digest('hex').slice(0, 32)}`;
  return {
    id, time: e['time'] as string, who: e['who'] as string, role: e['role'] as string, via: e['via'] as string, call: e['call'] as string,
    arg: e['arg'] === undefined || e['arg'] === null ? null : JSON.stringify(e['arg']), result: e['result'] as string,
    error_name: typeof err?.['name'] === 'string' ? err['name'] : null,
    error_message: typeof err?.['message'] === 'string' ? err['message'] : null,
    source,
  };
}

/**
 * The whole lines of `file` from byte `from` (line number `fromLine`), at most about `maxBytes`. A last line
 * without its newline is being written: left for the next read. A missing file holds nothing yet.
 */
export async function readAuditChunk(file: string, source: string, from = 0, fromLine = 1, maxBytes = 1 << 20): Promise<AuditChunk> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rows: [], problems: [], end: from, nextLine: fromLine };
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    const want = Math.max(0, Math.min(size - from, maxBytes));
    let buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, from);
    buf = buf.subarray(0, bytesRead);
    let cut = buf.lastIndexOf(0x0a);
    // One line longer than maxBytes: read on to its end rather than never moving.
    if (cut < 0 && from + bytesRead < size) {
      const rest = Buffer.alloc(size - from - bytesRead);
      await fh.read(rest, 0, rest.length, from + bytesRead);
      buf = Buffer.concat([buf, rest]);
      cut = buf.lastIndexOf(0x0a);
    }
    const whole = cut < 0 ? '' : buf.subarray(0, cut).toString('utf8');
    const chunk: AuditChunk = { rows: [], problems: [], end: from + (cut < 0 ? 0 : cut + 1), nextLine: fromLine };
    if (cut < 0) return chunk;
    for (const text of whole.split('\n')) {
      const lineNo = chunk.nextLine++;
      if (text.trim() === '') continue;
      try {
        chunk.rows.push(auditRowOf(text, lineNo, source));
      } catch (err) {
        chunk.problems.push({ line: lineNo, error: (err as Error).message });
      }
    }
    return chunk;
  } finally {
    await fh.close();
  }
}
