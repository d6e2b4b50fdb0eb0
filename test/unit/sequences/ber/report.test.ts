import { describe, expect, it } from 'vitest';
import { berAtPower, powerForBer } from '../../../../models/receiver.ts';
import type { ReceiverModel } from '../../../../models/receiver.ts';
import { berRow } from '../../../../sequences/steps/ber/ber-row.ts';
import { planBoundTest } from '../../../../sequences/steps/ber/dwell.ts';
import { waterfallReport } from '../../../../sequences/steps/ber/waterfall-report.ts';
import type { SweptPoint } from '../../../../sequences/steps/ber/waterfall-report.ts';
import { RATE_BPS, goalsFor, poissonDraw, simulatePoint } from './simulate-point.ts';

const rx: ReceiverModel = { kind: 'thermal', sensitivity_dBm: -12, atBer: 1e-12 };

function sweep(seed: number): SweptPoint[] {
  const goals = goalsFor();
  const draw = poissonDraw(seed);
  return [-15, -14.7, -14.4, -14.1, -13.8, -13.5, -13.2, -12.9, -12.6].map((power_dBm, i) => {
    const p = simulatePoint(goals, planBoundTest(goals), berAtPower(power_dBm, rx), draw);
    return { attenuation_dB: 10 - i * 0.3, power_dBm, bits: p.bits, errors: p.errors, status: p.status, dwell_s: p.bits / RATE_BPS };
  });
}

describe('waterfallReport', () => {
  it('reports the sensitivity of both fits close to the receiver they were counted from', () => {
    const r = waterfallReport(sweep(1), { targetBer: 1e-12, method: 'loglog', receiver: rx });
    const m = r.measurements;
    expect(m['sensitivity_dBm']?.value).toBeGreaterThan(-12.1);
    expect(m['sensitivity_dBm']?.value).toBeLessThan(-11.7); // loglog is a little pessimistic
    expect(m['sensitivityQ_dBm']?.value).toBeCloseTo(-12, 1); // exact for a thermal receiver
    expect(m['slopeQ_dB_per_dB']?.value).toBeCloseTo(2, 0);
    expect(m['rSquared']?.value).toBeGreaterThan(0.99);
    expect(m['sensitivityExtrapolated']?.value).toBe(1);
    expect(m['predictedSensitivity_dBm']?.value).toBe(powerForBer(1e-12, rx));
    expect(m['margin_dB']?.value).toBeCloseTo(-12 - (m['sensitivity_dBm']?.value ?? 0), 10);
    expect(Object.keys(r.fits).sort()).toEqual(['receiver-model', 'receiver-q-model', 'waterfall-loglog', 'waterfall-q']);
    expect(r.fits['waterfall-loglog']?.extra).toMatchObject({ method: 'loglog', extrapolated: true });
    expect(r.warnings).toEqual([expect.stringMatching(/sensitivity at BER 1e-12 \(-1[12]\.\d\d dBm\) is extrapolated beyond the measured -15.00…-1[23]\.\d\d dBm/)]);
    expect(m['points']?.value).toBe(9);
  });

  it('leaves sync-lost, no-sync and skipped points out of the fit and counts them', () => {
    const points = sweep(2);
    points.push({ attenuation_dB: 12, power_dBm: -17, bits: 1e9, errors: 4e8, status: 'sync-lost', dwell_s: 0.04 });
    points.push({ attenuation_dB: 13, power_dBm: -18, bits: 0, errors: 0, status: 'no-sync', dwell_s: 0 });
    points.push({ attenuation_dB: 6, power_dBm: -11, bits: 0, errors: 0, status: 'skipped', dwell_s: 0 });
    const clean = waterfallReport(sweep(2), { targetBer: 1e-12, method: 'q' });
    const r = waterfallReport(points, { targetBer: 1e-12, method: 'q' });
    expect(r.measurements['sensitivity_dBm']?.value).toBe(clean.measurements['sensitivity_dBm']?.value);
    expect(r.measurements).toMatchObject({ syncLostPoints: { value: 2 }, skippedPoints: { value: 1 }, points: { value: 12 } });
  });

  it('without five points with errors warns and reports no sensitivity', () => {
    const few = sweep(3).slice(0, 4);
    const r = waterfallReport(few, { targetBer: 1e-12, method: 'loglog' });
    expect(r.measurements['sensitivity_dBm']).toBeUndefined();
    expect(r.warnings[0]).toMatch(/^no waterfall fit: fitWaterfall: 4 of 4 points have 0 < BER < 0.5; the fit needs at least 5/);
  });

  it('reports the lowest power at which BER ≤ target was shown', () => {
    const points = sweep(4);
    points.push({ attenuation_dB: 5, power_dBm: -11.5, bits: 3e12, errors: 0, status: 'bounded', dwell_s: 116 });
    points.push({ attenuation_dB: 4, power_dBm: -11.2, bits: 3e12, errors: 0, status: 'bounded', dwell_s: 116 });
    expect(waterfallReport(points, { targetBer: 1e-12, method: 'loglog' }).measurements['boundedPower_dBm']?.value).toBe(-11.5);
  });
});

describe('berRow', () => {
  it('writes the claim of a counted point and leaves the BER of an uncounted one empty', () => {
    const bounded = berRow({ attenuation_dB: 5, power_dBm: -11.5, bits: 2995732274000, errors: 0, status: 'bounded', dwell_s: 116.2 }, 0.95);
    expect(bounded).toMatchObject({ ber: 0, ber_lower: 0, confidence: 0.95, status: 'bounded' });
    expect(bounded['ber_upper']).toBeLessThanOrEqual(1e-12);
    const lost = berRow({ attenuation_dB: 12, power_dBm: -17, bits: 1e9, errors: 4e8, status: 'sync-lost', dwell_s: 0.04 }, 0.95);
    expect(lost).toEqual({ attenuation_dB: 12, power_dBm: -17, bits: 1e9, errors: 4e8, ber: '', ber_upper: '', ber_lower: '', confidence: '', dwell_s: 0.04, status: 'sync-lost' });
    expect(berRow({ attenuation_dB: 1, power_dBm: -Infinity, bits: 0, errors: 0, status: 'no-sync', dwell_s: 0 }, 0.95)['power_dBm']).toBe('');
  });
});
