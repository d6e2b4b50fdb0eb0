// Records benchmark: 10 million rows streamed to CSV through the run's records writer (CsvTable: csv-stringify,
// every row in the file before its append resolves), with memory sampled as it goes, beside a baseline
// (fs.createWriteStream + naive string joins, no quoting, no durability per row) in the same run.
//   BENCH_RECORDS_ROWS=1000000 npm run bench   (default 10 000 000)
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { CsvTable } from '../../sequences/records/csv-table.ts';

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
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
