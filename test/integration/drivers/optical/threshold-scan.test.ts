// A decision-threshold scan on the simulated MP1900A (`:INP:DATA:THR DATA,<V>`): the BER against the threshold
// makes a bathtub, and the Q factor fitted from its two walls (models/fits/threshold-q.ts) is the Q of the
// BER the link has at the eye's centre.
import { afterEach, describe, expect, it } from 'vitest';
import { qFromBer } from '../../../../models/ber.ts';
import { qFromThresholdScan } from '../../../../models/fits/threshold-q.ts';
import type { ThresholdPoint } from '../../../../models/fits/threshold-q.ts';
import { InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { openOpticalSim } from '../../sequences/ber/optical-sim.ts';
import type { OpticalSim } from '../../sequences/ber/optical-sim.ts';
import { attenuationForBer, trueBerAt } from '../../sequences/ber/waterfall-truth.ts';

let s: OpticalSim | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

describe('decision-threshold scan (bathtub) on the simulated MP1900A', () => {
  it('the walls of the bathtub give the Q of the centred eye', async () => {
    s = await openOpticalSim({ seed: 8, laserPower_dBm: 13 });
    const { bench } = s;
    const att = await attenuationForBer(s, 3e-7);
    const centred = await trueBerAt(s, att);
    const bert = bench.bert;
    await bert.setLineRate_Gbps(25.78125);
    await bert.setOutput(true);
    await bert.setGate({ mode: 'time', period_s: 1 });
    const points: ThresholdPoint[] = [];
    for (let mV = -45; mV <= 45; mV += 5) {
      await bert.setDecisionThreshold_V?.(mV / 1000);
      await bert.startGate();
      await bert.waitGate(10);
      const r = await bert.results();
      points.push({ threshold_V: mV / 1000, bits: r.bits, errors: r.errors });
    }
    expect(await bert.decisionThreshold_V?.()).toBeCloseTo(0.045, 6);
    // A bathtub: high at both walls, lowest in the middle.
    const ber = points.map((p) => p.errors / p.bits);
    expect(Math.min(...ber)).toBe(Math.min(...ber.slice(6, 13)));
    expect(ber[0]).toBeGreaterThan(1e-3);
    expect(ber.at(-1)).toBeGreaterThan(1e-3);
    const fit = qFromThresholdScan(points);
    expect(fit.q / qFromBer(centred)).toBeGreaterThan(0.95);
    expect(fit.q / qFromBer(centred)).toBeLessThan(1.05);
    expect(Math.abs(fit.optimum_V)).toBeLessThan(0.003);
    await expect(bert.setDecisionThreshold_V?.(5)).rejects.toThrow(InvalidSettingError);
  });

  it('names a bad scan point, and refuses a scan that does not reach a wall', () => {
    expect(() => qFromThresholdScan([{ threshold_V: 0, bits: 1e9 } as ThresholdPoint])).toThrow(/point 0: errors .*got missing/);
    const flat = Array.from({ length: 9 }, (_, i) => ({ threshold_V: (i - 4) * 0.01, bits: 1e12, errors: 0 }));
    expect(() => qFromThresholdScan(flat)).toThrow(/needs 3/);
  });
});

describe('ber step: q_scan', () => {
  it('after the sweep, scans the threshold at one attenuation, records the bathtub and Q, and puts the threshold back', async () => {
    const { berStep } = await import('../../../../sequences/steps/ber/index.ts');
    const { recordedContext } = await import('../../sequences/ber/optical-sim.ts');
    s = await openOpticalSim({ seed: 8, laserPower_dBm: 13 });
    const a12 = await attenuationForBer(s, 1e-12), a7 = await attenuationForBer(s, 3e-7);
    const ctx = recordedContext(s.sim, s.bench);
    const out = await berStep.run(ctx, berStep.schema.parse({
      attenuation: { start: `${(a12 - 0.6).toFixed(3)}dB`, stop: `${(a12 + 3.3).toFixed(3)}dB`, step: '0.3dB' }, method: 'extrapolate',
      q_scan: { attenuation: `${a7.toFixed(3)}dB`, start_mV: -45, stop_mV: 45, step_mV: 5, gate: '1s' },
    }));
    expect(ctx.rows['qscan']).toHaveLength(19);
    const centred = await trueBerAt(s, a7);
    expect((out.measurements['qScan_Q']?.value ?? 0) / qFromBer(centred)).toBeGreaterThan(0.95);
    expect((out.measurements['qScan_Q']?.value ?? 0) / qFromBer(centred)).toBeLessThan(1.05);
    expect(ctx.fits['threshold-q']).toBeDefined();
    expect(await s.bench.bert.decisionThreshold_V?.()).toBe(0);
    expect(berStep.tables(berStep.schema.parse({ attenuation: ['1dB'], q_scan: { attenuation: '5dB', start_mV: -1, stop_mV: 1, step_mV: 1 } })).map((t) => t.name)).toEqual(['qscan', 'ber']);
    const issues = berStep.validate?.(berStep.schema.parse({ attenuation: ['1dB'], q_scan: { attenuation: '5dB', start_mV: -1, stop_mV: 1, step_mV: 1 } }), { roles: {} } as never) ?? [];
    expect(issues.some((i) => i.field === 'q_scan' && /3 thresholds; the Q fit needs at least 3 on each wall/.test(i.message))).toBe(true);
  });
});
