// Run index benchmark (BENCH_FILTER=index npm run bench): synthetic runs with the real record shapes
// (test/helpers/synthetic-runs.ts) written as run folders, then
//  - `index rebuild` over them into SQLite and PostgreSQL: rows per second;
//  - query p95 of "filter by lot and a measurement range, newest 100" on both (goal < 50 ms);
//  - the History view's first page from the index beside today's folder scan (RunHistory.list) over the
//    issue's 3,000 runs, and from the index over all of them (goal < 200 ms);
//  - 20 simulated benches writing to one PostgreSQL at once: lost/duplicated rows, errors, p99 latency.
//   BENCH_INDEX_RUNS=100000 (default), BENCH_INDEX_BENCHES=20, BENCH_INDEX_RUNS_PER_BENCH=25
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexConnection } from '../../runindex/index-connection.ts';
import type { IndexTarget } from '../../runindex/index-target.ts';
import { openIndex, type IndexDb } from '../../runindex/open-index.ts';
import { searchRuns } from '../../runindex/query.ts';
import { rebuildIndex } from '../../runindex/rebuild.ts';
import { RunHistory } from '../../service/run-history.ts';
import { startPgCluster } from '../helpers/pg-cluster.ts';
import { writeSyntheticRuns } from '../helpers/synthetic-runs.ts';
import { concurrentBenches } from './index/concurrent-benches.ts';

const RUNS = Number(process.env.BENCH_INDEX_RUNS ?? 100_000);
const BENCHES = Number(process.env.BENCH_INDEX_BENCHES ?? 20);
const RUNS_PER_BENCH = Number(process.env.BENCH_INDEX_RUNS_PER_BENCH ?? 25);
const SCAN_RUNS = Math.min(3000, RUNS);
const LOTS = 20;
const QUERIES = 200;

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const line = (label: string, value: string, goal = '') => process.stdout.write(`  ${label.padEnd(62)} ${value.padStart(14)}  ${goal}\n`);

async function rebuild(db: IndexDb, runsDir: string, label: string): Promise<void> {
  const t = performance.now();
  const r = await rebuildIndex(db, runsDir, { batch: 500 });
  const s = (performance.now() - t) / 1000;
  line(`rebuild ${r.indexed.toLocaleString('en')} runs (${r.rows.toLocaleString('en')} rows) into ${label}`, `${Math.round(r.rows / s).toLocaleString('en')} rows/s`, `(${s.toFixed(1)} s, ${Math.round(r.indexed / s)} runs/s)`);
  const t2 = performance.now();
  const again = await rebuildIndex(db, runsDir, { batch: 500 });
  line(`  again, nothing changed (${again.unchanged.toLocaleString('en')} unchanged)`, `${((performance.now() - t2) / 1000).toFixed(2)} s`);
}

// The machine's load beside the timings: a p95 on two cores shared with other work is mostly their noise.
const load = (): string => `load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;

async function queries(db: IndexDb, label: string): Promise<void> {
  // As `benchctl history --format json` asks (every measurement of each run), then as the History view does
  // with its one chosen column (the filtered measurement).
  for (const measurements of [undefined, ['power_dBm']]) {
    const times: number[] = [];
    let hits = 0;
    for (let q = 0; q < QUERIES; q++) {
      const lo = -28 + (q % 10);
      const t = performance.now();
      const page = await searchRuns(db, { lot: `L${String(q % LOTS).padStart(3, '0')}`, where: [{ name: 'power_dBm', op: '>=', value: lo }, { name: 'power_dBm', op: '<', value: lo + 6 }], limit: 100 },
        { count: false, ...(measurements ? { measurements } : {}) });
      times.push(performance.now() - t);
      hits += page.runs.length;
    }
    const what = measurements ? 'its power_dBm column' : 'all 36 measurements each';
    line(`query p95, lot + power_dBm range, newest 100, ${what} — ${label}`, `${pct(times, 95).toFixed(1)} ms`,
      `goal < 50 ms: ${pct(times, 95) < 50 ? 'met' : 'NOT met'} (p50 ${pct(times, 50).toFixed(1)} ms, ${(hits / QUERIES).toFixed(0)} runs/page; ${load()})`);
  }
}

async function firstPage(db: IndexDb, label: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await searchRuns(db, { limit: 50 });
    times.push(performance.now() - t);
  }
  const p = pct(times, 50);
  line(`History first page (50 runs + total) from the index — ${label}`, `${p.toFixed(1)} ms`, `goal < 200 ms: ${p < 200 ? 'met' : 'NOT met'}`);
  return p;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'benchctl-index-bench-'));
  const cluster = await startPgCluster();
  try {
    const runs = join(dir, 'runs');
    const scanRuns = join(dir, 'scan-runs');
    let t = performance.now();
    for (let i = 0; i < RUNS; i += 5000) writeSyntheticRuns(runs, i, Math.min(RUNS, i + 5000), { lots: LOTS });
    writeSyntheticRuns(scanRuns, 0, SCAN_RUNS, { lots: LOTS });
    process.stdout.write(`${RUNS.toLocaleString('en')} synthetic run folders (2 sites × align, sweep, ber; 36 rows each) written in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

    const sqliteTarget: IndexTarget = { kind: 'sqlite', file: join(dir, 'runs.index.sqlite') };
    const pgTarget: IndexTarget = { kind: 'postgres', url: await cluster.createDatabase('bench_index') };
    const sqlite = await openIndex(sqliteTarget);
    const pg = await openIndex(pgTarget);
    try {
      await rebuild(sqlite.db, runs, 'SQLite');
      await rebuild(pg.db, runs, 'PostgreSQL');
      await queries(sqlite.db, 'SQLite');
      await queries(pg.db, 'PostgreSQL');

      // Today's History listing reads every run.json; the index answers the same first page from its tables.
      const history = new RunHistory(scanRuns);
      const scans: number[] = [];
      for (let i = 0; i < 3; i++) {
        t = performance.now();
        await history.list();
        scans.push(performance.now() - t);
      }
      line(`History listing by folder scan (today) — ${SCAN_RUNS.toLocaleString('en')} runs`, `${pct(scans, 50).toFixed(0)} ms`, 'baseline');
      const small = await openIndex({ kind: 'sqlite', file: join(dir, 'scan.index.sqlite') });
      try {
        await rebuildIndex(small.db, scanRuns);
        await firstPage(small.db, `SQLite, ${SCAN_RUNS.toLocaleString('en')} runs`);
      } finally {
        await small.close();
      }
      await firstPage(sqlite.db, `SQLite, ${RUNS.toLocaleString('en')} runs`);
      await firstPage(pg.db, `PostgreSQL, ${RUNS.toLocaleString('en')} runs`);
    } finally {
      await sqlite.close();
      await pg.close();
    }

    const lab: IndexTarget = { kind: 'postgres', url: await cluster.createDatabase('bench_lab') };
    const warm = new IndexConnection(lab);
    await warm.db();
    await warm.close();
    const c = await concurrentBenches(lab, BENCHES, RUNS_PER_BENCH);
    const lost = c.expectedRuns - c.runs;
    line(`${BENCHES} benches × ${RUNS_PER_BENCH} runs into one PostgreSQL, ${c.writes.toLocaleString('en')} writes (start, each step, end)`, `p99 ${pct(c.latencies_ms, 99).toFixed(1)} ms`,
      `p50 ${pct(c.latencies_ms, 50).toFixed(1)} ms, ${(c.writes / c.wall_s).toFixed(0)} writes/s`);
    line('  runs / measurements in the index (expected)', `${c.runs} / ${c.measurements}`, `(${c.expectedRuns} / ${c.expectedMeasurements}): ${lost === 0 && c.measurements === c.expectedMeasurements ? 'none lost, none duplicated' : 'MISMATCH'}`);
    line('  failed writes (lock errors, deadlocks, ...)', String(c.errors.length), c.errors[0] ?? '');
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
