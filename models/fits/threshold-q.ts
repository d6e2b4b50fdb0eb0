// Q factor from a decision-threshold scan (the "Q-factor by threshold scan" of BERT software such as
// J-BERT's): with Gaussian noise on each rail, BER(v) = ¼·erfc((μ1 − v)/(σ1√2)) + ¼·erfc((v − μ0)/(σ0√2)).
// Away from the optimum one rail dominates, and x = √2·erfcinv(4·BER) is a straight line in v: (μ1 − v)/σ1
// above the optimum, (v − μ0)/σ0 below it. Each side is fitted on its points with enough errors and
// BER < 1e-3 (where the other rail adds < 1 %), then Q = (μ1 − μ0)/(σ1 + σ0) at the optimum threshold.
import { berFromQ } from '../ber.ts';
import { erfcinv } from '../numerics/special.ts';
import { FitError } from './fit-error.ts';
import { linearLeastSquares } from './least-squares.ts';

const FIT = 'qFromThresholdScan';

export interface ThresholdPoint {
  threshold_V: number;
  bits: number;
  errors: number;
}

export interface ThresholdQ {
  q: number;
  /** The threshold with the lowest BER under the fitted rails, V. */
  optimum_V: number;
  /** BER at the optimum threshold from the fitted rails. */
  berAtOptimum: number;
  rails: { high: { mean_V: number; sigma_V: number; points: number }; low: { mean_V: number; sigma_V: number; points: number } };
}

/** Fewest errors for a point to enter a rail's fit, and the most each rail needs. */
const MIN_ERRORS = 5;
const MAX_RAIL_BER = 1e-3;

function rail(points: readonly ThresholdPoint[], sign: 1 | -1, which: string): { mean_V: number; sigma_V: number; points: number } {
  const use = points.filter((p) => p.errors >= MIN_ERRORS && p.errors / p.bits < MAX_RAIL_BER);
  if (use.length < 3) throw new FitError(FIT, 'too-few-points', `${use.length} points on the ${which} side with ≥ ${MIN_ERRORS} errors and BER < ${MAX_RAIL_BER}; a rail needs 3`);
  // x = sign·(μ − v)/σ  ⇒  x = a + b·v with b = −sign/σ, a = sign·μ/σ.
  const x = use.map((p) => Math.SQRT2 * erfcinv(4 * (p.errors / p.bits)));
  const lsq = linearLeastSquares(use.map((p) => [1, p.threshold_V]), x);
  if (!lsq) throw new FitError(FIT, 'too-few-points', `the ${which} side's thresholds do not determine a line`);
  const [a = 0, b = 0] = lsq.parameters;
  if (!(-sign * b > 0)) throw new FitError(FIT, 'no-slope', `the BER on the ${which} side does not fall towards the eye's centre`);
  const sigma_V = -sign / b;
  return { mean_V: (a * sigma_V) / sign, sigma_V, points: use.length };
}

export function qFromThresholdScan(points: readonly ThresholdPoint[]): ThresholdQ {
  if (!Array.isArray(points) || points.length === 0) throw new FitError(FIT, 'invalid-input', 'expected a non-empty array of { threshold_V, bits, errors } points');
  points.forEach((p, i) => {
    if (!(typeof p?.threshold_V === 'number' && Number.isFinite(p.threshold_V))) throw new FitError(FIT, 'invalid-input', `point ${i}: threshold_V must be a finite number, got ${p?.threshold_V === undefined ? 'missing' : String(p.threshold_V)}`);
    if (!(typeof p.bits === 'number' && p.bits > 0)) throw new FitError(FIT, 'invalid-input', `point ${i}: bits must be > 0, got ${p.bits === undefined ? 'missing' : String(p.bits)}`);
    if (!(Number.isInteger(p.errors) && p.errors >= 0)) throw new FitError(FIT, 'invalid-input', `point ${i}: errors must be an integer ≥ 0, got ${p.errors === undefined ? 'missing' : String(p.errors)}`);
  });
  // The scan's lowest-BER threshold splits the two sides.
  const sorted = [...points].sort((a, b) => a.threshold_V - b.threshold_V);
  const ber = (p: ThresholdPoint) => (p.errors + 0.5) / p.bits;
  const mid = sorted.reduce((best, p) => (ber(p) < ber(best) ? p : best), sorted[0] as ThresholdPoint).threshold_V;
  const high = rail(sorted.filter((p) => p.threshold_V > mid), 1, 'upper');
  const low = rail(sorted.filter((p) => p.threshold_V < mid), -1, 'lower');
  const q = (high.mean_V - low.mean_V) / (high.sigma_V + low.sigma_V);
  if (!(q > 0)) throw new FitError(FIT, 'no-peak', 'the fitted rails overlap: no open eye');
  const optimum_V = (high.mean_V * low.sigma_V + low.mean_V * high.sigma_V) / (high.sigma_V + low.sigma_V);
  return { q, optimum_V, berAtOptimum: berFromQ(q), rails: { high, low } };
}
