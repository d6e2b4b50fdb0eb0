// Model-based BER sensitivity: the receiver model of PHYSICS.md (Q linear in received power, so
// 20·log10 Q is a straight line against dBm: slope 2 dB/dB thermal-, 1 dB/dB shot-limited) fitted to the raw
// counts of every point by Poisson maximum likelihood, errors_i ~ Poisson(bits_i · ½erfc(Q_i/√2)), and
// solved for the power at the target BER. Fitting counts rather than log-BERs uses each point exactly as
// much as its counts say (a point with 3 errors is not a point with 300), and the Fisher information gives
// the covariance; the sensitivity's interval is its delta-method normal interval. Its coverage is tested
// over 200 simulated links (test/unit/models/ber-model-coverage.test.ts).
//
// Quality: the Pearson χ² of the counts against the fit (its p-value), and R² of 20·log10 Q against dBm
// (J-BERT's Q-factor method rejects R² < 0.75). A fit below either threshold is reported as not usable.
import { berFromQ, qFromBer } from '../ber.ts';
import { erfcinv, regularizedGammaQ } from '../numerics/special.ts';
import { FitError } from './fit-error.ts';
import { fitWaterfall } from './waterfall.ts';

const FIT = 'fitBerModel';
/** The largest power-reading uncertainty a fit may blame its scatter on: beyond it the model is wrong, dB. */
const MAX_SIGMA_X_DB = 0.03;

export interface CountedPoint {
  power_dBm: number;
  bits: number;
  errors: number;
}

export interface BerModelOptions {
  targetBer: number;
  /** Of the sensitivity's interval, e.g. 0.95. */
  confidence: number;
  /** Fewest points with errors (default 5; PHYSICS.md). */
  minPoints?: number;
  /** Smallest acceptable p-value of the fit's Pearson χ² (default 0.01). */
  minPValue?: number;
  /** Smallest acceptable R² of 20·log10 Q against dBm (default 0.75, as J-BERT). */
  minRSquared?: number;
}

export interface BerModelFit {
  targetBer: number;
  confidence: number;
  /** 20·log10 Q = intercept_dB + slope · P (dBm). */
  slope: number;
  intercept_dB: number;
  sensitivity_dBm: number;
  sigma: { sensitivity_dB: number; slope: number; intercept_dB: number };
  /** The sensitivity's interval at `confidence`. */
  interval_dBm: { low: number; high: number };
  /** Pearson χ² of the counts against pure Poisson. */
  chiSquare: number;
  dof: number;
  /** The power readings' uncertainty the scatter implies (0: none beyond Poisson), dB. */
  sigmaX_dB: number;
  pValue: number;
  rSquared: number;
  points: number;
  powerRange_dBm: { min: number; max: number };
  /** The quality thresholds met; `why` says which failed. */
  usable: boolean;
  why: string;
}

const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);

interface Evaluated {
  mu: number;
  /** dμ/da and dμ/dm (a: intercept at the centre power, m: slope). */
  da: number;
  dm: number;
  /** Variance of the count: Poisson, plus the power reading's uncertainty σx carried through the slope. */
  v: number;
}

function evaluate(p: CountedPoint, a: number, m: number, centre: number, sigmaX_dB: number): Evaluated {
  const x = p.power_dBm - centre;
  const q = 10 ** ((a + m * x) / 20);
  const ber = Math.max(berFromQ(q), 1e-300);
  const dBerDy = -phi(q) * q * (Math.LN10 / 20);
  const mu = p.bits * ber;
  // d ln μ / dP = m · (dBER/dy) / BER: a reading σx dB off moves the expected count by this fraction per dB.
  const s = (m * dBerDy) / ber;
  return { mu, da: p.bits * dBerDy, dm: p.bits * dBerDy * x, v: mu * (1 + mu * (s * sigmaX_dB) ** 2) };
}

interface Solution {
  a: number;
  m: number;
  /** Information matrix [aa, am, mm]. */
  info: [number, number, number];
  chiSquare: number;
}

/**
 * Fisher scoring of the (quasi-)likelihood: the score Σ (e − μ)/V · ∂μ/∂θ with V the count's variance. With
 * σx = 0 it is the Poisson likelihood itself.
 */
function solve(points: readonly CountedPoint[], centre: number, a0: number, m0: number, sigmaX_dB: number): Solution {
  let a = a0, m = m0;
  for (let it = 0; it < 200; it++) {
    let ga = 0, gm = 0, iaa = 0, iam = 0, imm = 0;
    for (const p of points) {
      const e = evaluate(p, a, m, centre, sigmaX_dB);
      const w = (p.errors - e.mu) / e.v;
      ga += w * e.da;
      gm += w * e.dm;
      iaa += (e.da * e.da) / e.v;
      iam += (e.da * e.dm) / e.v;
      imm += (e.dm * e.dm) / e.v;
    }
    const det = iaa * imm - iam * iam;
    if (!(det > 0)) throw new FitError(FIT, 'not-converged', 'the counts do not determine a line (singular information)');
    const stepA = (imm * ga - iam * gm) / det, stepM = (iaa * gm - iam * ga) / det;
    // Damped: far from the optimum a full step can overshoot into BER ≈ 0.
    const damp = Math.min(1, 2 / Math.max(Math.abs(stepA), Math.abs(stepM) * 5, 1e-300));
    a += stepA * damp;
    m += stepM * damp;
    if (Math.abs(stepA) < 1e-9 && Math.abs(stepM) < 1e-10) {
      const info: [number, number, number] = [0, 0, 0];
      let chiSquare = 0;
      for (const p of points) {
        const e = evaluate(p, a, m, centre, sigmaX_dB);
        info[0] += (e.da * e.da) / e.v;
        info[1] += (e.da * e.dm) / e.v;
        info[2] += (e.dm * e.dm) / e.v;
        chiSquare += (p.errors - e.mu) ** 2 / e.v;
      }
      return { a, m, info, chiSquare };
    }
  }
  throw new FitError(FIT, 'not-converged', 'the likelihood did not converge in 200 steps');
}

/**
 * The fit, with the power readings' uncertainty σx estimated from the counts: 0 when they scatter no more
 * than Poisson allows, else the σx at which the Pearson χ² equals its degrees of freedom (the method of
 * moments). High-count points then stop outweighing what their power readings can support.
 */
function maximise(points: readonly CountedPoint[], centre: number, a0: number, m0: number): Solution & { sigmaX_dB: number; poissonChiSquare: number } {
  const dof = points.length - 2;
  const poisson = solve(points, centre, a0, m0, 0);
  if (dof <= 0 || poisson.chiSquare <= dof) return { ...poisson, sigmaX_dB: 0, poissonChiSquare: poisson.chiSquare };
  let lo = 0, hi = 0.01;
  let best = poisson;
  while (hi < 10) {
    best = solve(points, centre, best.a, best.m, hi);
    if (best.chiSquare <= dof) break;
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 40 && hi - lo > 1e-5; i++) {
    const mid = (lo + hi) / 2;
    const s = solve(points, centre, best.a, best.m, mid);
    if (s.chiSquare > dof) lo = mid;
    else {
      hi = mid;
      best = s;
    }
  }
  best = solve(points, centre, best.a, best.m, hi);
  return { ...best, sigmaX_dB: hi, poissonChiSquare: poisson.chiSquare };
}

function checkPoints(points: readonly CountedPoint[]): void {
  if (!Array.isArray(points)) throw new FitError(FIT, 'invalid-input', 'expected an array of { power_dBm, bits, errors } points');
  points.forEach((p, i) => {
    if (typeof p?.power_dBm !== 'number' || !Number.isFinite(p.power_dBm)) throw new FitError(FIT, 'invalid-input', `point ${i}: power_dBm must be a finite number, got ${p?.power_dBm === undefined ? 'missing' : String(p.power_dBm)}`);
    if (!(typeof p.bits === 'number' && p.bits > 0 && Number.isFinite(p.bits))) throw new FitError(FIT, 'invalid-input', `point ${i}: bits must be a finite number > 0, got ${p.bits === undefined ? 'missing' : String(p.bits)}`);
    if (!(Number.isInteger(p.errors) && p.errors >= 0 && p.errors <= p.bits)) throw new FitError(FIT, 'invalid-input', `point ${i}: errors must be an integer in [0, bits], got ${p.errors === undefined ? 'missing' : String(p.errors)}`);
  });
}

/** Fits the Q model to counted points (errors > 0 and BER < 0.5 enter; zero-error points add their bits too). */
export function fitBerModel(points: readonly CountedPoint[], opts: BerModelOptions): BerModelFit {
  checkPoints(points);
  const { targetBer, confidence } = opts;
  if (!(targetBer > 0 && targetBer < 0.5)) throw new FitError(FIT, 'invalid-input', `targetBer must be in (0, 0.5), got ${targetBer}`);
  if (!(confidence > 0 && confidence < 1)) throw new FitError(FIT, 'invalid-input', `confidence must be in (0, 1), got ${confidence}`);
  const minPoints = opts.minPoints ?? 5;
  const counted = points.filter((p) => p.errors > 0 && p.errors / p.bits < 0.5);
  if (counted.length < minPoints) {
    throw new FitError(FIT, 'too-few-points', `${counted.length} points with 0 < BER < 0.5; the model fit needs at least ${minPoints}`);
  }
  // Start from the Poisson-weighted straight line through 20·log10 Q (waterfall.ts).
  const line = fitWaterfall(counted.map((p) => ({ power_dBm: p.power_dBm, ber: p.errors / p.bits, errors: p.errors })),
    { targetBer, method: 'q', minPoints, weighting: 'poisson' });
  const powers = counted.map((p) => p.power_dBm);
  const min = Math.min(...powers), max = Math.max(...powers);
  const centre = (min + max) / 2;
  // Zero-error points are evidence too (their bits at a low predicted BER): they stay in the likelihood.
  const used = points.filter((p) => p.errors / p.bits < 0.5);
  const { a, m, info, chiSquare, sigmaX_dB, poissonChiSquare } = maximise(used, centre, line.intercept + line.slope * centre, line.slope);
  if (!(m > 0)) throw new FitError(FIT, 'no-slope', `the BER does not fall as the power rises (slope ${m.toPrecision(3)} dB/dB)`);
  const [iaa, iam, imm] = info;
  const det = iaa * imm - iam * iam;
  const vA = imm / det, vM = iaa / det, cAM = -iam / det;
  const yT = 20 * Math.log10(qFromBer(targetBer));
  const d = (yT - a) / m;
  const sensitivity_dBm = centre + d;
  // P* = c + (yT − a)/m: ∂P*/∂a = −1/m, ∂P*/∂m = −d/m.
  const sigmaP = Math.sqrt(Math.max(0, (vA + d * d * vM + 2 * d * cAM) / (m * m)));
  const dof = used.length - 2;
  // The normal quantile, not Student's t: σx only reweights the high-count points, it does not scale σ as an
  // estimated variance would; over 200 simulated links (sim/ receivers and gates) (P̂ − P)/σ has SD 0.99.
  const z = Math.SQRT2 * erfcinv(1 - confidence);
  let ssRes = 0, ssTot = 0;
  const ys = counted.map((p) => 20 * Math.log10(qFromBer(p.errors / p.bits)));
  const yMean = ys.reduce((s, y) => s + y, 0) / ys.length;
  counted.forEach((p, i) => {
    const y = ys[i] ?? 0;
    ssRes += (y - (a + m * (p.power_dBm - centre))) ** 2;
    ssTot += (y - yMean) ** 2;
  });
  // Quality against Poisson plus a power-reading uncertainty no larger than a meter's linearity (0.03 dB).
  const check = sigmaX_dB > MAX_SIGMA_X_DB ? solve(used, centre, a, m, MAX_SIGMA_X_DB).chiSquare : chiSquare;
  const pValue = dof > 0 ? regularizedGammaQ(dof / 2, check / 2) : 1;
  const rSquared = ssTot > 0 ? 1 - ssRes / ssTot : 0;
  const minP = opts.minPValue ?? 0.01, minR2 = opts.minRSquared ?? 0.75;
  const fails: string[] = [];
  if (pValue < minP) {
    fails.push(`the counts scatter more than Poisson and a ${MAX_SIGMA_X_DB} dB power reading allow about the model ` +
      `(χ² ${check.toFixed(1)} on ${dof} degrees of freedom, p = ${pValue.toExponential(1)} < ${minP})`);
  }
  if (rSquared < minR2) fails.push(`R² of 20·log10 Q against power is ${rSquared.toFixed(3)} < ${minR2}`);
  return {
    targetBer, confidence, slope: m, intercept_dB: a - m * centre, sensitivity_dBm,
    sigma: { sensitivity_dB: sigmaP, slope: Math.sqrt(vM), intercept_dB: Math.sqrt(Math.max(0, vA + centre * centre * vM - 2 * centre * cAM)) },
    interval_dBm: { low: sensitivity_dBm - z * sigmaP, high: sensitivity_dBm + z * sigmaP },
    chiSquare: poissonChiSquare, dof, pValue, rSquared, sigmaX_dB, points: counted.length, powerRange_dBm: { min, max },
    usable: fails.length === 0,
    why: fails.length === 0 ? `χ² p = ${pValue.toPrecision(2)}, R² = ${rSquared.toFixed(4)}` : fails.join('; '),
  };
}

/** The model's BER at a power, for drawing it. */
export function berModelAt(fit: Pick<BerModelFit, 'slope' | 'intercept_dB'>, power_dBm: number): number {
  return berFromQ(10 ** ((fit.intercept_dB + fit.slope * power_dBm) / 20));
}
