// Grating-coupler spectrum fit: IL(λ) = IL_peak + ((λ − λc)/(BW/2))², fitted in dB.
// Why dB and not linear power: the model is exactly a parabola there, so the fit is *linear* least
// squares (one solve, no initial guess, no iterations: least-squares.ts with ml-matrix), and a power
// meter's relative noise is the same size in dB at every wavelength, so equal weights are right.
// Points near the meter's noise floor break both assumptions: drop them with `window_dB`.
// R² by simple-statistics; uncertainties of centre, peak and width by propagating the coefficient
// covariance through their (exact) formulas to first order.
import { rSquared as rSquaredOf } from 'simple-statistics';
import { gratingLoss_dB } from '../grating.ts';
import type { GratingCoupler } from '../grating.ts';
import { FitError } from './fit-error.ts';
import { linearLeastSquares, scaledCovariance } from './least-squares.ts';

const FIT = 'fitGratingSpectrum';
/** Three coefficients plus one degree of freedom for the noise. */
export const SPECTRUM_MIN_POINTS = 4;
/** The parabola's curvature must stand this many standard errors above 0 to call it a peak. */
const MIN_CURVATURE_SIGNIFICANCE = 3;

export interface SpectrumPoint {
  wavelength_nm: number;
  loss_dB: number;
}

export interface SpectrumFitOptions {
  /** Use only points within this many dB of the lowest measured loss (e.g. 6), to stay off the noise floor. */
  window_dB?: number;
  /** 1σ noise of each loss reading, dB. Enables reducedChiSquare. */
  noise_dB?: number;
}

export interface SpectrumFit extends GratingCoupler {
  sigma: { centre_nm: number; peakLoss_dB: number; bandwidth1dB_nm: number };
  rSquared: number;
  /** χ²/dof against noise_dB; present only when noise_dB was given. */
  reducedChiSquare?: number;
  residualRms_dB: number;
  /** True when the fitted centre lies outside the measured wavelength range. */
  extrapolated: boolean;
  /** Points the fit used (after window_dB). */
  used: SpectrumPoint[];
}

function validate(points: readonly SpectrumPoint[], opts: SpectrumFitOptions): void {
  if (!Array.isArray(points)) throw new FitError(FIT, 'invalid-input', 'expected an array of { wavelength_nm, loss_dB } points');
  points.forEach((pt, i) => {
    if (typeof pt?.wavelength_nm !== 'number' || !Number.isFinite(pt.wavelength_nm) || pt.wavelength_nm <= 0) {
      throw new FitError(FIT, 'invalid-input', `point ${i}: wavelength_nm must be a finite number > 0, got ${String(pt?.wavelength_nm)}`);
    }
    if (typeof pt.loss_dB !== 'number' || !Number.isFinite(pt.loss_dB)) {
      throw new FitError(FIT, 'invalid-input', `point ${i}: loss_dB must be a finite number, got ${String(pt.loss_dB)}`);
    }
  });
  if (opts.window_dB !== undefined && !(opts.window_dB > 0)) throw new FitError(FIT, 'invalid-input', `window_dB must be > 0, got ${opts.window_dB}`);
  if (opts.noise_dB !== undefined && !(opts.noise_dB > 0 && Number.isFinite(opts.noise_dB))) {
    throw new FitError(FIT, 'invalid-input', `noise_dB must be a finite number > 0, got ${opts.noise_dB}`);
  }
}

/** Fits centre, peak loss and 1-dB bandwidth to a measured loss spectrum. */
export function fitGratingSpectrum(points: readonly SpectrumPoint[], opts: SpectrumFitOptions = {}): SpectrumFit {
  validate(points, opts);
  let used = [...points];
  if (opts.window_dB !== undefined && used.length > 0) {
    const best = Math.min(...used.map((p) => p.loss_dB));
    used = used.filter((p) => p.loss_dB <= best + (opts.window_dB ?? Infinity));
  }
  if (used.length < SPECTRUM_MIN_POINTS) {
    throw new FitError(FIT, 'too-few-points', `got ${used.length} usable points, need at least ${SPECTRUM_MIN_POINTS}`);
  }
  if (new Set(used.map((p) => p.wavelength_nm)).size < 3) throw new FitError(FIT, 'too-few-points', 'needs at least 3 distinct wavelengths');

  // Centre and scale the abscissa so the normal equations stay well conditioned at λ ≈ 1550 nm.
  const lo = Math.min(...used.map((p) => p.wavelength_nm)), hi = Math.max(...used.map((p) => p.wavelength_nm));
  const mid = (lo + hi) / 2, half = (hi - lo) / 2;
  const t = used.map((p) => (p.wavelength_nm - mid) / half);
  const sigma = opts.noise_dB === undefined ? undefined : used.map(() => opts.noise_dB ?? 1);
  const lsq = linearLeastSquares(t.map((ti) => [1, ti, ti * ti]), used.map((p) => p.loss_dB), sigma);
  if (!lsq) throw new FitError(FIT, 'too-few-points', 'the wavelengths do not determine a parabola');
  const [c0 = 0, c1 = 0, c2 = 0] = lsq.parameters;
  if (!(c2 > 0)) throw new FitError(FIT, 'no-peak', 'the loss does not curve upward on either side: no transmission peak in the data');

  const cov = scaledCovariance(lsq, sigma !== undefined);
  const sigmaC2 = Math.sqrt(cov[2]?.[2] ?? 0);
  if (!(c2 > MIN_CURVATURE_SIGNIFICANCE * sigmaC2)) {
    throw new FitError(FIT, 'no-peak', `the curvature of the loss is not significant (${c2.toPrecision(3)} ± ${sigmaC2.toPrecision(2)} dB per half-span²): no peak in this range`);
  }
  // Each derived quantity f(c) with gradient ∇f: var f = ∇fᵀ·C·∇f
  const propagate = (grad: readonly number[]) =>
    Math.sqrt(Math.max(0, grad.reduce((s, gj, j) => s + gj * grad.reduce((sk, gk, k) => sk + (cov[j]?.[k] ?? 0) * gk, 0), 0)));
  const centre_nm = mid - (half * c1) / (2 * c2);
  const peakLoss_dB = c0 - (c1 * c1) / (4 * c2);
  const bandwidth1dB_nm = (2 * half) / Math.sqrt(c2);
  const fit: SpectrumFit = {
    centre_nm,
    peakLoss_dB,
    bandwidth1dB_nm,
    sigma: {
      centre_nm: propagate([0, -half / (2 * c2), (half * c1) / (2 * c2 * c2)]),
      peakLoss_dB: propagate([1, -c1 / (2 * c2), (c1 * c1) / (4 * c2 * c2)]),
      bandwidth1dB_nm: propagate([0, 0, -half * c2 ** -1.5]),
    },
    rSquared: 0,
    residualRms_dB: 0,
    extrapolated: centre_nm < lo || centre_nm > hi,
    used,
  };
  const predict = (nm: number) => gratingLoss_dB(nm, fit);
  fit.rSquared = rSquaredOf(used.map((p) => [p.wavelength_nm, p.loss_dB]), predict);
  fit.residualRms_dB = Math.sqrt(used.reduce((s, p) => s + (p.loss_dB - predict(p.wavelength_nm)) ** 2, 0) / used.length);
  if (sigma) fit.reducedChiSquare = lsq.dof > 0 ? lsq.chiSquare / lsq.dof : 0;
  return fit;
}

/** The fitted loss at each wavelength, for drawing beside the measured spectrum. */
export function spectrumCurve(fit: GratingCoupler, wavelengths_nm: readonly number[]): { wavelength_nm: number; loss_dB: number }[] {
  return wavelengths_nm.map((wavelength_nm) => ({ wavelength_nm, loss_dB: gratingLoss_dB(wavelength_nm, fit) }));
}
