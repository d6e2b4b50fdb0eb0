import { describe, expect, it } from 'vitest';
import { berStep } from '../../../../sequences/steps/ber/index.ts';
import { attenuations_dB } from '../../../../sequences/steps/ber/schema.ts';
import type { BenchInfo } from '../../../../sequences/step.ts';

const bench: BenchInfo = {
  name: 'test bench',
  simulated: true,
  roles: {
    laser: { kind: 'laser', driver: 'keysight-n777x', ranges: { wavelength_nm: { min: 1480, max: 1640 } } },
    meter: { kind: 'meter', driver: 'keysight-n774x', ranges: {}, channels: [1, 2, 3, 4] },
    voa: { kind: 'voa', driver: 'keysight-n776x', ranges: { attenuation_dB: { min: 0, max: 60 } } },
    bert: { kind: 'bert', driver: 'scpi-bert', ranges: { lineRate_Gbps: { min: 1, max: 116 } } },
  },
};

const body = { attenuation: { start: '4dB', stop: '8dB', step: '0.5dB' } };
const parse = (b: Record<string, unknown>) => berStep.schema.parse(b);
const issues = (b: Record<string, unknown>, info = bench) => berStep.validate?.(parse(b), info) ?? [];
const messages = (b: Record<string, unknown>) => {
  const r = berStep.schema.safeParse(b);
  return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('ber schema', () => {
  it('parses units and defaults; measures from the highest attenuation down', () => {
    const p = parse({ ...body, confidence: '99%', rate: '25.78125GHz', max_dwell: '5min' });
    expect(p).toMatchObject({ target: 1e-12, confidence: 0.99, precision: 0.5, max_dwell: 300, rate: 25.78125, counting: 'gates', method: 'loglog', channel: 1 });
    expect(attenuations_dB(p)).toEqual([8, 7.5, 7, 6.5, 6, 5.5, 5, 4.5, 4]);
    expect(attenuations_dB(parse({ attenuation: ['3dB', '9dB', '6dB', '6dB'] }))).toEqual([9, 6, 3]);
    expect(attenuations_dB(parse({ attenuation: { start: '8dB', stop: '4dB', step: '2dB' } }))).toEqual([8, 6, 4]);
  });

  it('refuses bad bodies, naming what was expected', () => {
    expect(messages({})).toMatch(/attenuation/);
    expect(messages({ attenuation: '6dB' })).toMatch(/attenuation: expected \{ start: 6dB, stop: 10dB, step: 0.25dB \} or a list of attenuations/);
    expect(messages({ ...body, target: 0.7 })).toMatch(/target: expected a number \(a bit error ratio such as 1e-12\) <= 0.5/);
    expect(messages({ ...body, confidence: '100%' })).toMatch(/confidence/);
    expect(messages({ ...body, counting: 'fast' })).toMatch(/counting: expected gates or live/);
    expect(messages({ ...body, pattern: 'PRBS9' })).toMatch(/pattern: expected one of PRBS7, PRBS15, PRBS23, PRBS31/);
    expect(messages({ ...body, receiver: { sensitivity: '-12dB' } })).toMatch(/receiver.sensitivity/);
    expect(messages({ ...body, dwel: '1s' })).toMatch(/dwel/);
  });
});

describe('ber validation against the bench', () => {
  it('accepts a sweep the bench can do', () => {
    expect(issues(body)).toEqual([]);
  });

  it('refuses too few points, attenuations and rates outside the instruments, and a missing role', () => {
    expect(issues({ attenuation: ['4dB', '5dB'] })[0]).toEqual({ field: 'attenuation', message: expect.stringMatching(/2 attenuation points; the waterfall fit needs at least 5/) });
    expect(issues({ attenuation: { start: '58dB', stop: '62dB', step: '1dB' } })[0]?.message).toMatch(/62 dB is outside the voa's attenuation range \[0, 60\] dB/);
    expect(issues({ ...body, rate: '120GHz' })[0]).toMatchObject({ field: 'rate', message: expect.stringMatching(/outside the bert's lineRate range \[1, 116\]/) });
    expect(issues({ ...body, channel: 7 })[0]?.field).toBe('channel');
    expect(issues({ ...body, wavelength: '1700nm' })[0]?.field).toBe('wavelength');
    const noBert = { ...bench, roles: { ...bench.roles } };
    delete noBert.roles['bert'];
    expect(issues(body, noBert)[0]?.message).toMatch(/has no role 'bert'/);
  });

  it('refuses a maximum dwell too short to show the target at the confidence', () => {
    expect(issues({ ...body, max_dwell: '60s' })).toEqual([{ field: 'max_dwell', message: expect.stringMatching(/60 s cannot show BER ≤ 1e-12 at 95 % \(that takes 116 s without errors at 25.78125 Gb\/s\)/) }]);
    expect(issues({ ...body, max_dwell: '60s', rate: '106.25Gbps' })).toEqual([]);
  });

  it('estimates about one zero-error claim of the target plus the points\' overhead', () => {
    const e = berStep.estimate_s(parse(body), bench);
    expect(e).toBeGreaterThan(116);
    expect(e).toBeLessThan(1.3 * 116.2 + 9 * 0.25 + 1e-6);
  });

  it('declares its measurements, with the model prediction only when a receiver is given', () => {
    expect(Object.keys(berStep.measurements?.(parse(body)) ?? {})).not.toContain('predictedSensitivity_dBm');
    expect(berStep.measurements?.(parse({ ...body, receiver: { sensitivity: '-12dBm' } }))).toMatchObject({ predictedSensitivity_dBm: 'dBm', margin_dB: 'dB', sensitivity_dBm: 'dBm' });
    expect(berStep.tables(parse(body))[0]?.columns).toEqual(['attenuation_dB', 'power_dBm', 'bits', 'errors', 'ber', 'ber_upper', 'ber_lower', 'confidence', 'dwell_s', 'status']);
  });
});
