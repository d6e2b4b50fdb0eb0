// Records benchmark: 10 million rows streamed to CSV through the run's records writer (CsvTable: csv-stringify,
// every row in the file before its append resolves), with memory sampled as it goes, beside a baseline
// (fs.createWriteStream + naive string joins, no quoting, no durability per row) in the same run. Also:
// the whole path of a step's ctx.point() (engine, recorder, point event) for up to a million rows, and
// reading the 10-million-row table back as `benchctl resume` does (recoverCsv, streamed).
//   BENCH_RECORDS_ROWS=1000000 npm run bench   (default 10 000 000)
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { z } from 'zod';
import { RunEngine } from '../../sequences/engine/engine.ts';
import { buildPlan } from '../../sequences/plan/build-plan.ts';
import { recoverCsv } from '../../sequences/records/csv-recover.ts';
import { CsvTable } from '../../sequences/records/csv-table.ts';
import { RunRecorder } from '../../sequences/records/recorder.ts';
import { SOFTWARE } from '../../sequences/records/software.ts';
import { loadSequenceText } from '../../sequences/schema/load.ts';
import { registry } from '../../sequences/steps/index.ts';
import type { StepDefinition } from '../../sequences/step.ts';
import { fakeBench } from '../unit/sequences/fake-bench.ts';

const ROWS = Number(process.env.BENCH_RECORDS_ROWS ?? 10_000_000);
const COLUMNS = ['index', 't_s', 'wavelength_nm', 'power_dBm', 'status'];
const SAMPLE_EVERY = 20_000;

interface Figures {
  name: string;
  rows: number;
  seconds: number;
  bytes: number;
  rssStart_MB: number;
  rssPeak_MB: number;
  heapStart_MB: number;
  heapPeak_MB: number;
}

function row(i: number) {
  return { index: i, t_s: i * 1e-3, wavelength_nm: 1500 + (i % 100_000) * 1e-3, power_dBm: -3 - (i % 977) / 100, status: i % 1000 === 0 ? 'check, "quoted"' : 'ok' };
}

class MemorySampler {
  private readonly rss0 = process.memoryUsage.rss();
  private readonly heap0 = process.memoryUsage().heapUsed;
  rssPeak = this.rss0;
  heapPeak = this.heap0;

  // Sampled inline: a producer awaiting microtasks never lets a timer fire.
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rssPeak) this.rssPeak = m.rss;
    if (m.heapUsed > this.heapPeak) this.heapPeak = m.heapUsed;
  }

  figures(name: string, rows: number, seconds: number, bytes: number): Figures {
    const mb = (b: number) => b / 2 ** 20;
    return { name, rows, seconds, bytes, rssStart_MB: mb(this.rss0), rssPeak_MB: mb(this.rssPeak), heapStart_MB: mb(this.heap0), heapPeak_MB: mb(this.heapPeak) };
  }
}

/** Each point awaited before the next, as a step's ctx.point() is: one write(2) per row. */
async function writerPerPoint(path: string): Promise<Figures> {
  global.gc?.();
  const mem = new MemorySampler();
  const t0 = performance.now();
  const table = CsvTable.create(path, 'bench', COLUMNS, [['run', 'records-bench'], ['units', 't_s=s, wavelength_nm=nm, power_dBm=dBm']]);
  for (let i = 0; i < ROWS; i++) {
    await table.append(row(i));
    if (i % SAMPLE_EVERY === 0) mem.sample();
  }
  await table.close();
  mem.sample();
  return mem.figures('CsvTable, one durable write per point', ROWS, (performance.now() - t0) / 1000, statSync(path).size);
}

/** Rows appended in bursts (a fly scan's logged block): the burst goes out in one write (group commit). */
async function writerBursts(path: string, burst = 1000): Promise<Figures> {
  global.gc?.();
  const mem = new MemorySampler();
  const t0 = performance.now();
  const table = CsvTable.create(path, 'bench', COLUMNS, [['run', 'records-bench']]);
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < ROWS; i++) {
    last = table.append(row(i));
    if (i % burst === burst - 1) {
      await last;
      if (i % SAMPLE_EVERY < burst) mem.sample();
    }
  }
  await last;
  await table.close();
  mem.sample();
  return mem.figures(`CsvTable, bursts of ${burst} (one write per burst)`, ROWS, (performance.now() - t0) / 1000, statSync(path).size);
}

/** Baseline: a write stream and naive joins (no RFC 4180 quoting, rows durable only when the stream flushes). */
async function baseline(path: string): Promise<Figures> {
  global.gc?.();
  const mem = new MemorySampler();
  const t0 = performance.now();
  const out = createWriteStream(path);
  out.write(`# run: records-bench\n${COLUMNS.join(',')}\n`);
  for (let i = 0; i < ROWS; i++) {
    const r = row(i);
    if (!out.write(`${r.index},${r.t_s},${r.wavelength_nm},${r.power_dBm},${r.status}\n`)) await once(out, 'drain');
    if (i % SAMPLE_EVERY === 0) mem.sample();
  }
  out.end();
  await once(out, 'finish');
  mem.sample();
  return mem.figures('baseline: createWriteStream + string joins', ROWS, (performance.now() - t0) / 1000, statSync(path).size);
}

const ENGINE_ROWS = Math.min(ROWS, 1_000_000);

/** A step writing ENGINE_ROWS rows with ctx.point(), each awaited, as a step does. */
const pointsStep: StepDefinition<Record<string, never>> = {
  kind: 'bench-points',
  schema: z.object({}),
  tables: () => [{ name: 'bench', columns: COLUMNS }],
  estimate_s: () => 1,
  async run(ctx) {
    for (let i = 0; i < ENGINE_ROWS; i++) await ctx.point('bench', row(i));
    return { measurements: {} };
  },
};

/** The whole path of a point: the engine's context, the recorder, the CsvTable write and a point event to one listener. */
async function throughEngine(dir: string): Promise<Figures> {
  global.gc?.();
  const mem = new MemorySampler();
  const plan = buildPlan(loadSequenceText('bench.yaml', 'metadata: { dut: BENCH }\nsteps:\n  - bench-points: {}\n'), { registry: [...registry, pointsStep] });
  const records = RunRecorder.create(join(dir, 'runs'), plan, {
    sequenceName: 'bench', sequenceFile: 'bench.yaml', baseDir: dir, overrides: {}, bench: { sim: true, seed: 1, realtime: false }, software: { ...SOFTWARE },
  }, { name: 'bench', simulated: true, identities: {} });
  const engine = new RunEngine({ plan, bench: fakeBench().bench, records, now_s: () => performance.now() / 1000 });
  let n = 0;
  engine.on((e) => {
    if (e.type === 'point' && ++n % SAMPLE_EVERY === 0) mem.sample();
  });
  const t0 = performance.now();
  await engine.run();
  mem.sample();
  return mem.figures('ctx.point() through the engine (point events)', ENGINE_ROWS, (performance.now() - t0) / 1000, statSync(records.fileOf('bench-points', 'bench')).size);
}

/** What `benchctl resume` does to each table of the interrupted step: count the rows, cut a torn last line. */
async function recovering(path: string): Promise<Figures> {
  global.gc?.();
  const mem = new MemorySampler();
  const timer = setInterval(() => mem.sample(), 50);
  const t0 = performance.now();
  const r = await recoverCsv(path);
  clearInterval(timer);
  mem.sample();
  return mem.figures('recoverCsv on resume (streamed read-back)', r.rows, (performance.now() - t0) / 1000, statSync(path).size);
}

function print(f: Figures): void {
  process.stdout.write(`${f.name.padEnd(48)} ${(f.rows / f.seconds / 1e3).toFixed(0).padStart(6)} k rows/s  ` +
    `${f.seconds.toFixed(1).padStart(6)} s  ${(f.bytes / 2 ** 20).toFixed(0).padStart(5)} MB  ` +
    `RSS ${f.rssStart_MB.toFixed(0)}→${f.rssPeak_MB.toFixed(0)} MB peak  heap ${f.heapStart_MB.toFixed(0)}→${f.heapPeak_MB.toFixed(0)} MB peak\n`);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'benchctl-records-bench-'));
  process.stdout.write(`${ROWS.toLocaleString('en')} rows of ${COLUMNS.join(', ')} each; memory sampled every ${SAMPLE_EVERY.toLocaleString('en')} rows\n`);
  try {
    for (const [name, f] of [['per-point', writerPerPoint], ['bursts', writerBursts], ['baseline', baseline]] as const) {
      const path = join(dir, `${name}.csv`);
      print(await f(path));
      if (name === 'per-point') print(await recovering(path));
      rmSync(path);
    }
    print(await throughEngine(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
