// BER waterfall benchmark (issue 6): 14 points 0.3 dB apart from BER ~1e-3 down past 1e-12, claims at 95 %
// confidence, 25.78125 Gb/s, on the simulated bench in fast mode (bench time, not wall time). For each seed
// the same hidden link is swept three ways:
//   adaptive — the ber step (chained gates, its default; and 'live', one gate read while it runs)
//   fixed    — every point counted for the dwell the lowest point needs (2.996/1e-12 bits = 116 s)
//   floor    — the fewest bits for the claims the adaptive sweep made (its errors/true BER where it
//              measured, 2.996/1e-12 bits where it showed BER ≤ 1e-12), from the true BER (sim truth)
// Goals: adaptive within 1.3× the floor, and at least 5× faster than fixed dwell.
import { median } from 'simple-statistics';
import { POINTS, floor_s, runAdaptive, runFixed, waterfallGrid } from './ber/waterfall-runs.ts';
import type { AdaptiveRun } from './ber/waterfall-runs.ts';
import { openOpticalSim } from '../integration/sequences/ber/optical-sim.ts';
import { trueSensitivity_dBm } from '../integration/sequences/ber/waterfall-truth.ts';

const SEEDS = Array.from({ length: Number(process.env.BER_BENCH_SEEDS ?? 20) }, (_, i) => i + 1);
const FLOOR_GOAL = 1.3;
const FIXED_GOAL = 5;

function statusCounts(run: AdaptiveRun): string {
  const n = (s: string) => run.rows.filter((r) => r['status'] === s).length;
  return `${n('measured')}/${n('bounded')}/${n('limited')}/${n('skipped')}`;
}

const pad = (s: string | number, w: number) => String(s).padStart(w);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

export async function run(): Promise<void> {
  process.stdout.write(`BER waterfall: ${POINTS} points, BER ~1e-3 → ≤1e-12 at 95 %, 25.78125 Gb/s, max dwell 200 s, ±50 % precision; ` +
    `${SEEDS.length} seeds (bench seconds)\n`);
  process.stdout.write(`${['seed', 'm/b/l/s', 'adaptive', 'live', 'fixed', 'floor', 'adapt/floor', 'live/floor', 'fixed/adapt', 'Δsens loglog', 'Δsens Q'].map((h, i) => pad(h, i < 2 ? 7 : 11)).join(' ')}\n`);
  const rows: { a: number; l: number; fixed: number; fl: number; flLive: number; dLog: number; dQ: number }[] = [];
  for (const seed of SEEDS) {
    const grid = await waterfallGrid(seed);
    const adaptive = await runAdaptive(seed, grid, 'gates');
    const live = await runAdaptive(seed, grid, 'live');
    const fixed = await runFixed(seed, grid);
    const fl = floor_s(adaptive, grid);
    const flLive = floor_s(live, grid);
    const s = await openOpticalSim({ seed, laserPower_dBm: 13 });
    const truth = await trueSensitivity_dBm(s, 1e-12);
    await s.close();
    const r = { a: adaptive.bench_s, l: live.bench_s, fixed: fixed.bench_s, fl, flLive, dLog: adaptive.sensitivity_dBm - truth, dQ: adaptive.sensitivityQ_dBm - truth };
    rows.push(r);
    process.stdout.write(`${[pad(seed, 7), pad(statusCounts(adaptive), 7), ...[r.a, r.l, r.fixed, r.fl].map((x) => pad(f1(x), 11)),
      ...[r.a / r.fl, r.l / r.flLive, r.fixed / r.a].map((x) => pad(f2(x), 11)), pad(f2(r.dLog), 11), pad(f2(r.dQ), 11)].join(' ')}\n`);
  }
  const sum = (k: keyof (typeof rows)[number]) => rows.reduce((s, r) => s + r[k], 0);
  const ratios = rows.map((r) => r.a / r.fl);
  const speedups = rows.map((r) => r.fixed / r.a);
  const totalRatio = sum('a') / sum('fl');
  const totalSpeedup = sum('fixed') / sum('a');
  process.stdout.write(`\nall seeds: adaptive ${f1(sum('a'))} s, live ${f1(sum('l'))} s, fixed ${f1(sum('fixed'))} s, floor ${f1(sum('fl'))} s\n`);
  process.stdout.write(`adaptive/floor: total ${f2(totalRatio)}, median ${f2(median(ratios))}, worst ${f2(Math.max(...ratios))}` +
    `   (live: total ${f2(sum('l') / sum('flLive'))})\n`);
  process.stdout.write(`fixed/adaptive: total ${f2(totalSpeedup)}, median ${f2(median(speedups))}, worst ${f2(Math.min(...speedups))}\n`);
  process.stdout.write(`sensitivity error vs truth: loglog median ${f2(median(rows.map((r) => r.dLog)))} dB, Q median ${f2(median(rows.map((r) => r.dQ)))} dB, ` +
    `worst |Q| ${f2(Math.max(...rows.map((r) => Math.abs(r.dQ))))} dB\n`);
  const ok = totalRatio <= FLOOR_GOAL && totalSpeedup >= FIXED_GOAL;
  process.stdout.write(`goals (total over seeds): within ${FLOOR_GOAL}× of the floor — ${totalRatio <= FLOOR_GOAL ? 'met' : 'MISSED'}; ` +
    `≥ ${FIXED_GOAL}× faster than fixed dwell — ${totalSpeedup >= FIXED_GOAL ? 'met' : 'MISSED'}\n`);
  if (!ok) process.exitCode = 1;
}
