// mode: pre-fec on the simulated PAM4 BERT, through the step and the scpi-bert driver: the sensitivity at
// the KP4 threshold against the simulator's hidden truth, every point's FEC analysis, the post-FEC verdict,
// and a fraction of a second per point.
import { afterEach, describe, expect, it } from 'vitest';
import { benchInfoFromBench } from '../../../../sequences/bench-info.ts';
import { berStep } from '../../../../sequences/steps/ber/index.ts';
import { openOpticalSim, recordedContext } from './optical-sim.ts';
import type { OpticalSim } from './optical-sim.ts';
import { attenuationForBer, trueSensitivity_dBm } from './waterfall-truth.ts';

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

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

describe('ber, mode: pre-fec on a PAM4 line', () => {
  it('finds the sensitivity at 2.4e-4, records each point\'s FEC analysis and passes the post-FEC check', async () => {
    for (const seed of [2, 3]) {
      const s = await sim(seed);
      const a = await attenuationForBer(s, 2.4e-4, 'bert-pam4');
      const truth = await trueSensitivity_dBm(s, 2.4e-4, 'bert-pam4');
      const ctx = recordedContext(s.sim, s.bench);
      const body = { bert: 'bert-pam4', mode: 'pre-fec', averaging: '20ms', attenuation: { start: `${(a - 3).toFixed(2)}dB`, stop: `${(a + 1.5).toFixed(2)}dB`, step: '0.25dB' } };
      const p = berStep.schema.parse(body);
      expect(berStep.validate?.(p, benchInfoFromBench(s.bench, true))).toEqual([]);
      const t0 = s.sim.benchTime_s();
      const out = await berStep.run(ctx, p);
      const bench_s = s.sim.benchTime_s() - t0;
      const m = out.measurements;
      const sens = m['preFecSensitivity_dBm']?.value ?? NaN;
      expect(Math.abs(sens - truth), `seed ${seed}: ${sens} vs ${truth}`).toBeLessThan(0.05);
      expect((m['preFecSensitivityHigh_dBm']?.value ?? NaN) - (m['preFecSensitivityLow_dBm']?.value ?? NaN)).toBeLessThan(0.3);
      expect(m['postFecPass']?.value).toBe(1);
      expect(m['postFecUncorrectable']?.value).toBe(0);
      expect(m['postFecCodewords']?.value).toBeGreaterThan(1.9e7);
      expect(m['postFecBerUpper']?.value).toBeLessThan(2e-7);
      const ber = ctx.rows['ber'] ?? [];
      const fec = ctx.rows['fec'] ?? [];
      const sweep = fec.filter((r) => r['kind'] === 'sweep');
      expect(sweep.length).toBe(ber.filter((r) => ['measured', 'bounded', 'limited', 'failed'].includes(String(r['status']))).length);
      expect(sweep.length).toBeGreaterThanOrEqual(8);
      for (const r of sweep) {
        const hist = Array.from({ length: 16 }, (_, k) => num(r[`cw_${k}`])).concat(num(r['cw_over_15']));
        expect(hist.reduce((x, y) => x + y, 0)).toBe(r['codewords']);
        expect(r['cw_over_15']).toBe(r['uncorrectable']);
        expect(num(r['codewords'])).toBeGreaterThan(1e5);
        // Far above the threshold the decoder fails often; well below it, never within these codewords.
        if (num(r['pre_fec_ber']) > 3e-3) expect(num(r['uncorrectable'])).toBeGreaterThan(0);
        if (num(r['pre_fec_ber']) < 1e-4) expect(r['uncorrectable']).toBe(0);
      }
      expect(fec.filter((r) => r['kind'] === 'post-fec')).toHaveLength(1);
      expect(ctx.fits['pre-fec']?.extra).toMatchObject({ threshold: 2.4e-4, postFecPass: true });
      expect(ctx.logs.some((l) => /post-FEC check at .* 0 uncorrectable of .* — pass; post-FEC BER ≤/.test(l))).toBe(true);
      // Per point well under a second of bench time (the 1-s check aside).
      expect((bench_s - 1) / ber.length).toBeLessThan(1);
      await s.close();
      open = [];
    }
  }, 120_000);

  it('a PAM4 sweep on the NRZ MP1900A is refused before anything moves', async () => {
    const s = await sim(2);
    const p = berStep.schema.parse({ bert: 'bert', mode: 'pre-fec', attenuation: { start: '0dB', stop: '5dB', step: '0.5dB' } });
    expect(berStep.validate?.(p, benchInfoFromBench(s.bench, true))).toEqual([{ field: 'mode', message: expect.stringMatching(/anritsu-mp1900a\) has NRZ lines only/) }]);
    await expect(berStep.run(recordedContext(s.sim, s.bench), p)).rejects.toThrow(/mode: pre-fec needs a PAM4 BERT with KP4 FEC analysis; anritsu-mp1900a/);
  });
});
