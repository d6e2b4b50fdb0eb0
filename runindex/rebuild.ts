// `benchctl index rebuild`: the index made again from the run folders, which stay the truth. Idempotent
// (upserts) and resumable: a run whose run.json has not changed since it was indexed is skipped, so a
// rebuild stopped halfway picks up where it was. A damaged run.json is reported (named, with what was
// wrong) and skipped; it never stops the others.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { upsertRuns } from './ingest.ts';
import type { IndexDb } from './open-index.ts';
import { indexedSources } from './query.ts';
import type { RunRows } from './record-rows.ts';
import { readRunRows, recordMtime } from './run-source.ts';

export interface RebuildProblem {
  runId: string;
  folder: string;
  error: string;
}

export interface RebuildReport {
  /** Folders with a run.json. */
  runs: number;
  indexed: number;
  /** Unchanged since they were indexed. */
  unchanged: number;
  problems: RebuildProblem[];
  /** Rows written (runs, measurements, die-sites, fits, files). */
  rows: number;
  /** The planner's statistics were refreshed (ANALYZE) after a rebuild that changed much of the index. */
  analyzed: boolean;
}

export interface RebuildOptions {
  /** Runs per transaction (default 200). */
  batch?: number;
  /** Index every run even when unchanged. */
  force?: boolean;
  progress?: (done: number, total: number) => void;
}

function rowCount(r: RunRows): number {
  return 1 + r.measurements.length + r.dieSites.length + r.fits.length + r.files.length;
}

export async function rebuildIndex(db: IndexDb, runsDir: string, opts: RebuildOptions = {}): Promise<RebuildReport> {
  const root = resolve(runsDir);
  const names = (await readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`index rebuild: no runs folder ${root}`);
    throw err;
  })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const known = await indexedSources(db);
  const report: RebuildReport = { runs: 0, indexed: 0, unchanged: 0, problems: [], rows: 0, analyzed: false };
  const batchSize = Math.max(1, opts.batch ?? 200);
  for (let i = 0; i < names.length; i += batchSize) {
    const part = names.slice(i, i + batchSize);
    const read = await Promise.all(part.map(async (runId): Promise<RunRows | null> => {
      const folder = join(root, runId);
      const mtime = await recordMtime(folder);
      if (mtime === null) return null;
      report.runs++;
      if (!opts.force && known.get(runId) === mtime) {
        report.unchanged++;
        return null;
      }
      try {
        const rows = await readRunRows(folder, mtime);
        if (rows.run.run_id !== runId) throw new Error(`${join(folder, 'run.json')}: runId is '${rows.run.run_id}' but the folder is '${runId}'; expected them to match`);
        return rows;
      } catch (err) {
        report.problems.push({ runId, folder, error: (err as Error).message });
        return null;
      }
    }));
    const rows = read.filter((r): r is RunRows => r !== null);
    // Runs new to the index have no stale rows to look for: the fast path of a first rebuild.
    const fresh = rows.every((r) => !known.has(r.run.run_id));
    await upsertRuns(db, rows, { fresh });
    report.indexed += rows.length;
    report.rows += rows.reduce((s, r) => s + rowCount(r), 0);
    opts.progress?.(Math.min(names.length, i + batchSize), names.length);
  }
  // A rebuild that wrote a tenth of the index or more leaves both planners with statistics of a much smaller
  // table (or none): PostgreSQL then chose a whole-table scan and sort for a lot's newest page, 5-10× slower,
  // until autovacuum came by. `ANALYZE <table>` (the same statement in both dialects) refreshes them now.
  if (report.indexed > 0 && report.indexed >= 0.1 * (known.size + report.indexed)) {
    try {
      for (const t of ['runs', 'measurements']) await sql`ANALYZE ${sql.table(t)}`.execute(db);
      report.analyzed = true;
    } catch {
      // Statistics are an optimisation: a lab user not allowed to ANALYZE still has a complete index.
    }
  }
  return report;
}
