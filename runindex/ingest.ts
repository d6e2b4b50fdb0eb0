// Writing runs into the index: idempotent upserts keyed by run id, (run, step, measurement), (run, step,
// model, parameter) and (run, file), so a run indexed again (at every step's end, by a rebuild, by an
// outbox retry, by two processes at once) never duplicates a row; rows a newer record no longer has are
// removed. One transaction per batch: a reader sees a run's old rows or its new ones, never half.
import { sql, type Kysely } from 'kysely';
import type { IndexDb } from './open-index.ts';
import type { RunRows } from './record-rows.ts';
import type { IndexDatabase } from './schema.ts';

type Table = 'runs' | 'measurements' | 'die_sites' | 'fits' | 'files';

// Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters for the widest table.
const CHUNK = 1000;

const KEYS = {
  runs: ['run_id'],
  measurements: ['run_id', 'step_id', 'name'],
  die_sites: ['run_id', 'loop_id', 'die', 'site', 'pass'],
  fits: ['run_id', 'step_id', 'model', 'parameter'],
  files: ['run_id', 'file'],
} as const satisfies { [T in Table]: readonly (keyof IndexDatabase[T] & string)[] };

const COLUMNS = {
  runs: ['folder', 'bench', 'simulated', 'sequence', 'dut', 'lot', 'wafer', 'die', 'site', 'operator', 'status', 'passed',
    'started', 'finished', 'software_version', 'message', 'source_mtime_ms', 'indexed_at'],
  measurements: ['value', 'unit', 'site', 'die', 'min', 'max', 'verdict'],
  die_sites: ['wafer', 'col', 'row', 'bin', 'bin_name', 'passed', 'error'],
  fits: ['value', 'sigma', 'unit'],
  files: ['step_id', 'table_name', 'rows'],
} as const satisfies { [T in Table]: readonly (keyof IndexDatabase[T] & string)[] };

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

// The generic writer below picks its table at run time, which Kysely's per-table types cannot follow: it
// works on a loosely typed view of the same connection (the rows were typed by RunRows above).
type Loose = Kysely<Record<string, Record<string, unknown>>>;
type Row = Record<string, unknown>;

async function upsert(db: Loose, table: Table, rows: readonly object[]): Promise<void> {
  const cols = COLUMNS[table] as readonly string[];
  const keys = KEYS[table] as readonly string[];
  for (const part of chunks(rows as readonly Row[])) {
    await db.insertInto(table).values(part)
      .onConflict((oc) => oc.columns(keys).doUpdateSet(Object.fromEntries(cols.map((c) => [c, sql.ref(`excluded.${c}`)]))))
      .execute();
  }
}

function keyOf(row: Row, keys: readonly string[]): string {
  return keys.map((k) => String(row[k])).join('\u0000');
}

/** Children of these runs that the new rows no longer hold (a record rewritten with fewer): deleted. */
async function removeStale(db: Loose, table: Exclude<Table, 'runs'>, runIds: string[], fresh: readonly object[]): Promise<void> {
  const keys = KEYS[table] as readonly string[];
  const want = new Set((fresh as readonly Row[]).map((r) => keyOf(r, keys)));
  for (const ids of chunks(runIds)) {
    const have = await db.selectFrom(table).select(keys).where('run_id', 'in', ids).execute();
    for (const row of have) {
      if (want.has(keyOf(row, keys))) continue;
      let del = db.deleteFrom(table);
      for (const k of keys) del = del.where(k, '=', row[k]);
      await del.execute();
    }
  }
}

/** Indexes (or re-indexes) every run of `batch` in one transaction. */
export async function upsertRuns(db: IndexDb, batch: readonly RunRows[], opts: { fresh?: boolean } = {}): Promise<void> {
  if (batch.length === 0) return;
  await (db as unknown as Loose).transaction().execute(async (tx) => {
    const runIds = batch.map((b) => b.run.run_id);
    await upsert(tx, 'runs', batch.map((b) => b.run));
    const measurements = batch.flatMap((b) => b.measurements);
    const fits = batch.flatMap((b) => b.fits);
    const files = batch.flatMap((b) => b.files);
    const dieSites = batch.flatMap((b) => b.dieSites);
    await upsert(tx, 'measurements', measurements);
    await upsert(tx, 'die_sites', dieSites);
    await upsert(tx, 'fits', fits);
    await upsert(tx, 'files', files);
    // A run seen for the first time (a rebuild into an empty index) has nothing stale to look for.
    if (!opts.fresh) {
      await removeStale(tx, 'measurements', runIds, measurements);
      await removeStale(tx, 'die_sites', runIds, dieSites);
      await removeStale(tx, 'fits', runIds, fits);
      await removeStale(tx, 'files', runIds, files);
    }
  });
}

export function upsertRun(db: IndexDb, rows: RunRows): Promise<void> {
  return upsertRuns(db, [rows]);
}
