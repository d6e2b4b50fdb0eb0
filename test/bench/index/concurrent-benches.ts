// 20 simulated benches writing to one PostgreSQL at once, each as the service does: its run indexed as it
// starts, as each step ends and at its end (the record growing step by step), through its own connection
// pool. Counted afterwards: no lost or duplicated rows; every failed write (a lock error, a deadlock) is
// counted too.
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { upsertRun } from '../../../runindex/ingest.ts';
import { IndexConnection } from '../../../runindex/index-connection.ts';
import type { IndexTarget } from '../../../runindex/index-target.ts';
import { rowsOf } from '../../../runindex/record-rows.ts';
import { syntheticRecord } from '../../helpers/synthetic-runs.ts';

export interface ConcurrentResult {
  writes: number;
  errors: string[];
  latencies_ms: number[];
  wall_s: number;
  runs: number;
  measurements: number;
  expectedRuns: number;
  expectedMeasurements: number;
}

/** The record as it stands after `done` steps (the rest pending), as run.json reads mid-run. */
function partial(full: RunRecord, done: number): RunRecord {
  const steps = full.steps.map((s, i) => (i < done ? s : { ...s, status: 'pending' as const, measurements: {}, fits: {} }));
  const finished = done >= full.steps.length;
  return { ...full, steps, status: finished ? full.status : 'running', passed: finished ? full.passed : null, limits: finished ? full.limits : [],
    ...(finished ? {} : { finished: undefined }) };
}

export async function concurrentBenches(target: IndexTarget, benches: number, runsEach: number): Promise<ConcurrentResult> {
  const errors: string[] = [];
  const latencies: number[] = [];
  let expectedMeasurements = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: benches }, async (_, b) => {
    const conn = new IndexConnection(target, { poolSize: 2 });
    try {
      const db = await conn.db();
      for (let r = 0; r < runsEach; r++) {
        const full = syntheticRecord(1_000_000 + b * runsEach + r, { bench: `bench-${b}` });
        expectedMeasurements += full.steps.reduce((s, st) => s + Object.keys(st.measurements).length, 0);
        for (let done = 0; done <= full.steps.length; done++) {
          const rows = rowsOf(partial(full, done), { folder: `/bench-${b}/runs/${full.runId}`, mtime_ms: done });
          const t = performance.now();
          try {
            await upsertRun(db, rows);
          } catch (err) {
            errors.push((err as Error).message);
          }
          latencies.push(performance.now() - t);
        }
      }
    } finally {
      await conn.close();
    }
  }));
  const wall_s = (performance.now() - t0) / 1000;
  const check = new IndexConnection(target);
  try {
    const db = await check.db();
    const n = async (t: 'runs' | 'measurements') => Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return { writes: latencies.length, errors, latencies_ms: latencies, wall_s, runs: await n('runs'), measurements: await n('measurements'),
      expectedRuns: benches * runsEach, expectedMeasurements };
  } finally {
    await check.close();
  }
}
