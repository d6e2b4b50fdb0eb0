// BER waterfall fit: a straight line through a linearised BER against received power (dBm), solved for
// the sensitivity at a target BER.
//   'loglog': y = log10(−log10 BER), the classic near-straight waterfall (PHYSICS.md).
//   'q':      y = 20·log10 Q, Q = √2·erfcinv(2·BER) — exactly straight for the receiver models of
//             receiver.ts (slope 2 dB/dB thermal-limited, 1 dB/dB shot-limited), so the slope also
//             says which noise dominates. (Linear Q against dBm would not be a straight line.)
// Linear least squares: least-squares.ts (ml-matrix); R² by simple-statistics; erfcinv by @stdlib.
// Weighting: with error counts, 'q' weights each point by its Poisson uncertainty, which is honest
// because the line is exact. 'loglog' is only nearly straight (it bends towards high BER), and
// Poisson weights would hand the fit to the most bent, highest-count points, so it weights equally
// by default; its extrapolation to 1e-12 from 1e-3…1e-9 data is then ≈ 0.1 dB pessimistic.
import { rSquared as rSquaredOf } from 'simple-statistics';
import { berFromQ, qFromBer } from '../ber.ts';
import { FitError } from './fit-error.ts';
import { linearLeastSquares, scaledCovariance } from './least-squares.ts';

const FIT = 'fitWaterfall';
/** PHYSICS.md: fit a waterfall on at least 5 points with errors. */
export const WATERFALL_MIN_POINTS = 5;

export interface WaterfallPoint {
  power_dBm: number;
  /** Measured BER (errors/bits); 0 when no error was seen. */
  ber: number;
  /** Errors counted; needed for Poisson weighting. */
  errors?: number;
}

export type WaterfallMethod = 'loglog' | 'q';

export interface WaterfallOptions {
  targetBer: number;
  method: WaterfallMethod;
  /** Fewest points with errors to fit (default 5, at least 3). */
  minPoints?: number;
  /**
   * 'poisson': weight by the Poisson σ of each point's error count (every used point needs `errors`);
   * 'equal': unit weights, σ from the scatter. Default: 'poisson' for 'q' when every used point has
   * `errors`, else 'equal'.
   */
  weighting?: 'poisson' | 'equal';
}

export interface WaterfallFit {
  method: WaterfallMethod;
  targetBer: number;
  /** Received power at which the line reaches targetBer, dBm. */
  sensitivity_dBm: number;
  /** dy/dP per dB, y as the method defines it. */
  slope: number;
  /** y at 0 dBm. */
  intercept: number;
  sigma: { sensitivity_dB: number; slope: number; intercept: number };
  rSquared: number;
  weighting: 'poisson' | 'equal';
  /** χ²/dof against the Poisson uncertainty of each point; present only with Poisson weighting. */
  reducedChiSquare?: number;
  /** True when the target lies outside the measured power range (the sensitivity is extrapolated). */
  extrapolated: boolean;
  powerRange_dBm: { min: number; max: number };
  used: WaterfallPoint[];
  excluded: { point: WaterfallPoint; reason: 'zero-errors' | 'no-signal' }[];
}

/** The linearised ordinate of a BER for a method. */
export function waterfallOrdinate(ber: number, method: WaterfallMethod): number {
  return method === 'loglog' ? Math.log10(-Math.log10(ber)) : 20 * Math.log10(qFromBer(ber));
}

/** Inverse of waterfallOrdinate. */
export function berFromOrdinate(y: number, method: WaterfallMethod): number {
  return method === 'loglog' ? 10 ** -(10 ** y) : berFromQ(10 ** (y / 20));
}

/** 1σ of the ordinate of a point with `errors` errors: the Poisson σ_BER/BER = 1/√E carried through. */
function ordinateSigma(ber: number, errors: number, method: WaterfallMethod): number {
  const relative = 1 / Math.sqrt(errors);
  if (method === 'loglog') return relative / (-Math.log(ber) * Math.LN10);
  const q = qFromBer(ber);
  const density = Math.exp((-q * q) / 2) / Math.sqrt(2 * Math.PI); // |dBER/dQ|
  return (20 / (q * Math.LN10)) * ((relative * ber) / density);
}

function validate(points: readonly WaterfallPoint[], opts: WaterfallOptions): number {
  if (!Array.isArray(points)) throw new FitError(FIT, 'invalid-input', 'expected an array of { power_dBm, ber } points');
  if (opts?.method !== 'loglog' && opts?.method !== 'q') throw new FitError(FIT, 'invalid-input', `method must be 'loglog' or 'q', got ${String(opts?.method)}`);
  if (typeof opts.targetBer !== 'number' || !(opts.targetBer > 0 && opts.targetBer < 0.5)) {
    throw new FitError(FIT, 'invalid-input', `targetBer must be in (0, 0.5), got ${String(opts.targetBer)}`);
  }
  const minPoints = opts.minPoints ?? WATERFALL_MIN_POINTS;
  if (!Number.isInteger(minPoints) || minPoints < 3) throw new FitError(FIT, 'invalid-input', `minPoints must be an integer >= 3, got ${minPoints}`);
  if (opts.weighting !== undefined && opts.weighting !== 'poisson' && opts.weighting !== 'equal') {
    throw new FitError(FIT, 'invalid-input', `weighting must be 'poisson' or 'equal', got ${String(opts.weighting)}`);
  }
  points.forEach((pt, i) => {
    if (typeof pt?.power_dBm !== 'number' || !Number.isFinite(pt.power_dBm)) {
      throw new FitError(FIT, 'invalid-input', `point ${i}: power_dBm must be a finite number, got ${String(pt?.power_dBm)}`);
    }
    if (typeof pt.ber !== 'number' || !(pt.ber >= 0 && pt.ber <= 1)) {
      throw new FitError(FIT, 'invalid-input', `point ${i}: ber must be in [0, 1], got ${String(pt.ber)}`);
    }
    if (pt.errors !== undefined && !(Number.isInteger(pt.errors) && pt.errors >= 0)) {
      throw new FitError(FIT, 'invalid-input', `point ${i}: errors must be an integer >= 0, got ${pt.errors}`);
    }
    if (pt.errors === 0 && pt.ber > 0) throw new FitError(FIT, 'invalid-input', `point ${i}: ber ${pt.ber} with 0 errors`);
  });
  return minPoints;
}

/** Fits the waterfall and extrapolates (or interpolates) to the sensitivity at opts.targetBer. */
export function fitWaterfall(points: readonly WaterfallPoint[], opts: WaterfallOptions): WaterfallFit {
  const minPoints = validate(points, opts);
  const { method, targetBer } = opts;
  const used: WaterfallPoint[] = [];
  const excluded: WaterfallFit['excluded'] = [];
  for (const point of points) {
    if (point.ber === 0) excluded.push({ point, reason: 'zero-errors' });
    else if (point.ber >= 0.5) excluded.push({ point, reason: 'no-signal' });
    else used.push(point);
  }
  const zeros = excluded.filter((e) => e.reason === 'zero-errors').length;
  if (used.length === 0 && zeros > 0) {
    throw new FitError(FIT, 'all-zero-errors', `none of the ${points.length} points saw an error; a waterfall needs at least ${minPoints} points with errors (measure at lower power)`);
  }
  if (used.length < minPoints) {
    throw new FitError(FIT, 'too-few-points', `${used.length} of ${points.length} points have 0 < BER < 0.5; the fit needs at least ${minPoints} points with errors`);
  }
  const powers = used.map((p) => p.power_dBm);
  const min = Math.min(...powers), max = Math.max(...powers);
  if (min === max) throw new FitError(FIT, 'too-few-points', 'all points were measured at the same power; the fit needs at least 2 distinct powers');

  const y = used.map((p) => waterfallOrdinate(p.ber, method));
  const counted = used.every((p) => p.errors !== undefined);
  const weighting = opts.weighting ?? (method === 'q' && counted ? 'poisson' : 'equal');
  if (weighting === 'poisson' && !counted) {
    throw new FitError(FIT, 'invalid-input', "weighting 'poisson' needs the error count (errors) of every point with errors");
  }
  const weighted = weighting === 'poisson';
  const sigma = weighted ? used.map((p) => ordinateSigma(p.ber, p.errors ?? 1, method)) : undefined;
  const centre = (min + max) / 2;
  const lsq = linearLeastSquares(powers.map((p) => [1, p - centre]), y, sigma);
  if (!lsq) throw new FitError(FIT, 'too-few-points', 'the powers do not determine a line');
  const [a = 0, slope = 0] = lsq.parameters;
  if (!(slope > 0)) throw new FitError(FIT, 'no-slope', `the BER does not fall as the power rises (slope ${slope.toPrecision(3)} per dB)`);
  const cov = scaledCovariance(lsq, weighted);
  const vA = cov[0]?.[0] ?? 0, vM = cov[1]?.[1] ?? 0, cAM = cov[0]?.[1] ?? 0;

  const yTarget = waterfallOrdinate(targetBer, method);
  const sensitivity_dBm = centre + (yTarget - a) / slope;
  const d = sensitivity_dBm - centre;
  // P* = centre + (yT − a)/m: ∂P*/∂a = −1/m, ∂P*/∂m = −d/m
  const varSensitivity = (vA + d * d * vM + 2 * d * cAM) / (slope * slope);
  const fit: WaterfallFit = {
    method,
    targetBer,
    weighting,
    sensitivity_dBm,
    slope,
    intercept: a - slope * centre,
    sigma: {
      sensitivity_dB: Math.sqrt(Math.max(0, varSensitivity)),
      slope: Math.sqrt(vM),
      intercept: Math.sqrt(Math.max(0, vA + centre * centre * vM - 2 * centre * cAM)),
    },
    rSquared: rSquaredOf(powers.map((p, i) => [p, y[i] ?? 0]), (p) => a + slope * (p - centre)),
    extrapolated: sensitivity_dBm < min || sensitivity_dBm > max,
    powerRange_dBm: { min, max },
    used,
    excluded,
  };
  if (weighted) fit.reducedChiSquare = lsq.dof > 0 ? lsq.chiSquare / lsq.dof : 0;
  return fit;
}

/** The fitted BER at each power, for drawing the line through the measured waterfall. */
export function waterfallCurve(fit: Pick<WaterfallFit, 'method' | 'slope' | 'intercept'>, powers_dBm: readonly number[]): { power_dBm: number; ber: number }[] {
  return powers_dBm.map((power_dBm) => ({ power_dBm, ber: berFromOrdinate(fit.intercept + fit.slope * power_dBm, fit.method) }));
}
