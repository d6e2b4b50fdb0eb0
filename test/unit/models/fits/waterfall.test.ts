import poisson from '@stdlib/random-base-poisson';
import uniform from '@stdlib/random-base-uniform';
import { linearRegression } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { KP4_BER } from '../../../../models/ber.ts';
import { berFromOrdinate, fitWaterfall, waterfallCurve, waterfallOrdinate } from '../../../../models/fits/waterfall.ts';
import type { WaterfallPoint } from '../../../../models/fits/waterfall.ts';
import { berAtPower, powerForBer } from '../../../../models/receiver.ts';
import type { ReceiverModel } from '../../../../models/receiver.ts';
import { fitRefusal } from './fit-reason.ts';

const SEEDS = 200;
const GATE_BITS = 25.78e9 * 2; // a 2 s gate at 25.78 Gb/s

/** Seven powers spanning BER ≈ 1e-3…1e-9 of this receiver, errors drawn per gate. */
function measuredWaterfall(rx: ReceiverModel, seed: number): WaterfallPoint[] {
  const lo = powerForBer(1e-3, rx), hi = powerForBer(1e-9, rx);
  const draw = poisson.factory({ seed });
  return Array.from({ length: 7 }, (_, i) => {
    const power_dBm = lo + (i * (hi - lo)) / 6;
    const errors = draw(berAtPower(power_dBm, rx) * GATE_BITS);
    return { power_dBm, ber: errors / GATE_BITS, errors };
  });
}

function randomReceiver(seed: number, kind: ReceiverModel['kind'] = 'thermal'): ReceiverModel {
  const u = uniform.factory(0, 1, { seed: 9000 + seed });
  return { kind, sensitivity_dBm: -14 + 4 * u(), atBer: 1e-12 };
}

describe('fitWaterfall on exact receiver curves', () => {
  it("'q' is exact for both receiver kinds; its slope (Q in dB per dB) names the noise", () => {
    for (const [kind, slope] of [['thermal', 2], ['shot', 1]] as const) {
      const rx: ReceiverModel = { kind, sensitivity_dBm: -12, atBer: 1e-12 };
      const points = [-20, -19, -18, -17, -16, -15, -14, -13].map((p) => ({ power_dBm: p, ber: berAtPower(p, rx) }));
      const fit = fitWaterfall(points, { targetBer: 1e-12, method: 'q' });
      expect(fit.sensitivity_dBm).toBeCloseTo(-12, 8);
      expect(fit.slope).toBeCloseTo(slope, 8);
      expect(fit.rSquared).toBeCloseTo(1, 12);
      expect(fit.extrapolated).toBe(true);
      const kp4 = fitWaterfall(points, { targetBer: KP4_BER, method: 'q' });
      expect(kp4.sensitivity_dBm).toBeCloseTo(powerForBer(KP4_BER, rx), 8);
      expect(kp4.extrapolated).toBe(false);
    }
  });

  it("'loglog' is nearly straight: from 1e-3…1e-9 data it lands 1e-12 within 0.2 dB (pessimistic) and KP4 within 0.05 dB", () => {
    for (const kind of ['thermal', 'shot'] as const) {
      const rx: ReceiverModel = { kind, sensitivity_dBm: -12, atBer: 1e-12 };
      const lo = powerForBer(1e-3, rx), hi = powerForBer(1e-9, rx);
      const points = Array.from({ length: 7 }, (_, i) => lo + (i * (hi - lo)) / 6).map((p) => ({ power_dBm: p, ber: berAtPower(p, rx) }));
      const fit = fitWaterfall(points, { targetBer: 1e-12, method: 'loglog' });
      expect(fit.sensitivity_dBm - -12).toBeGreaterThan(0);
      expect(fit.sensitivity_dBm - -12).toBeLessThan(0.2);
      expect(fit.rSquared).toBeGreaterThan(0.999);
      expect(fit.weighting).toBe('equal');
      const kp4 = fitWaterfall(points, { targetBer: KP4_BER, method: 'loglog' });
      expect(Math.abs(kp4.sensitivity_dBm - powerForBer(KP4_BER, rx))).toBeLessThan(0.05);
    }
  });

  it('agrees with simple-statistics linear regression when weights are equal, and draws its curve', () => {
    const rx: ReceiverModel = { kind: 'thermal', sensitivity_dBm: -11, atBer: 1e-12 };
    const points = measuredWaterfall(rx, 3);
    const fit = fitWaterfall(points, { targetBer: 1e-12, method: 'loglog' });
    const ref = linearRegression(points.map((p) => [p.power_dBm, waterfallOrdinate(p.ber, 'loglog')]));
    expect(fit.slope).toBeCloseTo(ref.m, 10);
    expect(fit.intercept).toBeCloseTo(ref.b, 10);
    const curve = waterfallCurve(fit, [fit.sensitivity_dBm, fit.sensitivity_dBm - 1]);
    expect(curve[0]?.ber).toBeCloseTo(1e-12, 20);
    expect(curve[1]?.ber ?? 0).toBeGreaterThan(1e-12);
    for (const m of ['loglog', 'q'] as const) expect(berFromOrdinate(waterfallOrdinate(3e-7, m), m)).toBeCloseTo(3e-7, 18);
  });
});

describe('fitWaterfall recovers the sensitivity from Poisson-counted gates (200 seeds)', () => {
  it("'q' with Poisson weights: 1e-12 sensitivity within 0.2 dB (extrapolated), honest 2σ, χ²/dof ≈ 1", () => {
    let worst = 0, inside = 0, chi = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rx = randomReceiver(seed);
      const fit = fitWaterfall(measuredWaterfall(rx, seed), { targetBer: 1e-12, method: 'q' });
      const err = fit.sensitivity_dBm - rx.sensitivity_dBm;
      worst = Math.max(worst, Math.abs(err));
      if (Math.abs(err) < 2 * fit.sigma.sensitivity_dB) inside++;
      chi += fit.reducedChiSquare ?? NaN;
      expect(fit.weighting).toBe('poisson');
      expect(fit.extrapolated).toBe(true);
    }
    expect(worst).toBeLessThan(0.2);
    expect(inside / SEEDS).toBeGreaterThan(0.9);
    expect(inside / SEEDS).toBeLessThan(0.99);
    expect(chi / SEEDS).toBeGreaterThan(0.8);
    expect(chi / SEEDS).toBeLessThan(1.2);
  });

  it("'q' for a shot-limited receiver and at the KP4 threshold (interpolated)", () => {
    let worst = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rx = randomReceiver(seed, seed % 2 ? 'shot' : 'thermal');
      const fit = fitWaterfall(measuredWaterfall(rx, seed), { targetBer: KP4_BER, method: 'q' });
      worst = Math.max(worst, Math.abs(fit.sensitivity_dBm - powerForBer(KP4_BER, rx)));
      expect(fit.extrapolated).toBe(false);
    }
    expect(worst).toBeLessThan(0.05);
  });

  it("'loglog': 1e-12 within 0.2 dB of the truth on every seed", () => {
    let worst = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rx = randomReceiver(seed);
      const fit = fitWaterfall(measuredWaterfall(rx, seed), { targetBer: 1e-12, method: 'loglog' });
      worst = Math.max(worst, Math.abs(fit.sensitivity_dBm - rx.sensitivity_dBm));
    }
    expect(worst).toBeLessThan(0.2);
  });
});

describe('fitWaterfall with zero-error points and bad data', () => {
  const rx: ReceiverModel = { kind: 'thermal', sensitivity_dBm: -12, atBer: 1e-12 };
  const reason = fitRefusal;

  it('leaves out zero-error and no-signal points and lists them', () => {
    const points = [
      { power_dBm: -30, ber: 0.5, errors: 1e9 },
      ...measuredWaterfall(rx, 1),
      { power_dBm: -10, ber: 0, errors: 0 },
      { power_dBm: -9, ber: 0, errors: 0 },
    ];
    const fit = fitWaterfall(points, { targetBer: 1e-12, method: 'q' });
    expect(fit.used).toHaveLength(7);
    expect(fit.excluded.map((e) => e.reason)).toEqual(['no-signal', 'zero-errors', 'zero-errors']);
    expect(fit.powerRange_dBm.max).toBeLessThan(-10);
  });

  it('says so when every point is error-free, or too few saw errors', () => {
    const zeros = [-10, -9, -8, -7, -6].map((p) => ({ power_dBm: p, ber: 0, errors: 0 }));
    expect(reason(() => fitWaterfall(zeros, { targetBer: 1e-12, method: 'loglog' }))).toMatch(
      /^all-zero-errors: fitWaterfall: none of the 5 points saw an error; a waterfall needs at least 5 points with errors/,
    );
    const four = [...measuredWaterfall(rx, 2).slice(0, 4), ...zeros];
    expect(reason(() => fitWaterfall(four, { targetBer: 1e-12, method: 'q' }))).toMatch(
      /^too-few-points: fitWaterfall: 4 of 9 points have 0 < BER < 0.5; the fit needs at least 5 points with errors/,
    );
    expect(fitWaterfall(four, { targetBer: 1e-12, method: 'q', minPoints: 4 }).used).toHaveLength(4);
    const samePower = [1e-3, 2e-3, 3e-3, 4e-3, 5e-3].map((ber) => ({ power_dBm: -15, ber }));
    expect(reason(() => fitWaterfall(samePower, { targetBer: 1e-12, method: 'q' }))).toMatch(/^too-few-points: .*same power/);
  });

  it('refuses a BER that rises with power', () => {
    const rising = measuredWaterfall(rx, 4).map((p) => ({ ...p, power_dBm: -p.power_dBm }));
    expect(reason(() => fitWaterfall(rising, { targetBer: 1e-12, method: 'loglog' }))).toMatch(/^no-slope: fitWaterfall: the BER does not fall/);
  });

  it('rejects NaN, out-of-range and inconsistent inputs, naming them', () => {
    const good = measuredWaterfall(rx, 5);
    const bad = (i: number, patch: Partial<WaterfallPoint>) => good.map((p, k) => (k === i ? { ...p, ...patch } : p));
    expect(reason(() => fitWaterfall(bad(1, { power_dBm: Number.NaN }), { targetBer: 1e-12, method: 'q' }))).toMatch(/^invalid-input: fitWaterfall: point 1: power_dBm/);
    expect(reason(() => fitWaterfall(bad(2, { ber: -1e-6 }), { targetBer: 1e-12, method: 'q' }))).toMatch(/point 2: ber must be in \[0, 1\]/);
    expect(reason(() => fitWaterfall(bad(2, { ber: 2 }), { targetBer: 1e-12, method: 'q' }))).toMatch(/point 2: ber/);
    expect(reason(() => fitWaterfall(bad(3, { errors: -2 }), { targetBer: 1e-12, method: 'q' }))).toMatch(/point 3: errors/);
    expect(reason(() => fitWaterfall(bad(3, { errors: 0 }), { targetBer: 1e-12, method: 'q' }))).toMatch(/with 0 errors/);
    expect(reason(() => fitWaterfall(good, { targetBer: 0, method: 'q' }))).toMatch(/targetBer must be in \(0, 0.5\)/);
    expect(reason(() => fitWaterfall(good, { targetBer: 1e-12, method: 'linear' as 'q' }))).toMatch(/method must be 'loglog' or 'q'/);
    expect(reason(() => fitWaterfall(good, { targetBer: 1e-12, method: 'q', minPoints: 2 }))).toMatch(/minPoints/);
    const uncounted = good.map(({ power_dBm, ber }) => ({ power_dBm, ber }));
    expect(fitWaterfall(uncounted, { targetBer: 1e-12, method: 'q' }).weighting).toBe('equal');
    expect(reason(() => fitWaterfall(uncounted, { targetBer: 1e-12, method: 'q', weighting: 'poisson' }))).toMatch(/weighting 'poisson' needs the error count/);
  });
});
