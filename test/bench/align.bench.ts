// Alignment benchmark (issue 6): the align step with its defaults (fly raster first light, fly cross-scan
// pairs, 2-D Gaussian refinement) against a step-and-read raster + axis-by-axis hill climb, on the
// simulator in fast mode (bench time from its clock; the stage's own velocity and 20 mm/s² ramps, 10 ms
// settling; 2 ms meter averaging per single reading for both, 20 ms for both final readings).
// 100 seeds; each starts the fiber array at the hidden optimum plus a uniform ±30 µm offset per axis and
// searches ±35 µm around its start. The true peak power of each seed is found independently: a fine
// 7×7 grid (0.6 µm pitch, 100 ms readings) through the simulator around the optimum bench.truth()
// reports, fitted with a 2-D Gaussian. Each aligner's result is read there too (0.5 s averaging, no
// move), so the loss it reports is the alignment's, not the meter noise's.
import uniform from '@stdlib/random-base-uniform';
import { fitGaussian2D } from '../../models/fits/gaussian2d.ts';
import { alignStep } from '../../sequences/steps/align/align-step.ts';
import type { Point_um } from '../../sequences/steps/align/paths.ts';
import { rasterThenHillClimb } from './align/baseline.ts';
import { memoryContext } from './align/bench-context.ts';
import { goToSite, openAlignSim } from './align/sim-bench.ts';
import type { AlignSim } from './align/sim-bench.ts';

const SEEDS = Number(process.env['ALIGN_BENCH_SEEDS'] ?? 100);
const OFFSET_UM = 30;
const RADIUS_UM = 35;
// The baseline's single-reading averaging (ALIGN_BASELINE_AVERAGING_S to try slower, quieter readings).
const SINGLE_AVERAGING_S = Number(process.env['ALIGN_BASELINE_AVERAGING_S'] ?? 0.002);
const FINAL_AVERAGING_S = 0.02;

interface Outcome {
  ok: boolean;
  error?: string;
  time_s: number;
  readings: number;
  loss_dB: number;
}

async function moveTo(s: AlignSim, p: Point_um): Promise<void> {
  await s.bench.stage.moveAbsolute_um({ X: p.x_um, Y: p.y_um });
  await s.bench.stage.waitForMotion();
}

/** True peak power (dBm) by a fine grid around the optimum the simulator knows, fitted. */
async function referencePeak_dBm(s: AlignSim): Promise<number> {
  const opt = s.sim.truth().optical.optimaNow_um[0]!;
  await s.bench.meter.setAveragingTime_s(1, 0.1);
  const points = [];
  let best = -Infinity;
  for (let j = -3; j <= 3; j++) {
    for (let i = -3; i <= 3; i++) {
      const p = { x_um: opt.x_um + 0.6 * i, y_um: opt.y_um + 0.6 * j };
      await moveTo(s, p);
      const dBm = await s.bench.meter.readPower_dBm(1);
      best = Math.max(best, dBm);
      points.push({ ...p, power_mW: 10 ** (dBm / 10) });
    }
  }
  // Background fixed at 0: the floor is 60 dB down, and over ±1.8 µm a free background trades off with the amplitude.
  const fit = fitGaussian2D(points, { background_mW: 0 });
  return Math.max(best, 10 * Math.log10(fit.peak_mW + fit.background_mW));
}

/** Power where the aligner left the fiber, long-averaged, without moving. */
async function powerHere_dBm(s: AlignSim): Promise<number> {
  await s.bench.meter.setAveragingTime_s(1, 0.5);
  return s.bench.meter.readPower_dBm(1);
}

async function prepare(seed: number, start: Point_um): Promise<AlignSim> {
  const s = await openAlignSim({ seed });
  await goToSite(s.bench, 0);
  await moveTo(s, start);
  return s;
}

async function ours(seed: number, start: Point_um): Promise<Outcome> {
  const s = await prepare(seed, start);
  try {
    const ctx = memoryContext(s.sim, s.bench);
    const out = await alignStep.run(ctx, alignStep.schema.parse({ search_radius: `${RADIUS_UM}um` }));
    const here = await powerHere_dBm(s);
    const ref = await referencePeak_dBm(s);
    return { ok: true, time_s: out.measurements.time_s!.value, readings: out.measurements.readings!.value, loss_dB: ref - here };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), time_s: NaN, readings: NaN, loss_dB: NaN };
  } finally {
    await s.close();
  }
}

async function baseline(seed: number, start: Point_um, startStep_um: number): Promise<Outcome> {
  const s = await prepare(seed, start);
  try {
    const t0 = s.sim.benchTime_s();
    await s.bench.meter.setAveragingTime_s(1, SINGLE_AVERAGING_S);
    const evaluate = async (p: Point_um): Promise<number> => {
      await moveTo(s, p);
      return s.bench.meter.readPower_dBm(1);
    };
    const r = await rasterThenHillClimb(evaluate, { centre: start, radius_um: RADIUS_UM, pitch_um: 10, aboveFloor_dB: 10, startStep_um, minStep_um: 0.1 });
    if (!r.found) throw new Error('baseline found no light');
    await moveTo(s, r.position);
    await s.bench.meter.setAveragingTime_s(1, FINAL_AVERAGING_S);
    await s.bench.meter.readPower_dBm(1);
    const time_s = s.sim.benchTime_s() - t0;
    const here = await powerHere_dBm(s);
    const ref = await referencePeak_dBm(s);
    return { ok: true, time_s, readings: r.readings + 1, loss_dB: ref - here };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), time_s: NaN, readings: NaN, loss_dB: NaN };
  } finally {
    await s.close();
  }
}

function quantile(values: number[], q: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return (v[lo] as number) + ((v[hi] as number) - (v[lo] as number)) * (pos - lo);
}

function summary(name: string, r: Outcome[]): string[] {
  const ok = r.filter((o) => o.ok);
  const within = ok.filter((o) => o.loss_dB <= 0.05).length;
  const f = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '—');
  return [
    name,
    `${((100 * ok.length) / r.length).toFixed(0)} %`,
    `${((100 * within) / r.length).toFixed(0)} %`,
    f(quantile(ok.map((o) => o.readings), 0.5), 0),
    f(quantile(ok.map((o) => o.time_s), 0.5), 3),
    f(quantile(ok.map((o) => o.time_s), 0.9), 3),
    f(quantile(ok.map((o) => o.loss_dB), 0.5), 4),
    f(quantile(ok.map((o) => o.loss_dB), 0.95), 4),
    f(Math.max(...ok.map((o) => o.loss_dB)), 4),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export async function run(): Promise<void> {
  const draw = uniform.factory(-OFFSET_UM, OFFSET_UM, { seed: 20_260_606 });
  const mine: Outcome[] = [];
  const base: Outcome[] = [];
  const typical: Outcome[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    // Where the fiber starts: the optimum of this seed's world (the same world for both) plus the offset.
    const probe = await openAlignSim({ seed });
    const opt = probe.sim.truth().optical.optimaNow_um[0]!;
    await probe.close();
    const start = { x_um: opt.x_um + draw(), y_um: opt.y_um + draw() };
    mine.push(await ours(seed, start));
    base.push(await baseline(seed, start, 2));
    typical.push(await baseline(seed, start, 0.5));
    for (const [name, o] of [['align', mine.at(-1)!], ['baseline', base.at(-1)!], ['baseline 0.5 µm', typical.at(-1)!]] as const) {
      if (!o.ok) process.stdout.write(`seed ${seed}: ${name} failed: ${o.error}\n`);
    }
  }
  const header = ['method', 'success', '≤0.05 dB', 'readings (median)', 'bench s (median)', 'bench s (p90)', 'loss dB (median)', 'loss dB (p95)', 'loss dB (max)'];
  process.stdout.write(`alignment from ±${OFFSET_UM} µm offsets, ${SEEDS} seeds, simulator fast mode (bench time)\n`);
  process.stdout.write(`${table([header, summary('align (fly raster + fly cross-scans + 2-D fit)', mine), summary('baseline (step raster + hill climb, 2 µm steps halved)', base),
    summary('baseline (step raster + hill climb, 0.5 µm steps halved)', typical)])}\n`);
  const median = (r: Outcome[]) => quantile(r.map((o) => o.time_s), 0.5);
  process.stdout.write(`median bench time, baseline / align: ${(median(base) / median(mine)).toFixed(1)}× (2 µm steps), ` +
    `${(median(typical) / median(mine)).toFixed(1)}× (0.5 µm steps); goal ≥ 10×, align near 1 s\n`);
  process.stdout.write('true peak: 7×7 grid (0.6 µm, 100 ms readings) through the simulator around bench.truth()\'s optimum, 2-D Gaussian fit; loss = peak − power where the aligner stopped (0.5 s reading)\n');
}
