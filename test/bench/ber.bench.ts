// BER benchmark (issues 6, 11, 16), timing: lan, the simulated Anritsu MP1900A, bench seconds (fast mode).
// Part 1, per seed, the same hidden link swept by every method (ber/waterfall-runs.ts, ber/careful.ts):
// 14 points 0.3 dB apart from BER ~1e-3 down past 1e-12, claims at 95 %, ±50 % precision, 25.78125 Gb/s.
// Floors: the bits each claim needs at the true BER, plus the measured per-point overhead.
// Part 2: method: extrapolate over 200 seeds — its sensitivity at 1e-12 against the hidden truth and the
// coverage of its 95 % interval.
// Goals: extrapolate within ±0.1 dB of the truth in 95 % of seeds with coverage 93–97 %; extrapolate total
// bench time ≤ 0.1× the direct-counting floor; adaptive (direct) within 1.3× its floor and faster than careful.
import { median, quantile } from 'simple-statistics';
import { trueSensitivity_dBm } from '../integration/sequences/ber/waterfall-truth.ts';
import { runCareful } from './ber/careful.ts';
import { FIT_FROM, POINTS, TIMING, floor_s, pointOverhead_s, runFixed, runStep, waterfallGrid, withSim } from './ber/waterfall-runs.ts';
import type { StepRun } from './ber/waterfall-runs.ts';

const SEEDS = Array.from({ length: Number(process.env.BER_BENCH_SEEDS ?? 20) }, (_, i) => i + 1);
const COVERAGE_SEEDS = Array.from({ length: Number(process.env.BER_COVERAGE_SEEDS ?? 200) }, (_, i) => i + 1);
const FLOOR_GOAL = 1.3;
const EXTRAPOLATE_GOAL = 0.1;

const pad = (s: string | number, w: number) => String(s).padStart(w);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);

function statusCounts(run: StepRun): string {
  const n = (s: string) => run.rows.filter((r) => r['status'] === s).length;
  return `${n('measured')}/${n('bounded')}/${n('failed')}/${n('limited')}/${n('skipped')}`;
}

function truth(seed: number): Promise<number> {
  return withSim(seed, (s) => trueSensitivity_dBm(s, 1e-12));
}

async function waterfalls(): Promise<void> {
  process.stdout.write(`BER waterfall (timing: ${TIMING}; anritsu-mp1900a on the simulator): ${POINTS} points, BER ~1e-3 → ≤1e-12 at 95 %, ` +
    `25.78125 Gb/s, max dwell 200 s, ±50 % precision; ${SEEDS.length} seeds (bench seconds)\n`);
  process.stdout.write('methods: adaptive = the ber step counting down directly (early stop on); careful = a careful engineer on a plain BERT; ' +
    `fixed = 116 s at every point; extrapolate = the ber step, method: extrapolate, fit_from ${FIT_FROM}\n`);
  const head = ['seed', 'm/b/f/l/s', 'adaptive', 'careful', 'fixed', 'extrap', 'floor', 'extr.floor', 'adapt/flr', 'adapt/care', 'extr/floor', 'Δsens adapt', 'Δsens care', 'Δsens extr'];
  process.stdout.write(`${head.map((h, i) => pad(h, i < 2 ? 9 : 11)).join(' ')}\n`);
  const rows: { a: number; c: number; fx: number; e: number; fl: number; efl: number }[] = [];
  for (const seed of SEEDS) {
    const grid = await waterfallGrid(seed);
    const overhead = await pointOverhead_s(seed, grid);
    const adaptive = await runStep(seed, grid, 'direct');
    const careful = await runCareful(seed, grid);
    const fixed = await runFixed(seed, grid);
    const extra = await runStep(seed, grid, 'extrapolate');
    const t = await truth(seed);
    const r = { a: adaptive.bench_s, c: careful.bench_s, fx: fixed.bench_s, e: extra.bench_s, fl: floor_s(adaptive.rows, grid, overhead), efl: floor_s(extra.rows, grid, overhead) };
    rows.push(r);
    process.stdout.write(`${[pad(seed, 9), pad(statusCounts(adaptive), 9), ...[r.a, r.c, r.fx, r.e, r.fl, r.efl].map((x) => pad(f1(x), 11)),
      ...[r.a / r.fl, r.a / r.c, r.e / r.fl].map((x) => pad(f3(x), 11)),
      ...[(adaptive.measurements['sensitivity_dBm'] ?? NaN) - t, careful.sensitivity_dBm - t, (extra.measurements['sensitivity_dBm'] ?? NaN) - t].map((x) => pad(f3(x), 11))].join(' ')}\n`);
  }
  const sum = (k: keyof (typeof rows)[number]) => rows.reduce((s, r) => s + r[k], 0);
  process.stdout.write(`\nall seeds: adaptive ${f1(sum('a'))} s, careful ${f1(sum('c'))} s, fixed ${f1(sum('fx'))} s, extrapolate ${f1(sum('e'))} s; ` +
    `direct-counting floor ${f1(sum('fl'))} s (overheads included), extrapolate's own floor ${f1(sum('efl'))} s\n`);
  const adaptFloor = sum('a') / sum('fl');
  const extrFloor = sum('e') / sum('fl');
  process.stdout.write(`adaptive/floor: total ${f2(adaptFloor)}, median ${f2(median(rows.map((r) => r.a / r.fl)))}; ` +
    `careful/adaptive: total ${f2(sum('c') / sum('a'))}; fixed/adaptive: total ${f2(sum('fx') / sum('a'))}\n`);
  process.stdout.write(`total bench time: extrapolate ${f1(sum('e'))} s = ${f3(extrFloor)}× the direct-counting floor (goal ≤ ${EXTRAPOLATE_GOAL}×: ` +
    `${extrFloor <= EXTRAPOLATE_GOAL ? 'met' : 'MISSED'}), ${f3(sum('e') / sum('c'))}× careful\n`);
  process.stdout.write(`adaptive within ${FLOOR_GOAL}× of its floor: ${adaptFloor <= FLOOR_GOAL ? 'met' : 'MISSED'}; faster than careful: ${sum('a') < sum('c') ? 'met' : 'MISSED'}\n`);
  if (extrFloor > EXTRAPOLATE_GOAL || adaptFloor > FLOOR_GOAL) process.exitCode = 1;
}

async function coverage(): Promise<void> {
  const errs: number[] = [];
  let covered = 0, used = 0, benchTotal = 0;
  for (const seed of COVERAGE_SEEDS) {
    const grid = await waterfallGrid(seed);
    const run = await runStep(seed, grid, 'extrapolate');
    const t = await truth(seed);
    const m = run.measurements;
    benchTotal += run.bench_s;
    if (m['modelUsed'] === 1) used += 1;
    const low = m['sensitivityLow_dBm'] ?? NaN, high = m['sensitivityHigh_dBm'] ?? NaN;
    if (low <= t && t <= high) covered += 1;
    errs.push((m['sensitivity_dBm'] ?? NaN) - t);
  }
  const n = COVERAGE_SEEDS.length;
  const abs = errs.map(Math.abs).filter(Number.isFinite);
  const p95 = abs.length ? quantile(abs, 0.95) : NaN;
  const cov = covered / n;
  process.stdout.write(`\nsensitivity at 1e-12, method: extrapolate (fit_from ${FIT_FROM}), ${n} seeds, timing: ${TIMING}: model used on ${used}/${n}; ` +
    `error vs hidden truth median ${f3(median(errs))} dB, 95th percentile |error| ${f3(p95)} dB (goal ≤ 0.1 dB: ${p95 <= 0.1 ? 'met' : 'MISSED'}); ` +
    `coverage of the 95 % interval ${(cov * 100).toFixed(1)} % (goal 93–97 %: ${cov >= 0.93 && cov <= 0.97 ? 'met' : 'MISSED'}); ` +
    `mean bench time ${f2(benchTotal / n)} s per sweep\n`);
  if (!(p95 <= 0.1 && cov >= 0.93 && cov <= 0.97)) process.exitCode = 1;
}

export async function run(): Promise<void> {
  await waterfalls();
  await coverage();
}
