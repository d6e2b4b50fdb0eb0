// The adaptive dwell of one BER point, as pure decisions on (bits, errors) counts. No I/O: the ber step
// runs the gates, this file says when to stop and how many bits the next gate should count.
//
// A point ends as soon as it can make one of two claims, each at the requested confidence:
//   'measured' — enough errors that the BER is known to the requested relative precision (the Garwood
//                interval is scale-free in the error count, so the precision is a minimum error count);
//   'bounded'  — BER ≤ target at the confidence level, from few or no errors in enough bits.
// or when neither can be reached within the maximum dwell ('limited', reported with its honest interval).
//
// Why the bound claim is a *planned single test*: checking "upper bound ≤ target?" after every gate and
// stopping at the first success is a sequential test, and at a BER just above the target it claims falsely
// in ~8 % of points instead of 5 % (a second look after one early error adds ~2.6 %, and so on). So each
// point fixes, before counting, an error allowance k and the bits N_k = bitsToClaim(target, CL, k). The
// claim is made iff at most k errors are seen in N_k bits, which is exactly a one-look test at CL; the
// gates in between can only end the test early (more than k errors: it can no longer pass).
import { berInterval, berUpperBound, bitsToClaim, confidenceLevel, confidenceLevelAbove } from '../../../models/confidence.ts';

export class DwellInputError extends RangeError {
  override name = 'DwellInputError';
}

export interface DwellGoals {
  /** Confidence level of every claim, e.g. 0.95. */
  confidence: number;
  /** The BER the 'bounded' claim proves the point to be at or below, e.g. 1e-12. */
  targetBer: number;
  /** Errors that make a point 'measured' (errorsForPrecision). */
  minErrors: number;
  /** The maximum dwell in bits (max dwell × line rate). */
  maxBits: number;
  /** Smallest gate worth its command overhead, bits. */
  minGateBits: number;
  /** Largest factor by which one gate may grow the point's total bits (keeps a wrong guess cheap). */
  growth: number;
  /**
   * Early stop on failing points: once the errors show BER > target at the confidence, a point whose
   * measurement to precision would cost more bits than its bound test ends as 'failed'.
   */
  stopFailing?: boolean;
}

/** The planned one-look bound test: claim BER ≤ target iff at most `errorsAllowed` errors in `bits` bits. */
export interface BoundTest {
  errorsAllowed: number;
  bits: number;
}

export interface DwellCounts {
  bits: number;
  errors: number;
}

export type PointStatus = 'measured' | 'bounded' | 'limited' | 'failed' | 'sync-lost' | 'no-sync' | 'skipped';

export type DwellDecision =
  | { done: false; nextGateBits: number }
  | { done: true; status: 'measured' | 'bounded' | 'limited' | 'failed'; why: string };

/** The BER of a finished point with its interval, as the ber table records it. */
export interface PointClaim {
  ber: number;
  /** Lower and upper end of an interval holding the true BER at `confidence`. */
  lower: number;
  upper: number;
  confidence: number;
}

export function checkGoals(g: DwellGoals): void {
  const bad = (field: string, expected: string, value: unknown) => {
    throw new DwellInputError(`dwell goals: ${field} must be ${expected}, got ${String(value)}`);
  };
  if (!(g.confidence > 0 && g.confidence < 1)) bad('confidence', 'in (0, 1)', g.confidence);
  if (!(g.targetBer > 0 && g.targetBer < 0.5)) bad('targetBer', 'in (0, 0.5)', g.targetBer);
  if (!(Number.isInteger(g.minErrors) && g.minErrors >= 1)) bad('minErrors', 'an integer >= 1', g.minErrors);
  if (!(g.maxBits > 0 && Number.isFinite(g.maxBits))) bad('maxBits', 'a finite number > 0', g.maxBits);
  if (!(g.minGateBits >= 1 && Number.isFinite(g.minGateBits))) bad('minGateBits', 'a finite number >= 1', g.minGateBits);
  if (!(g.growth > 1 && Number.isFinite(g.growth))) bad('growth', 'a finite number > 1', g.growth);
  if (g.stopFailing !== undefined && typeof g.stopFailing !== 'boolean') bad('stopFailing', 'true or false', g.stopFailing);
}

function checkCounts(c: DwellCounts): void {
  if (!(Number.isFinite(c.bits) && c.bits >= 0)) throw new DwellInputError(`dwell counts: bits must be a finite number >= 0, got ${c.bits}`);
  if (!(Number.isInteger(c.errors) && c.errors >= 0 && c.errors <= c.bits)) {
    throw new DwellInputError(`dwell counts: errors must be an integer in [0, bits], got ${c.errors} with ${c.bits} bits`);
  }
}

/**
 * Fewest errors for which the Garwood interval at `confidence` lies within ±`precision` of the estimate
 * (e.g. 0.5 → the BER is known to within a factor 0.5…1.5). The interval scales as 1/bits, so this depends
 * on the error count alone: 23 errors for ±50 % at 95 %.
 */
export function errorsForPrecision(precision: number, confidence: number): number {
  if (!(precision > 0 && precision < 1)) throw new DwellInputError(`precision must be a relative half-width in (0, 1), got ${precision}`);
  if (!(confidence > 0 && confidence < 1)) throw new DwellInputError(`confidence must be in (0, 1), got ${confidence}`);
  const bits = 1e18; // any count ≫ errors: the relative interval does not depend on it
  for (let e = 1; e <= 1_000_000; e++) {
    const { low, high } = berInterval(bits, e, confidence);
    const est = e / bits;
    if (high / est - 1 <= precision && 1 - low / est <= precision) return e;
  }
  throw new DwellInputError(`precision ${precision} at confidence ${confidence} needs over a million errors per point`);
}

/** P(at most k errors in `bits` bits at BER `ber`). */
export function probabilityAtMost(k: number, bits: number, ber: number): number {
  if (bits <= 0 || ber <= 0) return 1;
  return 1 - confidenceLevel(bits, k, Math.min(ber, 1));
}

/** P(at least n errors in `bits` bits at BER `ber`). */
export function probabilityAtLeast(n: number, bits: number, ber: number): number {
  if (n <= 0) return 1;
  if (bits <= 0 || ber <= 0) return 0;
  // confidenceLevelAbove(N, n, b) = P(fewer than n errors)
  return 1 - confidenceLevelAbove(Math.max(bits, n), n, Math.min(ber, 1));
}

/** A bound test with an allowance of k errors, or null when its bits exceed the maximum dwell. */
export function boundTest(goals: DwellGoals, errorsAllowed: number): BoundTest | null {
  const bits = Math.ceil(bitsToClaim(goals.targetBer, goals.confidence, errorsAllowed));
  return bits <= goals.maxBits ? { errorsAllowed, bits } : null;
}

/** Probability that the bound test passes at a true (or predicted) BER. */
export function boundTestPasses(test: BoundTest, ber: number): number {
  return probabilityAtMost(test.errorsAllowed, test.bits, ber);
}

/** A bound test counts as likely enough to pass when it passes with at least this probability. */
const GOOD_ENOUGH_PASS = 0.8;

/**
 * The bound test for a point whose BER is predicted (from the trend of the points before it) or not.
 * Without a prediction: k = 0, the fewest bits (2.996/target at 95 %). With one: the smallest k that passes
 * with ≥ 80 % probability (a BER a few times below the target passes k = 0 too rarely), else the k most
 * likely to pass. Null when even k = 0 does not fit in the maximum dwell.
 */
export function planBoundTest(goals: DwellGoals, predictedBer?: number): BoundTest | null {
  checkGoals(goals);
  const first = boundTest(goals, 0);
  if (!first || predictedBer === undefined || !(predictedBer > 0)) return first;
  let best = first;
  let bestP = boundTestPasses(first, predictedBer);
  for (let k = 0; k <= 64; k++) {
    const test = boundTest(goals, k);
    if (!test) break;
    const p = boundTestPasses(test, predictedBer);
    if (p >= GOOD_ENOUGH_PASS) return test;
    if (p > bestP) {
      best = test;
      bestP = p;
    }
  }
  return best;
}

/** Whether the point's bound test can still pass (no more than k errors so far, its bits not yet reached). */
function boundAlive(test: BoundTest | null, c: DwellCounts): test is BoundTest {
  return test !== null && c.errors <= test.errorsAllowed;
}

/**
 * After a gate: stop (and why) or the bits of the next gate. The next gate ends at the nearest of: the bound
 * test's planned bits, the bits expected to bring the error count to minErrors (aimed a standard deviation
 * short, so the last gate rarely overshoots by much), and the maximum dwell — but grows the total by at most
 * `growth`, so a point whose BER is far from what the counts so far suggest costs a few short gates, not a
 * long wasted one.
 */
export function decideDwell(goals: DwellGoals, test: BoundTest | null, c: DwellCounts, predictedBer?: number): DwellDecision {
  checkGoals(goals);
  checkCounts(c);
  const { bits: n, errors: e } = c;
  if (e >= goals.minErrors) return { done: true, status: 'measured', why: `${e} errors ≥ ${goals.minErrors} for the requested precision` };
  if (boundAlive(test, c) && n >= test.bits) {
    return { done: true, status: 'bounded', why: `${e} error${e === 1 ? '' : 's'} in ${fmtBits(n)} bits: BER ≤ ${goals.targetBer} at ${pct(goals.confidence)}` };
  }
  if (n >= goals.maxBits) return { done: true, status: 'limited', why: `maximum dwell reached (${fmtBits(goals.maxBits)} bits) with ${e} errors` };

  const alive = boundAlive(test, c);
  const failing = failingStop(goals, test, c, alive, predictedBer);
  if (failing) return failing;
  if (!alive && n > 0) {
    // Neither claim reachable any more? Be generous: assume the BER is at the upper end of what we saw.
    const optimistic = e > 0 ? berUpperBound(n, e, goals.confidence) : predictedBer;
    if (optimistic !== undefined && e + optimistic * (goals.maxBits - n) < goals.minErrors) {
      return { done: true, status: 'limited', why: `${e} errors in ${fmtBits(n)} bits: even at BER ${optimistic.toExponential(2)} ` +
        `the ${goals.minErrors} errors for the requested precision would not come within the maximum dwell` };
    }
  }

  const targets: number[] = [goals.maxBits];
  if (alive) targets.push(test.bits);
  const rate = e > 0 ? e / n : predictedBer;
  if (rate !== undefined && rate > 0) {
    const deficit = goals.minErrors - e;
    const aim = Math.max(1, deficit - Math.sqrt(deficit));
    targets.push(n + aim / rate);
  }
  const grown = Math.max(n * goals.growth, n + goals.minGateBits);
  const end = Math.min(grown, ...targets);
  const nextGateBits = Math.max(Math.ceil(end - n), Math.min(goals.minGateBits, Math.ceil(goals.maxBits - n)), 1);
  return { done: false, nextGateBits };
}

/**
 * Early stop: the errors already show BER > target at the confidence (one error in 5.1e10 bits does, for
 * 1e-12 at 95 %), the bound test can no longer pass, and counting on to the precision's error count would
 * take more bits than the bound test itself (at the predicted BER, else the BER counted so far): the point
 * was there to be claimed, and it has failed its claim.
 */
function failingStop(goals: DwellGoals, test: BoundTest | null, c: DwellCounts, alive: boolean, predictedBer?: number): DwellDecision | null {
  const { bits: n, errors: e } = c;
  if (!goals.stopFailing || e === 0 || alive) return null;
  if (confidenceLevelAbove(n, e, goals.targetBer) < goals.confidence) return null;
  const claimBits = test?.bits ?? boundTest(goals, 0)?.bits ?? goals.maxBits;
  const rate = predictedBer !== undefined && predictedBer > 0 ? predictedBer : e / n;
  if (n + (goals.minErrors - e) / rate <= claimBits) return null;
  return {
    done: true, status: 'failed',
    why: `${e} error${e === 1 ? '' : 's'} in ${fmtBits(n)} bits: BER > ${goals.targetBer} at ${pct(goals.confidence)}; ` +
      `counting to ${goals.minErrors} errors would take longer than the claim itself, so the point stops here`,
  };
}

/**
 * The BER and interval to record for a finished point. A passed bound test records the one-sided bound it
 * proved ([0, upper] at CL, upper ≤ target); every other point the two-sided Garwood interval at CL (with
 * 0 errors, [0, upper]). Over repeated points the true BER lies in [lower, upper] with about CL probability:
 * at least CL away from the target, and ≥ CL − 1 % at the target itself, where the one-sided claim spends
 * its whole 1 − CL (test/unit/sequences/ber/dwell.test.ts measures it on Poisson counts).
 */
export function pointClaim(status: PointStatus, c: DwellCounts, confidence: number): PointClaim | null {
  if (c.bits <= 0) return null;
  checkCounts(c);
  const ber = c.errors / c.bits;
  if (status === 'bounded') return { ber, lower: 0, upper: berUpperBound(c.bits, c.errors, confidence), confidence };
  const { low, high } = berInterval(c.bits, c.errors, confidence);
  return { ber, lower: low, upper: high, confidence };
}

function fmtBits(bits: number): string {
  return bits.toExponential(3);
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(4))} %`;
}
