// mode: pre-fec — its fields, what it rules out, and the bench it needs, each refusal naming the field.
import { describe, expect, it } from 'vitest';
import { berStep } from '../../../../sequences/steps/ber/index.ts';
import { countingTarget, preFecFit, preFecSensitivity } from '../../../../sequences/steps/ber/pre-fec.ts';
import type { BenchInfo } from '../../../../sequences/step.ts';

const roles: BenchInfo['roles'] = {
  laser: { kind: 'laser', driver: 'keysight-n777x', ranges: {} },
  meter: { kind: 'meter', driver: 'keysight-n774x', ranges: {}, channels: [1, 2] },
  voa: { kind: 'voa', driver: 'keysight-n776x', ranges: { attenuation_dB: { min: 0, max: 60 } } },
  bert: { kind: 'bert', driver: 'anritsu-mp1900a', ranges: { lineRate_Gbps: { min: 1, max: 116 } }, lineCodings: ['NRZ'] },
  'bert-pam4': { kind: 'bert', driver: 'scpi-bert', ranges: { lineRate_Gbps: { min: 1, max: 116 } }, lineCodings: ['NRZ', 'PAM4'] },
};
const bench: BenchInfo = { name: 'test bench', simulated: true, roles };
const body = { attenuation: { start: '0dB', stop: '5dB', step: '0.25dB' }, bert: 'bert-pam4', mode: 'pre-fec' };
const parse = (b: Record<string, unknown>) => berStep.schema.parse(b);
const issues = (b: Record<string, unknown>) => berStep.validate?.(parse(b), bench) ?? [];
const messages = (b: Record<string, unknown>) => {
  const r = berStep.schema.safeParse(b);
  return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('ber, mode: pre-fec', () => {
  it('defaults to the KP4 threshold and counts against it, not against target', () => {
    const p = parse(body);
    expect(p).toMatchObject({ mode: 'pre-fec', post_fec_dwell: 1 });
    expect(countingTarget(p)).toBe(2.4e-4);
    expect(countingTarget(parse({ ...body, threshold: 5e-5 }))).toBe(5e-5);
    expect(countingTarget(parse({ attenuation: body.attenuation }))).toBe(1e-12);
    expect(issues(body)).toEqual([]);
    expect(berStep.tables(p).map((t) => t.name)).toEqual(['fec', 'ber']);
    expect(berStep.measurements?.(p)).toMatchObject({ preFecSensitivity_dBm: 'dBm', postFecUncorrectable: '', postFecBerUpper: '' });
    // 21 points at a fraction of a second each, and the check's second.
    expect(berStep.estimate_s?.(p, bench)).toBeLessThan(21 * 1 + 2);
  });

  it('refuses an unknown mode and a threshold outside (0, 0.5)', () => {
    expect(messages({ ...body, mode: 'post-fec' })).toMatch(/mode: expected direct or pre-fec/);
    expect(messages({ ...body, threshold: 0 })).toMatch(/threshold: expected a number \(a bit error ratio such as 1e-12\) > 0/);
    expect(messages({ ...body, threshold: 0.7 })).toMatch(/threshold: expected .* <= 0.5/);
    expect(issues({ ...body, threshold: 0.5 })).toEqual([{ field: 'threshold', message: '0.5: expected a pre-FEC bit error ratio in (0, 0.5), e.g. 2.4e-4 for KP4' }]);
    expect(messages({ ...body, post_fec_dwell: '0s' })).toMatch(/post_fec_dwell/);
  });

  it('refuses pre-fec on an NRZ BERT, naming its driver', () => {
    expect(issues({ ...body, bert: 'bert' })).toEqual([{
      field: 'mode', message: "pre-fec needs a PAM4 BERT with KP4 FEC analysis; bert 'bert' (anritsu-mp1900a) has NRZ lines only",
    }]);
  });

  it('refuses what does not apply to a PAM4 pre-FEC sweep, and a threshold without it', () => {
    const fields = (b: Record<string, unknown>) => issues(b).map((i) => i.field);
    expect(fields({ ...body, method: 'extrapolate' })).toEqual(['method']);
    expect(fields({ ...body, q_scan: { attenuation: '3dB', start_mV: -40, stop_mV: 40, step_mV: 5 } })).toEqual(['q_scan']);
    expect(fields({ ...body, receiver: { sensitivity: '-12dBm' } })).toEqual(['receiver']);
    expect(issues({ attenuation: body.attenuation, threshold: 2.4e-4 })).toEqual([{ field: 'threshold', message: expect.stringMatching(/applies to mode: pre-fec only/) }]);
  });

  it('reports the sensitivity with its interval at the confidence, and a fit record the plot reads', () => {
    const p = parse({ ...body, confidence: '95%' });
    const m = preFecSensitivity({ sensitivity_dBm: { value: -7, unit: 'dBm' }, sensitivitySigma_dB: { value: 0.05, unit: 'dB' } }, p);
    expect(m['preFecSensitivityLow_dBm']?.value).toBeCloseTo(-7 - 1.959964 * 0.05, 5);
    expect(m['preFecSensitivityHigh_dBm']?.value).toBeCloseTo(-7 + 1.959964 * 0.05, 5);
    // The 20·log10 Q fit, where there is one, is the pre-FEC sensitivity (the loglog fit bends near the threshold).
    const q = preFecSensitivity({ sensitivity_dBm: { value: -7, unit: 'dBm' } }, p,
      { 'waterfall-q': { parameters: { sensitivity_dBm: { value: -6.95, sigma: 0.02, unit: 'dBm' } } } });
    expect(q).toMatchObject({ preFecSensitivity_dBm: { value: -6.95 }, preFecSensitivitySigma_dB: { value: 0.02 } });
    const fit = preFecFit({ ...m, postFecPass: { value: 1, unit: '' }, postFecUncorrectable: { value: 0, unit: '' } }, p);
    expect(fit.extra).toMatchObject({ threshold: 2.4e-4, postFecPass: true, postFecUncorrectable: 0 });
    expect(fit.parameters['sensitivity_dBm']).toMatchObject({ value: -7, sigma: 0.05 });
    // Without a fit: only the threshold, no invented sensitivity.
    expect(preFecSensitivity({}, p)).toEqual({ preFecThreshold: { value: 2.4e-4, unit: '' } });
  });
});
