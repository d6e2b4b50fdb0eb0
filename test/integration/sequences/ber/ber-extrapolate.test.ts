// method: extrapolate on the simulated bench, through the step and the MP1900A driver: counting stops near
// fit_from, the receiver model gives the sensitivity at 1e-12 with an interval that holds the hidden truth,
// in a small fraction of the bench time direct counting needs; a receiver that bends away from the model
// (here: a BER that jumps fivefold halfway down) is said so and counted down directly.
import { afterEach, describe, expect, it } from 'vitest';
import { berStep } from '../../../../sequences/steps/ber/index.ts';
import { openOpticalSim, recordedContext } from './optical-sim.ts';
import type { OpticalSim } from './optical-sim.ts';
import { attenuationForBer, trueSensitivity_dBm } from './waterfall-truth.ts';
import type { Bert as SimBert } from '../../../../sim/instruments/bert.ts';

let open: OpticalSim[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function sim(seed: number): Promise<OpticalSim> {
  const s = await openOpticalSim({ seed, laserPower_dBm: 13 });
  open.push(s);
  return s;
}

async function grid(s: OpticalSim): Promise<{ start: string; stop: string; step: string }> {
  const a = await attenuationForBer(s, 1e-12);
  return { start: `${(a - 0.6).toFixed(3)}dB`, stop: `${(a + 3.3).toFixed(3)}dB`, step: '0.3dB' };
}

describe('ber, method: extrapolate', () => {
  it('stops counting near fit_from and reports the model sensitivity with an interval holding the truth', async () => {
    for (const seed of [1, 2]) {
      const s = await sim(seed);
      const truth = await trueSensitivity_dBm(s, 1e-12);
      const ctx = recordedContext(s.sim, s.bench);
      const t0 = s.sim.benchTime_s();
      const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s), method: 'extrapolate', fit_from: 1e-9 }));
      const bench_s = s.sim.benchTime_s() - t0;
      const m = out.measurements;
      expect(m['modelUsed']?.value, `seed ${seed}`).toBe(1);
      const low = m['sensitivityLow_dBm']?.value ?? NaN, high = m['sensitivityHigh_dBm']?.value ?? NaN;
      expect(low, `seed ${seed}`).toBeLessThanOrEqual(truth);
      expect(high, `seed ${seed}`).toBeGreaterThanOrEqual(truth);
      expect(high - low).toBeLessThan(0.2);
      expect(Math.abs((m['sensitivity_dBm']?.value ?? NaN) - truth)).toBeLessThan(0.1);
      // Direct counting spends 116 s on the 1e-12 claim alone.
      expect(bench_s).toBeLessThan(11.6);
      const rows = ctx.rows['ber'] ?? [];
      expect(rows).toHaveLength(14);
      const counted = rows.filter((r) => r['status'] === 'measured');
      expect(counted.length).toBeGreaterThanOrEqual(5);
      for (const r of counted) expect(r['ber'] as number).toBeGreaterThan(1e-10);
      expect(rows.at(-1)).toMatchObject({ status: 'skipped', power_dBm: '', bits: 0 });
      expect(ctx.logs.some((l) => /model fit on \d+ points down to BER 1e-9 .* left to the model/.test(l))).toBe(true);
      expect(ctx.fits['receiver-q-model']?.extra?.['usable']).toBe(true);
      await s.close();
      open = [];
    }
  });

  it('a waterfall that breaks away from the model fails its quality: the step says so and counts down directly', async () => {
    const s = await sim(3);
    const attenuation = await grid(s);
    // A receiver the model cannot describe: its BER jumps fivefold below 1e-6 (a second noise source switching in).
    const bert = s.sim.instrument('bert') as unknown as SimBert;
    const view = bert.view.bind(bert);
    bert.view = (t) => {
      const v = view(t);
      return { ...v, ber: v.ber < 1e-6 ? v.ber * 5 : v.ber };
    };
    const ctx = recordedContext(s.sim, s.bench);
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation, method: 'extrapolate', fit_from: 1e-9, max_dwell: '200s' }));
    expect(ctx.warnings.some((w) => /model fit's quality is below its threshold .* counting the \d+ remaining points down directly/.test(w))).toBe(true);
    expect(out.measurements['modelUsed']?.value).toBe(0);
    const rows = ctx.rows['ber'] ?? [];
    expect(rows.some((r) => r['status'] !== 'skipped' && (r['ber'] as number) < 1e-9)).toBe(true);
  });

  it('refuses a fit_from at or below the target', () => {
    const p = berStep.schema.parse({ attenuation: [1, 2, 3, 4, 5].map((a) => `${a}dB`), method: 'extrapolate', fit_from: 1e-12, target: 1e-12 });
    const issues = berStep.validate?.(p, { roles: {} } as never) ?? [];
    expect(issues.some((i) => i.field === 'fit_from' && /must be a BER above the target 1e-12/.test(i.message))).toBe(true);
  });
});
