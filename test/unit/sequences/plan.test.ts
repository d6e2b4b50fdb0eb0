// Plan expansion: stable ids, loop variables, site moves, ETA; limits tied to steps and judged.
import { describe, expect, it } from 'vitest';
import { evaluateLimits } from '../../../sequences/plan/limits.ts';
import { tableFileNames } from '../../../sequences/records/run-folder.ts';
import { plan, SIM_LIKE_BENCH, withSteps } from './fixtures.ts';

const SITES = withSteps([
  '  - set: { laser.wavelength: $wl }',
  '  - loop:',
  '      origin: { X: 12500um, Y: 12500um }',
  '      sites: { A: { X: 0um, Y: 0um }, B: { X: 250um, Y: 0um } }',
  '    steps:',
  '      - loop: { channels: [1, 2] }',
  '        steps:',
  '          - measure: { channels: [$channel], samples: 2, averaging_time: 100ms }',
  '      - log: "done ${site}"',
  '      - log: "again"',
  '  - loop: { values: $powers, var: power }',
  '    id: sens',
  '    steps:',
  '      - set: { laser.power: $power }',
  '  - wait: 1min',
  '',
].join('\n'), 'parameters:\n  wl: 1550nm\n  powers: [-3dBm, 0dBm]\n');

describe('plan', () => {
  it('expands loops into step instances with stable, readable ids', () => {
    const p = plan(SITES, { bench: SIM_LIKE_BENCH });
    expect(p.steps.map((s) => s.stepId)).toEqual([
      'set',
      'sites[A]/goto', 'sites[A]/channels[1]/measure', 'sites[A]/channels[2]/measure', 'sites[A]/log', 'sites[A]/log#2',
      'sites[B]/goto', 'sites[B]/channels[1]/measure', 'sites[B]/channels[2]/measure', 'sites[B]/log', 'sites[B]/log#2',
      'sens[-3dBm]/set', 'sens[0dBm]/set',
      'wait',
    ]);
    expect(p.steps[2]?.templateId).toBe('sites/channels/measure');
    // The same file gives the same ids (the journal and resume rely on it).
    expect(plan(SITES).steps.map((s) => s.stepId)).toEqual(p.steps.map((s) => s.stepId));
  });

  it('substitutes parameters and loop variables, and moves the stage to each site', () => {
    const p = plan(SITES);
    const byId = new Map(p.steps.map((s) => [s.stepId, s]));
    expect(byId.get('set')?.params).toEqual({ actions: [{ type: 'setting', key: 'laser.wavelength', role: 'laser', setting: 'wavelength', value: 1550 }] });
    expect(byId.get('sites[B]/goto')?.body).toEqual({ 'stage.X': '12750um', 'stage.Y': '12500um' });
    expect(byId.get('sites[B]/channels[2]/measure')?.params).toMatchObject({ channels: [2], samples: 2, averagingTime_s: 0.1 });
    expect(byId.get('sites[B]/channels[2]/measure')?.loop).toEqual({ site: 'B', offset_um: { X: 250, Y: 0 }, position_um: { X: 12750, Y: 12500 }, channel: 2 });
    expect(byId.get('sites[A]/log')?.params).toEqual({ message: 'done A', level: 'info' });
    expect(byId.get('sens[0dBm]/set')?.params).toMatchObject({ actions: [{ value: 0 }] });
  });

  it('sums step estimates into the ETA', () => {
    const p = plan(SITES);
    const measure = p.steps.find((s) => s.kind === 'measure');
    expect(measure?.estimate_s).toBeCloseTo(2 * 0.11, 9);
    expect(p.steps.at(-1)?.estimate_s).toBe(60);
    expect(p.estimate_s).toBeCloseTo(p.steps.reduce((a, s) => a + s.estimate_s, 0), 9);
  });

  it('--set overrides reach the plan, lists included', () => {
    const p = plan(SITES, { set: ['wl=1.31um', 'powers=[1dBm]'] });
    expect(p.steps[0]?.params).toMatchObject({ actions: [{ value: 1310 }] });
    expect(p.steps.filter((s) => s.templateId === 'sens/set').map((s) => s.stepId)).toEqual(['sens[1dBm]/set']);
    expect(p.sequence.overrides).toEqual({ wl: '1.31um', powers: '[1dBm]' });
  });

  it('names table files by table when unique, by step otherwise', () => {
    const one = plan(withSteps('  - measure: {}\n'));
    expect([...tableFileNames(one.steps).values()]).toEqual(['power.csv']);
    const many = plan(SITES);
    expect([...tableFileNames(many.steps).values()]).toContain('sites-A-channels-1-measure.power.csv');
  });

  it('ties limits to the steps reporting the measurement, with bounds in its unit', () => {
    const text = withSteps('  - measure: { channels: [1] }\n  - measure: { channels: [2] }\n  - wait: 1s\n',
      'limits:\n  - { measurement: power_dBm, min: -20dBm, max: 10mW }\n  - { measurement: power_ch2_dBm, step: measure#2, min: -30dBm }\n');
    const p = plan(text);
    expect(p.limits[0]).toMatchObject({ measurement: 'power_dBm', unit: 'dBm', min: -20, stepIds: ['measure', 'measure#2'] });
    expect(p.limits[0]?.max).toBeCloseTo(10, 9);
    expect(p.limits[1]).toMatchObject({ stepIds: ['measure#2'], min: -30 });
    const m = (v: number) => ({ power_dBm: { value: v, unit: 'dBm' }, power_ch2_dBm: { value: v, unit: 'dBm' } });
    const verdicts = evaluateLimits(p.limits, new Map([['measure', m(-10)], ['measure#2', m(-25)]]));
    expect(verdicts.map((v) => [v.stepId, v.measurement, v.passed])).toEqual([
      ['measure', 'power_dBm', true], ['measure#2', 'power_dBm', false], ['measure#2', 'power_ch2_dBm', true],
    ]);
    const missing = evaluateLimits(p.limits, new Map([['measure', m(-10)]]));
    expect(missing.find((v) => v.stepId === 'measure#2')).toMatchObject({ passed: false, value: null, reason: 'the step did not finish' });
  });

  it('judges a limit on a step that declares no measurements only when it reports one', () => {
    const text = withSteps('  - script: { module: ./fixtures/peak-script.ts, export: scan }\n  - wait: 1s\n', 'limits:\n  - { measurement: peak_dBm, max: 0dBm }\n');
    const p = plan(text, { baseDir: import.meta.dirname });
    expect(p.limits[0]).toMatchObject({ stepIds: [], maybeStepIds: ['script'] });
    expect(evaluateLimits(p.limits, new Map([['script', { peak_dBm: { value: -1, unit: 'dBm' } }]]))).toEqual([
      expect.objectContaining({ stepId: 'script', passed: true, value: -1 }),
    ]);
    expect(evaluateLimits(p.limits, new Map([['script', {}]]))).toEqual([
      expect.objectContaining({ passed: false, reason: 'no step reported it' }),
    ]);
  });
});
