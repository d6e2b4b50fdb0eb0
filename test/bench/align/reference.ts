// How the benchmark judges an alignment, independently of the aligner: the true peak power of the seed
// by a fine grid through the simulator around the optimum bench.truth() reports (7×7, 0.6 µm pitch,
// 100 ms readings, 2-D Gaussian fit), and the power where the aligner left the fiber (0.5 s reading, no
// move). loss = peak − power there.
import { fitGaussian2D } from '../../../models/fits/gaussian2d.ts';
import type { Point_um } from '../../../sequences/steps/align/paths.ts';
import type { AlignSim } from './sim-bench.ts';

export async function moveTo(s: AlignSim, p: Point_um): Promise<void> {
  await s.bench.stage.moveAbsolute_um({ X: p.x_um, Y: p.y_um });
  await s.bench.stage.waitForMotion();
}

/** True peak power (dBm) by a fine grid around the optimum the simulator knows, fitted. */
export async function referencePeak_dBm(s: AlignSim): Promise<number> {
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
export async function powerHere_dBm(s: AlignSim): Promise<number> {
  await s.bench.meter.setAveragingTime_s(1, 0.5);
  return s.bench.meter.readPower_dBm(1);
}

/** Spread (1σ, dB) of `n` readings at one place with the given averaging: what a decision can tell apart. */
export async function readingSpread_dB(s: AlignSim, averaging_s: number, n = 40): Promise<number> {
  await s.bench.meter.setAveragingTime_s(1, averaging_s);
  const v: number[] = [];
  for (let i = 0; i < n; i++) v.push(await s.bench.meter.readPower_dBm(1));
  const mean = v.reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
}
