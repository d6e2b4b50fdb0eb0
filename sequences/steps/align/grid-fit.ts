// Step-and-read 2-D Gaussian fits: an n×n grid around an estimate, fitted with fitGaussian2D, re-centred
// on the fitted peak while it falls outside the grid. Used as step mode's `fit` peaking and as the
// refinement after gradient or simplex peaking.
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitGaussian2D } from '../../../models/fits/gaussian2d.ts';
import type { Gaussian2DFit, ScanPoint } from '../../../models/fits/gaussian2d.ts';
import { LostLightError } from './errors.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';

export interface GridFitOptions {
  /** Points per side (odd; default 3). */
  n?: number;
  half_um: number;
  averaging_s: number;
  maxRounds?: number;
  phase: string;
}

export interface GridFitResult {
  centre: Point_um;
  fit: Gaussian2DFit | FitError;
  points: ScanPoint[];
}

/** Serpentine grid of n×n points centred on c, ±half. */
export function gridAround(c: Point_um, n: number, half_um: number): Point_um[] {
  const step = n > 1 ? (2 * half_um) / (n - 1) : 0;
  const out: Point_um[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const ii = j % 2 === 0 ? i : n - 1 - i;
      out.push({ x_um: c.x_um - half_um + ii * step, y_um: c.y_um - half_um + j * step });
    }
  }
  return out;
}

export async function gridFitPeak(rig: AlignRig, start: Point_um, o: GridFitOptions): Promise<GridFitResult> {
  const n = o.n ?? 3;
  const read = rig.evaluator(o.phase, o.averaging_s);
  let c = { ...start };
  let last: GridFitResult | undefined;
  for (let round = 0; round < (o.maxRounds ?? 3); round++) {
    const points: ScanPoint[] = [];
    for (const p of gridAround(c, n, o.half_um)) {
      const power = await read(p);
      if (Number.isFinite(power)) points.push({ ...p, power_mW: 10 ** (power / 10) });
    }
    let fit: Gaussian2DFit | FitError;
    try {
      fit = fitGaussian2D(points);
    } catch (err) {
      if (!(err instanceof FitError)) throw err;
      fit = err;
    }
    if (fit instanceof FitError) {
      // No fittable peak: move to the brightest point and try again around it.
      const brightest = points.reduce((b, p) => (p.power_mW > b.power_mW ? p : b), points[0] as ScanPoint);
      if (!brightest) throw new LostLightError(`align: light lost during ${o.phase}: no reading around (${c.x_um.toFixed(2)}, ${c.y_um.toFixed(2)}) µm`);
      last = { centre: { x_um: brightest.x_um, y_um: brightest.y_um }, fit, points };
      c = last.centre;
      continue;
    }
    // A fitted centre far outside the grid is an extrapolation: re-centre there (at most 2 half-widths).
    const dx = fit.x0_um - c.x_um, dy = fit.y0_um - c.y_um;
    const far = Math.max(Math.abs(dx), Math.abs(dy));
    const limit = 2 * o.half_um;
    const next = far > limit ? { x_um: c.x_um + (dx * limit) / far, y_um: c.y_um + (dy * limit) / far } : { x_um: fit.x0_um, y_um: fit.y0_um };
    last = { centre: next, fit, points };
    if (fit.peakInsideScan) return last;
    c = next;
  }
  if (!last) throw new LostLightError(`align: light lost during ${o.phase}`);
  return last;
}
