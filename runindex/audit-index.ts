// The audit log in the index: inserting entries (a row per id, so a line sent twice stays one row),
// re-reading a whole audit.jsonl (`index rebuild`), and searching, newest first.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { IndexDb } from './open-index.ts';
import { readAuditChunk, type AuditLineProblem } from './audit-rows.ts';
import type { AuditTable } from './schema.ts';

// 11 columns a row: well under SQLite's 32,766 bound parameters.
const CHUNK = 1000;

/** Where an audit file's rows say they came from. */
export function auditSourceOf(file: string): string {
  return `${hostname()}:${resolve(file)}`;
}

/** Inserts what the index does not hold yet; returns how many rows were new. */
export async function insertAudit(db: IndexDb, rows: readonly AuditTable[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const r = await db.insertInto('audit').values(rows.slice(i, i + CHUNK)).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

export interface AuditRebuildReport {
  entries: number;
  added: number;
  problems: AuditLineProblem[];
}

/** The whole of `file` into the index again: idempotent; damaged lines reported and skipped. */
export async function rebuildAudit(db: IndexDb, file: string): Promise<AuditRebuildReport> {
  const source = auditSourceOf(file);
  const report: AuditRebuildReport = { entries: 0, added: 0, problems: [] };
  let at = 0;
  let line = 1;
  for (;;) {
    const chunk = await readAuditChunk(file, source, at, line);
    if (chunk.end === at) return report;
    report.entries += chunk.rows.length;
    report.problems.push(...chunk.problems);
    report.added += await insertAudit(db, chunk.rows);
    at = chunk.end;
    line = chunk.nextLine;
  }
}

export interface AuditFilter {
  /** ISO time: entries at or after it. */
  since?: string;
  who?: string;
  call?: string;
  result?: string;
  /** Default 100, at most 10,000. */
  limit?: number;
}

export interface AuditRecord {
  time: string;
  who: string;
  role: string;
  via: string;
  call: string;
  arg: unknown;
  result: string;
  error: { name: string; message: string } | null;
  source: string;
}

export async function searchAudit(db: IndexDb, f: AuditFilter = {}): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit').selectAll();
  if (f.since !== undefined) q = q.where('time', '>=', f.since);
  if (f.who !== undefined) q = q.where('who', '=', f.who);
  if (f.call !== undefined) q = q.where('call', '=', f.call);
  if (f.result !== undefined) q = q.where('result', '=', f.result);
  const rows = await q.orderBy('time', 'desc').orderBy('id', 'desc').limit(Math.max(1, Math.min(f.limit ?? 100, 10_000))).execute();
  return rows.map((r) => ({
    time: r.time, who: r.who, role: r.role, via: r.via, call: r.call, arg: r.arg === null ? null : JSON.parse(r.arg) as unknown, result: r.result,
    error: r.error_name !== null || r.error_message !== null ? { name: r.error_name ?? '', message: r.error_message ?? '' } : null,
    source: r.source,
  }));
}
