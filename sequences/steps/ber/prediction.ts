// Which attenuation points are worth measuring, predicted from the points already measured. Pure: the ber
// step passes in the measured points and the received power of the next one.
//
// The trend is a straight line of 20·log10 Q against received power (models' fitWaterfall, method 'q'):
// exactly straight for a thermal- or shot-limited receiver, so it extrapolates one step further better
// than log10(−log10 BER), and weighted by each point's Poisson error count. Only the nearest points (in
// power) are used, so a receiver that bends away from the model still predicts its next point well.
import { FitError } from '../../../models/fits/fit-error.ts';
import { berFromOrdinate, fitWaterfall } from '../../../models/fits/waterfall.ts';
import type { WaterfallFit } from '../../../models/fits/waterfall.ts';
import { boundTestPasses, checkGoals, planBoundTest, probabilityAtLeast } from './dwell.ts';
import type { BoundTest, DwellGoals, PointStatus } from './dwell.ts';

export interface MeasuredPoint {
  power_dBm: number;
  bits: number;
  errors: number;
  status: PointStatus;
}

export interface BerTrend {
  /** Points (with errors) the line was fitted to. */
  points: number;
  fit: WaterfallFit;
  /** Predicted BER at a received power. */
  predict(power_dBm: number): number;
}

/** Points nearest the next one that the trend uses. */
const TREND_POINTS = 5;
/** Fewest points with errors for a trend (a line plus one degree of freedom). */
const TREND_MIN_POINTS = 3;

/**
 * The BER trend of the points measured so far, or null with fewer than three usable points. Usable: a
 * counted BER (some errors, below 0.5) from a point whose counts are valid (not sync-lost, not skipped).
 * `near_dBm` picks the points nearest that power.
 */
export function berTrend(measured: readonly MeasuredPoint[], targetBer: number, near_dBm?: number): BerTrend | null {
  let usable = measured.filter((p) => (p.status === 'measured' || p.status === 'limited') && p.errors > 0 &&
    p.bits > 0 && p.errors / p.bits < 0.5 && Number.isFinite(p.power_dBm));
  if (near_dBm !== undefined) {
    usable = [...usable].sort((a, b) => Math.abs(a.power_dBm - near_dBm) - Math.abs(b.power_dBm - near_dBm)).slice(0, TREND_POINTS);
  }
  if (usable.length < TREND_MIN_POINTS) return null;
  let fit: WaterfallFit;
  try {
    fit = fitWaterfall(usable.map((p) => ({ power_dBm: p.power_dBm, ber: p.errors / p.bits, errors: p.errors })),
      { targetBer, method: 'q', minPoints: TREND_MIN_POINTS, weighting: 'poisson' });
  } catch (err) {
    if (err instanceof FitError) return null; // flat or rising counts: no trend to trust
    throw err;
  }
  return {
    points: usable.length,
    fit,
    predict: (power_dBm) => berFromOrdinate(fit.intercept + fit.slope * power_dBm, 'q'),
  };
}

/**
 * Measure a point only when the trend gives it at least this chance of a claim within the maximum dwell.
 * A point that fails costs up to the maximum dwell and claims nothing; at 0.8 the benchmark's sweeps spend
 * within a few per cent of the statistical floor of the claims they make (test/bench/ber.bench.ts).
 */
export const DEFAULT_MIN_REACH = 0.8;

export type PointPlan =
  | { action: 'measure'; test: BoundTest | null; predictedBer?: number }
  | { action: 'skip'; reason: string; predictedBer?: number };

export interface PlanPointInput {
  /** Received power measured at the point (VOA set), dBm. */
  power_dBm: number;
  trend: BerTrend | null;
  /** Lowest received power at which a point has already been 'bounded' (BER ≤ target shown). */
  boundedAt_dBm?: number;
  /** Skip points above a bounded power: their BER is lower still (the waterfall falls with power). */
  skipAboveBounded: boolean;
  /** Line rate, for messages in seconds. */
  bitsPerSecond: number;
  /** Skip when neither claim is reached within the maximum dwell with at least this probability (default 0.8). */
  minReachProbability?: number;
  /**
   * No point at a higher power follows in the sweep. Only then may the bound test allow errors: one bounded
   * point is all a sweep needs, and with a higher-power point to come, a zero-error test there (its BER
   * several times lower) is both cheaper and surer than a test allowing errors here (k = 1 costs 1.6×,
   * k = 2 2.1× the bits, and a failed test is time lost).
   */
  lastChance?: boolean;
}

/** Measure this point (with which bound test) or skip it, and why. */
export function planPoint(goals: DwellGoals, input: PlanPointInput): PointPlan {
  checkGoals(goals);
  const { power_dBm, trend, boundedAt_dBm } = input;
  if (input.skipAboveBounded && boundedAt_dBm !== undefined && power_dBm >= boundedAt_dBm) {
    return {
      action: 'skip',
      reason: `${fmtDbm(power_dBm)} is above ${fmtDbm(boundedAt_dBm)}, where BER ≤ ${goals.targetBer} was already shown at ` +
        `${pct(goals.confidence)}; the BER only falls as the power rises`,
    };
  }
  if (!trend || !Number.isFinite(power_dBm)) return { action: 'measure', test: planBoundTest(goals) };
  const predicted = trend.predict(power_dBm);
  if (!(predicted > 0 && predicted < 0.5)) return { action: 'measure', test: planBoundTest(goals) };
  const test = input.lastChance ? planBoundTest(goals, predicted) : planBoundTest(goals);
  const pBound = test ? boundTestPasses(test, predicted) : 0;
  const pMeasure = probabilityAtLeast(goals.minErrors, goals.maxBits, predicted);
  const needed = input.minReachProbability ?? DEFAULT_MIN_REACH;
  if (Math.max(pBound, pMeasure) >= needed) return { action: 'measure', test, predictedBer: predicted };
  const rate = input.bitsPerSecond;
  const countTime_s = goals.minErrors / predicted / rate;
  return {
    action: 'skip',
    predictedBer: predicted,
    reason: `predicted BER ${predicted.toExponential(1)} at ${fmtDbm(power_dBm)} (trend of ${trend.points} points): ` +
      `${goals.minErrors} errors would take ~${fmtTime(countTime_s)} and showing BER ≤ ${goals.targetBer} at ${pct(goals.confidence)} ` +
      `would succeed with probability ${pBound.toFixed(2)}; the maximum dwell is ${fmtTime(goals.maxBits / rate)} ` +
      `and a point is measured when a claim is at least ${Math.round(needed * 100)} % likely within it`,
  };
}

function fmtDbm(p: number): string {
  return `${p.toFixed(2)} dBm`;
}

function fmtTime(s: number): string {
  return s >= 3600 ? `${(s / 3600).toPrecision(3)} h` : s >= 1 ? `${s.toPrecision(3)} s` : `${(s * 1000).toPrecision(3)} ms`;
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(4))} %`;
}
