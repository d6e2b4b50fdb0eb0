// Searching the index: runs by DUT, lot, wafer, die, site, sequence, status, start time and measurement conditions,
// newest first, a page at a time; their measurements; a measurement's trend with its limits; the yield per
// lot. One Kysely query layer for SQLite and PostgreSQL — every value is a bound parameter.
import { sql, type ExpressionBuilder } from 'kysely';
import type { IndexDb } from './open-index.ts';
import type { IndexDatabase } from './schema.ts';
import type { MeasurementCondition } from './where.ts';

export interface RunFilter {
  dut?: string;
  lot?: string;
  wafer?: string;
  /** Runs that measured this die: a wafer run's die-site, or a run whose metadata names it. */
  die?: string;
  /** With die: that die's site; alone: any die's site (or the metadata's). */
  site?: string;
  sequence?: string;
  status?: string;
  /** ISO time: runs started at or after it. */
  since?: string;
  where?: MeasurementCondition[];
  /** Page size (default 100) and offset. */
  limit?: number;
  offset?: number;
}

export interface IndexedMeasurement {
  name: string;
  step: string;
  value: number;
  unit: string;
  site: string | null;
  /** The wafer loop's die, null outside one. */
  die: string | null;
  min: number | null;
  max: number | null;
  verdict: 'pass' | 'fail' | null;
}

export interface IndexedRun {
  runId: string;
  folder: string;
  bench: string;
  sequence: string;
  dut: string;
  lot: string | null;
  wafer: string | null;
  die: string | null;
  site: string | null;
  operator: string | null;
  status: string;
  passed: boolean | null;
  started: string;
  finished: string | null;
  software: string;
  message: string | null;
  measurements: IndexedMeasurement[];
  /** With a die or site filter: the wafer die-sites that matched it, every pass (the last pass's bin is the die-site's). */
  dieSites?: IndexedDieSite[];
}

export interface IndexedDieSite {
  loopId: string;
  wafer: string;
  die: string;
  col: number;
  row: number;
  site: string;
  pass: number;
  bin: number;
  binName: string;
  passed: boolean;
  error: string | null;
}

export interface RunPage {
  runs: IndexedRun[];
  /** Runs matching the filter, over all pages. */
  total: number;
}

type RunsEb = ExpressionBuilder<IndexDatabase, 'runs'>;

function filtered(db: IndexDb, f: RunFilter) {
  let q = db.selectFrom('runs');
  if (f.dut !== undefined) q = q.where('runs.dut', '=', f.dut);
  if (f.lot !== undefined) q = q.where('runs.lot', '=', f.lot);
  if (f.wafer !== undefined) q = q.where('runs.wafer', '=', f.wafer);
  if (f.sequence !== undefined) q = q.where('runs.sequence', '=', f.sequence);
  if (f.status !== undefined) q = q.where('runs.status', '=', f.status);
  if (f.since !== undefined) q = q.where('runs.started', '>=', f.since);
  if (f.die !== undefined || f.site !== undefined) {
    const { die, site } = f;
    q = q.where((eb: RunsEb) => {
      let sub = eb.selectFrom('die_sites as d').select(sql.lit(1).as('one')).whereRef('d.run_id', '=', 'runs.run_id');
      if (die !== undefined) sub = sub.where('d.die', '=', die);
      if (site !== undefined) sub = sub.where('d.site', '=', site);
      const own = [...(die !== undefined ? [eb('runs.die', '=', die)] : []), ...(site !== undefined ? [eb('runs.site', '=', site)] : [])];
      return eb.or([eb.exists(sub), eb.and(own)]);
    });
  }
  for (const c of f.where ?? []) {
    q = q.where((eb: RunsEb) => eb.exists(eb.selectFrom('measurements as m').select(sql.lit(1).as('one'))
      .whereRef('m.run_id', '=', 'runs.run_id').where('m.name', '=', c.name).where('m.value', c.op, c.value)));
  }
  return q;
}

function measurementOf(r: IndexDatabase['measurements']): IndexedMeasurement {
  return {
    name: r.name, step: r.step_id, value: r.value, unit: r.unit, site: r.site, die: r.die ?? null, min: r.min, max: r.max,
    verdict: r.verdict === 'pass' || r.verdict === 'fail' ? r.verdict : null,
  };
}

/** The measurements of these runs (only the named ones when `names` is given), by run id. */
export async function measurementsOf(db: IndexDb, runIds: string[], names?: string[]): Promise<Map<string, IndexedMeasurement[]>> {
  const out = new Map<string, IndexedMeasurement[]>(runIds.map((id) => [id, []]));
  if (runIds.length === 0 || names?.length === 0) return out;
  let q = db.selectFrom('measurements').selectAll().where('run_id', 'in', runIds);
  if (names) q = q.where('name', 'in', names);
  for (const r of await q.orderBy('run_id').orderBy('step_id').orderBy('name').execute()) out.get(r.run_id)?.push(measurementOf(r));
  return out;
}

/** These runs' die-sites matching the die and site (either may be absent), by run id, in die, site, pass order. */
export async function dieSitesOf(db: IndexDb, runIds: string[], f: { die?: string; site?: string } = {}): Promise<Map<string, IndexedDieSite[]>> {
  const out = new Map<string, IndexedDieSite[]>(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return out;
  let q = db.selectFrom('die_sites').selectAll().where('run_id', 'in', runIds);
  if (f.die !== undefined) q = q.where('die', '=', f.die);
  if (f.site !== undefined) q = q.where('site', '=', f.site);
  const rows = await q.orderBy('run_id').orderBy('loop_id').orderBy('die').orderBy('site').orderBy('pass').execute();
  for (const r of rows) {
    out.get(r.run_id)?.push({
      loopId: r.loop_id, wafer: r.wafer, die: r.die, col: Number(r.col), row: Number(r.row), site: r.site, pass: Number(r.pass),
      bin: Number(r.bin), binName: r.bin_name, passed: Number(r.passed) === 1, error: r.error,
    });
  }
  return out;
}

export async function searchRuns(db: IndexDb, f: RunFilter = {}, opts: { measurements?: string[]; count?: boolean } = {}): Promise<RunPage> {
  const limit = Math.max(1, Math.min(f.limit ?? 100, 10_000));
  const rows = await filtered(db, f).selectAll('runs')
    .orderBy('runs.started', 'desc').orderBy('runs.run_id', 'desc')
    .limit(limit).offset(Math.max(0, f.offset ?? 0)).execute();
  const ms = await measurementsOf(db, rows.map((r) => r.run_id), opts.measurements);
  const byDie = f.die !== undefined || f.site !== undefined;
  const ds = byDie ? await dieSitesOf(db, rows.map((r) => r.run_id), { ...(f.die !== undefined ? { die: f.die } : {}), ...(f.site !== undefined ? { site: f.site } : {}) }) : null;
  let total = rows.length + Math.max(0, f.offset ?? 0);
  if (opts.count !== false && (rows.length === limit || (f.offset ?? 0) > 0)) {
    const c = await filtered(db, f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    // pg returns count(*) as a string (bigint); SQLite as a number.
    total = Number(c?.n ?? 0);
  }
  return {
    total,
    runs: rows.map((r) => ({
      runId: r.run_id, folder: r.folder, bench: r.bench, sequence: r.sequence, dut: r.dut, lot: r.lot, wafer: r.wafer, die: r.die,
      site: r.site, operator: r.operator, status: r.status, passed: r.passed === null ? null : r.passed === 1, started: r.started,
      finished: r.finished, software: r.software_version, message: r.message, measurements: ms.get(r.run_id) ?? [],
      ...(ds ? { dieSites: ds.get(r.run_id) ?? [] } : {}),
    })),
  };
}

export interface TrendPoint {
  runId: string;
  started: string;
  lot: string | null;
  step: string;
  value: number;
  unit: string;
  min: number | null;
  max: number | null;
  verdict: 'pass' | 'fail' | null;
}

/** One measurement over the matching runs, oldest first (at most `limit` newest points, default 5,000). */
export async function trendOf(db: IndexDb, name: string, f: RunFilter = {}, limit = 5000): Promise<TrendPoint[]> {
  const rows = await filtered(db, f).innerJoin('measurements as m', 'm.run_id', 'runs.run_id').where('m.name', '=', name)
    .select(['runs.run_id', 'runs.started', 'runs.lot', 'm.step_id', 'm.value', 'm.unit', 'm.min', 'm.max', 'm.verdict'])
    .orderBy('runs.started', 'desc').orderBy('runs.run_id', 'desc').orderBy('m.step_id', 'desc').limit(limit).execute();
  return rows.reverse().map((r) => ({
    runId: r.run_id, started: r.started, lot: r.lot, step: r.step_id, value: r.value, unit: r.unit, min: r.min, max: r.max,
    verdict: r.verdict === 'pass' || r.verdict === 'fail' ? r.verdict : null,
  }));
}

export interface LotYield {
  lot: string | null;
  runs: number;
  passed: number;
  failed: number;
  /** Runs with no verdict (running, aborted, error). */
  unjudged: number;
  /** passed / (passed + failed), or null when none was judged. */
  yield: number | null;
}

export async function yieldByLot(db: IndexDb, f: RunFilter = {}): Promise<LotYield[]> {
  const rows = await filtered(db, f)
    .select((eb) => [
      'runs.lot',
      eb.fn.countAll().as('runs'),
      eb.fn.sum(eb.case().when('runs.passed', '=', 1).then(1).else(0).end()).as('passed'),
      eb.fn.sum(eb.case().when('runs.passed', '=', 0).then(1).else(0).end()).as('failed'),
    ])
    .groupBy('runs.lot').orderBy('runs.lot').execute();
  return rows.map((r) => {
    const runs = Number(r.runs);
    const passed = Number(r.passed ?? 0);
    const failed = Number(r.failed ?? 0);
    return { lot: r.lot, runs, passed, failed, unjudged: runs - passed - failed, yield: passed + failed > 0 ? passed / (passed + failed) : null };
  });
}

/** Measurement names in the index with their unit, for choosing columns and trends. */
export async function measurementNames(db: IndexDb): Promise<{ name: string; unit: string }[]> {
  const rows = await db.selectFrom('measurements').select(['name', 'unit']).distinct().orderBy('name').orderBy('unit').execute();
  return rows;
}

/** Every indexed run id with run.json's mtime when indexed (what a rebuild compares). */
export async function indexedSources(db: IndexDb): Promise<Map<string, number>> {
  const rows = await db.selectFrom('runs').select(['run_id', 'source_mtime_ms']).execute();
  return new Map(rows.map((r) => [r.run_id, Number(r.source_mtime_ms)]));
}
