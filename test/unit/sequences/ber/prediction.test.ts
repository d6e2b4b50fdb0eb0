import { describe, expect, it } from 'vitest';
import { berAtPower, powerForBer } from '../../../../models/receiver.ts';
import type { ReceiverModel } from '../../../../models/receiver.ts';
import { planBoundTest } from '../../../../sequences/steps/ber/dwell.ts';
import { berTrend, planPoint } from '../../../../sequences/steps/ber/prediction.ts';
import type { MeasuredPoint } from '../../../../sequences/steps/ber/prediction.ts';
import { RATE_BPS, goalsFor, poissonDraw, simulatePoint } from './simulate-point.ts';

const rx: ReceiverModel = { kind: 'thermal', sensitivity_dBm: -12, atBer: 1e-12 };
const goals = goalsFor();

/** Points measured with the real dwell decisions on Poisson counts from a known receiver. */
function measure(powers: number[], seed: number): MeasuredPoint[] {
  const draw = poissonDraw(seed);
  return powers.map((power_dBm) => {
    const p = simulatePoint(goals, planBoundTest(goals), berAtPower(power_dBm, rx), draw);
    return { power_dBm, bits: p.bits, errors: p.errors, status: p.status };
  });
}

describe('berTrend', () => {
  it('predicts the next point of a waterfall from the points before it', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const measured = measure([-15, -14.7, -14.4, -14.1, -13.8], seed);
      const trend = berTrend(measured, 1e-12, -13.5);
      expect(trend).not.toBeNull();
      const truth = berAtPower(-13.5, rx);
      const predicted = trend?.predict(-13.5) ?? NaN;
      // one step beyond the data: within a factor 3 (the ordinate is known to ~1 %, the BER far less)
      expect(Math.abs(Math.log10(predicted / truth)), `seed ${seed}`).toBeLessThan(Math.log10(3));
    }
  });

  it('is null with fewer than three counted points, and ignores sync-lost, skipped and error-free points', () => {
    const measured = measure([-15, -14.7], 3);
    expect(berTrend(measured, 1e-12)).toBeNull();
    const withJunk: MeasuredPoint[] = [
      ...measured,
      { power_dBm: -14.4, bits: 1e9, errors: 500, status: 'sync-lost' },
      { power_dBm: -14.2, bits: 0, errors: 0, status: 'skipped' },
      { power_dBm: -10, bits: 3e12, errors: 0, status: 'bounded' },
    ];
    expect(berTrend(withJunk, 1e-12)).toBeNull();
  });

  it('is null when the counts do not fall with power', () => {
    const flat: MeasuredPoint[] = [-15, -14.5, -14].map((power_dBm) => ({ power_dBm, bits: 1e9, errors: 1000, status: 'measured' }));
    expect(berTrend(flat, 1e-12)).toBeNull();
  });
});

describe('planPoint', () => {
  const measured = measure([-15, -14.7, -14.4, -14.1, -13.8, -13.5, -13.2], 11);
  const trend = berTrend(measured, 1e-12, -12.9);
  const base = { trend, skipAboveBounded: true, bitsPerSecond: RATE_BPS };

  it('measures a point whose errors come quickly', () => {
    const plan = planPoint(goals, { ...base, power_dBm: -12.9 });
    expect(plan.action).toBe('measure');
  });

  it('skips a point in the dead zone around the target, saying what was predicted and why', () => {
    // at the sensitivity itself: 24 errors take ~930 s, and BER ≤ 1e-12 cannot be shown
    const at = powerForBer(1e-12, rx);
    const plan = planPoint(goals, { ...base, trend: berTrend(measured, 1e-12, at), power_dBm: at });
    expect(plan.action).toBe('skip');
    if (plan.action === 'skip') {
      expect(plan.reason).toMatch(/predicted BER [0-9.]+e-1[123] at -12\.00 dBm \(trend of 5 points\)/);
      expect(plan.reason).toMatch(/24 errors would take ~[0-9.]+ s/);
      expect(plan.reason).toMatch(/maximum dwell is 200 s/);
    }
  });

  it('measures a point far enough below the target to show it, with the allowance that suits it', () => {
    const p = powerForBer(1e-14, rx);
    const plan = planPoint(goals, { ...base, trend: berTrend(measured, 1e-12, p), power_dBm: p });
    expect(plan.action).toBe('measure');
    if (plan.action === 'measure') expect(plan.test?.errorsAllowed).toBe(0);
  });

  // Points counted to 10⁴ errors each: a trend that predicts the receiver almost exactly.
  const exact: MeasuredPoint[] = [-15, -14.5, -14, -13.5, -13].map((power_dBm) => ({ power_dBm, bits: Math.round(1e4 / berAtPower(power_dBm, rx)), errors: 1e4, status: 'measured' }));

  it('allows errors in the bound test only at the last point; before it, a point only a few times below target is skipped', () => {
    // 1.5e-13: zero errors in 3e12 bits only 64 % likely; one allowed error in 4.7e12 bits 84 % likely
    const p = powerForBer(1.5e-13, rx);
    const t = berTrend(exact, 1e-12, p);
    expect((t?.predict(p) ?? 0) / 1.5e-13).toBeCloseTo(1, 1);
    const before = planPoint(goals, { ...base, trend: t, power_dBm: p });
    expect(before).toMatchObject({ action: 'skip', reason: expect.stringMatching(/would succeed with probability 0\.6\d.*at least 80 % likely/) });
    const last = planPoint(goals, { ...base, trend: t, power_dBm: p, lastChance: true });
    expect(last.action).toBe('measure');
    if (last.action === 'measure') expect(last.test?.errorsAllowed).toBe(1);
    // with a lower bar the zero-error test is tried here too
    expect(planPoint(goals, { ...base, trend: t, power_dBm: p, minReachProbability: 0.5 })).toMatchObject({ action: 'measure', test: { errorsAllowed: 0 } });
  });

  it('skips a point whose errors would take most of the maximum dwell', () => {
    // 5e-12: 24 errors expected in 186 s of the 200 s allowed — reached only ~60 % of the time
    const p = powerForBer(5e-12, rx);
    expect(planPoint(goals, { ...base, trend: berTrend(exact, 1e-12, p), power_dBm: p }).action).toBe('skip');
    const q = powerForBer(2e-11, rx); // 47 s: sure
    expect(planPoint(goals, { ...base, trend: berTrend(exact, 1e-12, q), power_dBm: q }).action).toBe('measure');
  });

  it('skips points above a power where BER ≤ target was already shown, unless told to measure them', () => {
    const plan = planPoint(goals, { ...base, power_dBm: -10.5, boundedAt_dBm: -11 });
    expect(plan).toMatchObject({ action: 'skip', reason: expect.stringMatching(/-10\.50 dBm is above -11\.00 dBm, where BER ≤ 1e-12 was already shown/) });
    expect(planPoint(goals, { ...base, power_dBm: -10.5, boundedAt_dBm: -11, skipAboveBounded: false }).action).toBe('measure');
  });

  it('without a trend measures with the zero-error bound test', () => {
    expect(planPoint(goals, { ...base, trend: null, power_dBm: -13 })).toEqual({ action: 'measure', test: planBoundTest(goals) });
  });
});
