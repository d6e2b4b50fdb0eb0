// 2-D Gaussian fit of an alignment scan: P(x, y) = B + A·exp(−2·((x−x0)² + (y−y0)²)/R²), R the 1/e²
// intensity radius of the coupled-power profile (for a loopback R² = (w_fiber² + w_chip²)/2, see
// coupling.ts scanProfileRadius_um). Nonlinear least squares: models/fits/least-squares.ts
// (ml-levenberg-marquardt + ml-matrix); R² by simple-statistics.
import { rSquared as rSquaredOf } from 'simple-statistics';
import { FitError } from './fit-error.ts';
import { nonlinearLeastSquares, scaledCovariance, standardErrors } from './least-squares.ts';

const FIT = 'fitGaussian2D';
/** The fit has 5 parameters; 2 spare points is the least that says anything about the noise. */
export const GAUSSIAN2D_MIN_POINTS = 7;
/** A peak must stand this many standard errors above the background to count as found. */
const MIN_PEAK_SIGNIFICANCE = 5;
/** Fraction of the peak above which points feed the initial centroid and width. */
const MOMENT_THRESHOLD = 0.2;

export interface ScanPoint {
  x_um: number;
  y_um: number;
  power_mW: number;
}

export interface Gaussian2DOptions {
  /** 1σ noise of each reading (one value for all, or one per point), mW. Enables reducedChiSquare. */
  noise_mW?: number | readonly number[];
  /** Fix the background instead of fitting it (e.g. the meter's dark level), mW. */
  background_mW?: number;
  /** Iteration budget (default 400), of each pass when the background is fitted again on its bound. */
  maxIterations?: number;
}

export interface Gaussian2DFit {
  x0_um: number;
  y0_um: number;
  /** Amplitude above the background, mW: the power at the centre is peak_mW + background_mW. */
  peak_mW: number;
  /** 1/e² intensity radius of the fitted power profile, µm. */
  radius_um: number;
  background_mW: number;
  /** Standard uncertainties (0 for a fixed background). */
  sigma: { x0_um: number; y0_um: number; peak_mW: number; radius_um: number; background_mW: number };
  /** Coefficient of determination of the fitted surface (unweighted). */
  rSquared: number;
  /** χ²/dof against the given noise_mW; present only when noise_mW was given. */
  reducedChiSquare?: number;
  /** RMS of the residuals, mW. */
  residualRms_mW: number;
  /** False when the fitted centre lies outside the box the scan covered (an extrapolated peak). */
  peakInsideScan: boolean;
  points: number;
  iterations: number;
}

function validate(points: readonly ScanPoint[], opts: Gaussian2DOptions): void {
  if (!Array.isArray(points)) throw new FitError(FIT, 'invalid-input', 'expected an array of { x_um, y_um, power_mW } points');
  points.forEach((pt, i) => {
    for (const key of ['x_um', 'y_um', 'power_mW'] as const) {
      if (typeof pt?.[key] !== 'number' || !Number.isFinite(pt[key])) {
        throw new FitError(FIT, 'invalid-input', `point ${i}: ${key} must be a finite number, got ${String(pt?.[key])}`);
      }
    }
    if (pt.power_mW < 0) throw new FitError(FIT, 'invalid-input', `point ${i}: power_mW must be >= 0, got ${pt.power_mW}`);
  });
  const noise = opts.noise_mW;
  if (noise !== undefined) {
    const list = typeof noise === 'number' ? [noise] : noise;
    if (typeof noise !== 'number' && list.length !== points.length) {
      throw new FitError(FIT, 'invalid-input', `noise_mW must hold one value or one per point (${points.length}), got ${list.length}`);
    }
    list.forEach((s, i) => {
      if (!(typeof s === 'number' && s > 0 && Number.isFinite(s))) throw new FitError(FIT, 'invalid-input', `noise_mW[${i}] must be a finite number > 0, got ${String(s)}`);
    });
  }
  if (opts.background_mW !== undefined && !(Number.isFinite(opts.background_mW) && opts.background_mW >= 0)) {
    throw new FitError(FIT, 'invalid-input', `background_mW must be a finite number >= 0, got ${String(opts.background_mW)}`);
  }
  if (opts.maxIterations !== undefined && !(Number.isInteger(opts.maxIterations) && opts.maxIterations >= 1)) {
    throw new FitError(FIT, 'invalid-input', `maxIterations must be an integer >= 1, got ${String(opts.maxIterations)}`);
  }
  if (points.length < GAUSSIAN2D_MIN_POINTS) {
    throw new FitError(FIT, 'too-few-points', `got ${points.length} points, need at least ${GAUSSIAN2D_MIN_POINTS} for 5 parameters`);
  }
  const distinct = (values: number[]) => new Set(values).size;
  if (distinct(points.map((p) => p.x_um)) < 3 || distinct(points.map((p) => p.y_um)) < 3) {
    throw new FitError(FIT, 'too-few-points', 'needs a 2-D scan: at least 3 distinct x_um and 3 distinct y_um positions');
  }
}

/**
 * ⟨2r²/R²⟩ over the disc where a Gaussian exceeds a fraction f of its peak, weighted by (profile − f):
 * turns the thresholded second moment into the radius.
 */
function truncatedMomentFactor(f: number): number {
  const a = Math.log(1 / f);
  return (1 - (1 + a) * f - (f * a * a) / 2) / (1 - f - f * a);
}

interface Guess {
  x0: number;
  y0: number;
  amplitude: number;
  radius: number;
  background: number;
}

/** Weighted centroid and second moments of the points standing MOMENT_THRESHOLD above the floor. */
function initialGuess(points: readonly ScanPoint[], background?: number): Guess {
  let min = Infinity, max = -Infinity;
  for (const p of points) {
    min = Math.min(min, p.power_mW);
    max = Math.max(max, p.power_mW);
  }
  const floor = background ?? min;
  const amplitude = max - floor;
  const cut = floor + MOMENT_THRESHOLD * amplitude;
  let sw = 0, sx = 0, sy = 0;
  for (const p of points) {
    const w = Math.max(0, p.power_mW - cut);
    sw += w;
    sx += w * p.x_um;
    sy += w * p.y_um;
  }
  const x0 = sx / sw, y0 = sy / sw;
  let sr2 = 0;
  for (const p of points) sr2 += Math.max(0, p.power_mW - cut) * ((p.x_um - x0) ** 2 + (p.y_um - y0) ** 2);
  let radius = Math.sqrt((2 * (sr2 / sw)) / truncatedMomentFactor(MOMENT_THRESHOLD));
  if (!(radius > 0)) {
    // One point above the cut: the beam is about one scan step wide.
    const steps = points.map((p) => Math.hypot(p.x_um - x0, p.y_um - y0)).filter((d) => d > 0);
    radius = Math.min(...steps);
  }
  return { x0, y0, amplitude, radius, background: floor };
}

/**
 * Fits a circular 2-D Gaussian to an alignment scan; throws FitError when no peak can be fitted. The
 * background is a power, so it is fitted within B ≥ 0: when the unconstrained optimum lies below zero
 * (noise on a dark floor), the constrained one lies on the bound, and the fit is made again with B = 0
 * (its σ stays the free fit's: how well the scan pins the floor down). A negative floor would make the
 * model curve plunge to −∞ dB away from the peak.
 */
export function fitGaussian2D(points: readonly ScanPoint[], opts: Gaussian2DOptions = {}): Gaussian2DFit {
  validate(points, opts);
  const free = fitOnce(points, opts);
  if (opts.background_mW !== undefined || free.background_mW >= 0) return free;
  const bounded = fitOnce(points, { ...opts, background_mW: 0 });
  return {
    ...bounded,
    sigma: { ...bounded.sigma, background_mW: free.sigma.background_mW },
    iterations: free.iterations + bounded.iterations,
  };
}

function fitOnce(points: readonly ScanPoint[], opts: Gaussian2DOptions): Gaussian2DFit {
  const fixedBackground = opts.background_mW;
  const guess = initialGuess(points, fixedBackground);
  if (!(guess.amplitude > 0)) throw new FitError(FIT, 'no-peak', 'the scan is flat: every reading is the same');

  // Normalise: positions in units of the guessed radius about the guessed centre, powers in units of the peak.
  const L = guess.radius, P = guess.amplitude;
  const u = points.map((p) => (p.x_um - guess.x0) / L);
  const v = points.map((p) => (p.y_um - guess.y0) / L);
  const y = points.map((p) => p.power_mW / P);
  const noise = opts.noise_mW;
  const sigma = noise === undefined ? undefined : points.map((_, i) => (typeof noise === 'number' ? noise : (noise[i] ?? 1)) / P);
  const bFixed = fixedBackground === undefined ? undefined : fixedBackground / P;
  // params: [u0, v0, a, r, b] (b omitted when fixed)
  const model = (q: readonly number[], i: number) => {
    const [u0 = 0, v0 = 0, a = 0, r = 1, b = bFixed ?? 0] = q;
    const rho2 = ((u[i] ?? 0) - u0) ** 2 + ((v[i] ?? 0) - v0) ** 2;
    return b + a * Math.exp((-2 * rho2) / (r * r));
  };
  const jacobian = (q: readonly number[], i: number) => {
    const [u0 = 0, v0 = 0, a = 0, r = 1] = q;
    const du = (u[i] ?? 0) - u0, dv = (v[i] ?? 0) - v0;
    const rho2 = du * du + dv * dv;
    const e = Math.exp((-2 * rho2) / (r * r));
    const row = [(4 * a * e * du) / (r * r), (4 * a * e * dv) / (r * r), e, (4 * a * e * rho2) / (r * r * r)];
    if (bFixed === undefined) row.push(1);
    return row;
  };
  const initial = [0, 0, 1, 1];
  if (bFixed === undefined) initial.push(guess.background / P);
  const result = nonlinearLeastSquares({
    n: points.length,
    y,
    ...(sigma ? { sigma } : {}),
    model,
    jacobian,
    initial,
    minValues: [-1e3, -1e3, -1e3, 1e-3, -1e3].slice(0, initial.length),
    maxValues: [1e3, 1e3, 1e3, 1e3, 1e3].slice(0, initial.length),
    ...(opts.maxIterations !== undefined ? { maxIterations: opts.maxIterations } : {}),
  });
  if (!result) throw new FitError(FIT, 'no-peak', 'the scan does not determine a peak (singular fit: no curvature in the data)');

  const cov = scaledCovariance(result, sigma !== undefined);
  const se = standardErrors(cov);
  const [u0 = 0, v0 = 0, a = 0, r = 1, b = bFixed ?? 0] = result.parameters;
  const fit: Gaussian2DFit = {
    x0_um: guess.x0 + u0 * L,
    y0_um: guess.y0 + v0 * L,
    peak_mW: a * P,
    radius_um: Math.abs(r) * L,
    background_mW: b * P,
    sigma: {
      x0_um: (se[0] ?? 0) * L,
      y0_um: (se[1] ?? 0) * L,
      peak_mW: (se[2] ?? 0) * P,
      radius_um: (se[3] ?? 0) * L,
      background_mW: bFixed === undefined ? (se[4] ?? 0) * P : 0,
    },
    rSquared: 0,
    residualRms_mW: Math.sqrt(points.reduce((s, pt, i) => s + (pt.power_mW - model(result.parameters, i) * P) ** 2, 0) / points.length),
    peakInsideScan: true,
    points: points.length,
    iterations: result.iterations,
  };
  // Judged before convergence: on pure noise LM wanders, and "no peak" is the useful verdict.
  if (!(fit.peak_mW > MIN_PEAK_SIGNIFICANCE * fit.sigma.peak_mW)) {
    throw new FitError(FIT, 'no-peak', `no significant peak: fitted amplitude ${fit.peak_mW.toExponential(3)} mW ± ${fit.sigma.peak_mW.toExponential(2)} mW`);
  }
  if (!result.converged) throw new FitError(FIT, 'not-converged', `Levenberg–Marquardt did not converge in ${result.iterations} iterations`);
  const xs = points.map((p) => p.x_um), ys = points.map((p) => p.y_um);
  fit.peakInsideScan = fit.x0_um >= Math.min(...xs) && fit.x0_um <= Math.max(...xs) && fit.y0_um >= Math.min(...ys) && fit.y0_um <= Math.max(...ys);
  fit.rSquared = rSquaredOf(points.map((p, i) => [i, p.power_mW]), (i) => model(result.parameters, i) * P);
  if (sigma) fit.reducedChiSquare = result.dof > 0 ? result.chiSquare / result.dof : 0;
  return fit;
}

/** The fitted power at (x, y), mW: for drawing the surface beside the scan. */
export function gaussianSurface(fit: Pick<Gaussian2DFit, 'x0_um' | 'y0_um' | 'peak_mW' | 'radius_um' | 'background_mW'>, x_um: number, y_um: number): number {
  const rho2 = (x_um - fit.x0_um) ** 2 + (y_um - fit.y0_um) ** 2;
  return fit.background_mW + fit.peak_mW * Math.exp((-2 * rho2) / fit.radius_um ** 2);
}

/** ±offset (µm) from the peak of a Gaussian power profile of 1/e² radius R that costs `excessLoss_dB`: R·√(L·ln10/20). */
export function profileTolerance_um(radius_um: number, excessLoss_dB: number): number {
  if (!(radius_um > 0) || !(excessLoss_dB >= 0)) {
    throw new FitError('profileTolerance_um', 'invalid-input', `expected radius_um > 0 and excessLoss_dB >= 0, got ${radius_um} and ${excessLoss_dB}`);
  }
  return radius_um * Math.sqrt((excessLoss_dB * Math.LN10) / 20);
}

/** The 1-dB and 0.5-dB lateral tolerances of a fitted scan, with their standard uncertainties. */
export function gaussianTolerances(fit: Pick<Gaussian2DFit, 'radius_um' | 'sigma'>): {
  tolerance1dB_um: number;
  tolerance05dB_um: number;
  sigma: { tolerance1dB_um: number; tolerance05dB_um: number };
} {
  const k1 = profileTolerance_um(1, 1), k05 = profileTolerance_um(1, 0.5);
  return {
    tolerance1dB_um: k1 * fit.radius_um,
    tolerance05dB_um: k05 * fit.radius_um,
    sigma: { tolerance1dB_um: k1 * fit.sigma.radius_um, tolerance05dB_um: k05 * fit.sigma.radius_um },
  };
}
