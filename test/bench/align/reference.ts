// How the benchmark judges an alignment, independently of the aligner: the true peak power of the seed
// by a fine grid through the simulator around the optimum bench.truth() reports (7×7, 0.6 µm pitch,
// 100 ms readings, 2-D Gaussian fit), and the power where the aligner left the fiber (0.5 s reading, no
// move). loss = peak − power there. Every grid point is approached from the same side (from −3 µm on both
// axes), so the stage's backlash puts the fiber at the same offset from its motor for every point and the
// fitted peak is not biased by it; the fit's σ of the peak power is reported with it.
import { fitGaussian2D } from '../../../models/fits/gaussian2d.ts';
import type { Point_um } from '../../../sequences/steps/align/paths.ts';
import type { AlignSim } from './sim-bench.ts';

export async function moveTo(s: AlignSim, p: Point_um): Promise<void> {
  await s.bench.stage.moveAbsolute_um({ X: p.x_um, Y: p.y_um });
  await s.bench.stage.waitForMotion();
}

/** Where every reference point is approached from, relative to it (one side on both axes), µm. */
const APPROACH_UM = -3;

export interface ReferencePeak {
  peak_dBm: number;
  /** Standard uncertainty of the fitted peak power, dB. */
  sigma_dB: number;
}

/** True peak power (dBm) by a fine grid around the optimum the simulator knows, fitted. */
export async function referencePeak_dBm(s: AlignSim): Promise<number> {
  return (await referencePeak(s)).peak_dBm;
}

/** The same, with the fit's uncertainty. */
export async function referencePeak(s: AlignSim): Promise<ReferencePeak> {
  const opt = s.sim.truth().optical.optimaNow_um[0]!;
  await s.bench.meter.setAveragingTime_s(1, 0.1);
  const points = [];
  for (let j = -3; j <= 3; j++) {
    for (let i = -3; i <= 3; i++) {
      const p = { x_um: opt.x_um + 0.6 * i, y_um: opt.y_um + 0.6 * j };
      await moveTo(s, { x_um: p.x_um + APPROACH_UM, y_um: p.y_um + APPROACH_UM });
      await moveTo(s, p);
      const dBm = await s.bench.meter.readPower_dBm(1);
      points.push({ ...p, power_mW: 10 ** (dBm / 10) });
    }
  }
  // Background fixed at 0: the floor is 60 dB down, and over ±1.8 µm a free background trades off with the amplitude.
  const fit = fitGaussian2D(points, { background_mW: 0 });
  // The fit, not the brightest reading: a single reading's noise would bias the peak upwards.
  const peak_mW = fit.peak_mW + fit.background_mW;
  return { peak_dBm: 10 * Math.log10(peak_mW), sigma_dB: (10 / Math.LN10) * (fit.sigma.peak_mW / peak_mW) };
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
