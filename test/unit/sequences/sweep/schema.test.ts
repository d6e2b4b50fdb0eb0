import { describe, expect, it } from 'vitest';
import { sweepStep } from '../../../../sequences/steps/sweep/index.ts';
import { averaging_s, spectrumReference, sweepPoints } from '../../../../sequences/steps/sweep/schema.ts';
import type { BenchInfo } from '../../../../sequences/step.ts';

const bench: BenchInfo = {
  name: 'test bench',
  simulated: true,
  roles: {
    laser: { kind: 'laser', driver: 'keysight-n777x', ranges: { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -10, max: 13 }, sweepSpeed_nm_s: { min: 0.5, max: 200 } } },
    meter: { kind: 'meter', driver: 'keysight-n774x', ranges: {}, channels: [1, 2, 3, 4] },
  },
};

function parse(body: Record<string, unknown>) {
  return sweepStep.schema.parse(body);
}

function issues(body: Record<string, unknown>) {
  return sweepStep.validate?.(parse(body), bench) ?? [];
}

describe('sweep schema', () => {
  it('parses units and fills the defaults', () => {
    const p = parse({ start: '1520nm', stop: '1.58um', step: '10pm' });
    expect(p).toMatchObject({ mode: 'continuous', start: 1520, stop: 1580, speed: 10, reference: 'monitor', monitor_tap: 19.96, output_loss: 0, channel: 1, monitor_channel: 2, fit_window: 6 });
    expect(p.step).toBeCloseTo(0.01, 12);
    expect(sweepPoints(p)).toBe(6001);
    expect(averaging_s(p)).toBeCloseTo(0.0005, 12); // half of 1 ms between triggers
    expect(averaging_s(parse({ mode: 'step', start: '1520nm', stop: '1580nm', step: '1nm' }))).toBe(0.01);
  });

  it('takes a fixed input power as the reference', () => {
    const p = parse({ start: '1520nm', stop: '1580nm', step: '1nm', reference: '-3dBm' });
    expect(p.reference).toBe(-3);
    expect(spectrumReference(p)).toEqual({ kind: 'fixed', input_dBm: -3 });
    expect(spectrumReference(parse({ start: '1520nm', stop: '1580nm', step: '1nm', monitor_tap: '20dB' }))).toEqual({ kind: 'monitor', tap_dB: 20 });
  });

  it('refuses bad bodies with messages naming what was expected', () => {
    const msg = (body: Record<string, unknown>) => {
      const r = sweepStep.schema.safeParse(body);
      return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(msg({ start: '1520nm', stop: '1500nm', step: '1nm' })).toMatch(/stop: expected stop above start/);
    expect(msg({ start: '1520dBm', stop: '1580nm', step: '1nm' })).toMatch(/start: .*wavelength/);
    expect(msg({ start: '1520nm', stop: '1580nm', step: '0nm' })).toMatch(/step: expected a wavelength > 0/);
    expect(msg({ start: '1520nm', stop: '1580nm', step: '1nm', reference: 'input' })).toMatch(/reference: expected monitor or an input power \(e\.g\. 0dBm\), got "input"/);
    expect(msg({ start: '1520nm', stop: '1580nm', step: '1nm', mode: 'fast' })).toMatch(/mode: expected continuous or step/);
    expect(msg({ start: '1520nm', stop: '1580nm', step: '1nm', sped: '10nm/s' })).toMatch(/sped/);
    expect(msg({ stop: '1580nm', step: '1nm' })).toMatch(/start/);
  });
});

describe('sweep validation against the bench', () => {
  it('accepts a sweep the bench can do', () => {
    expect(issues({ start: '1520nm', stop: '1580nm', step: '10pm', speed: '20nm/s' })).toEqual([]);
  });

  it('refuses wavelengths, speed and power outside the laser, naming the field and the range', () => {
    const found = issues({ start: '1460nm', stop: '1660nm', step: '10pm', speed: '500nm/s', power: '20dBm' });
    expect(found.map((i) => i.field)).toEqual(['start', 'stop', 'power', 'speed']);
    expect(found[0]?.message).toMatch(/1460 nm is outside the laser's wavelength range \[1480, 1640\] nm/);
    expect(found[3]?.message).toMatch(/500 nm\/s is outside the laser's sweepSpeed range \[0.5, 200\]/);
  });

  it('refuses an averaging time that would make the meter miss triggers', () => {
    const found = issues({ start: '1520nm', stop: '1580nm', step: '10pm', speed: '20nm/s', averaging: '1ms' });
    expect(found).toEqual([{ field: 'averaging', message: expect.stringMatching(/0.001 s is not shorter than the 0.0005 s between triggers/) }]);
    expect(issues({ mode: 'step', start: '1520nm', stop: '1580nm', step: '1nm', averaging: '1s' })).toEqual([]);
  });

  it('refuses a step wider than the span, too many samples, and channels the meter lacks', () => {
    expect(issues({ mode: 'step', start: '1520nm', stop: '1521nm', step: '2nm' })[0]?.field).toBe('step');
    expect(issues({ start: '1520nm', stop: '1580nm', step: '0.01pm', speed: '0.5nm/s', averaging: '1us' })
      .some((i) => i.field === 'step' && /logging limit/.test(i.message))).toBe(true);
    expect(issues({ start: '1520nm', stop: '1580nm', step: '1nm', channel: 5 })).toEqual([{ field: 'channel', message: "meter 'meter' has no channel 5 (it has 1, 2, 3, 4)" }]);
    expect(issues({ start: '1520nm', stop: '1580nm', step: '1nm', monitor_channel: 1 })[0]?.field).toBe('monitor_channel');
    expect(issues({ start: '1520nm', stop: '1580nm', step: '1nm', meter: 'pm' })[0]?.message).toMatch(/has no role 'pm'/);
  });

  it('estimates span/speed for a continuous sweep and points × (settle + averaging) for a step sweep', () => {
    expect(sweepStep.estimate_s(parse({ start: '1520nm', stop: '1580nm', step: '10pm', speed: '20nm/s' }), bench)).toBeCloseTo(4, 5);
    expect(sweepStep.estimate_s(parse({ mode: 'step', start: '1520nm', stop: '1580nm', step: '1nm', averaging: '20ms' }), bench)).toBeCloseTo(61 * (0.011 + 0.02 + 0.005), 5);
  });
});
