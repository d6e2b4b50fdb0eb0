// Every bad-input path of a sequence file: each error names the file, the line, the field and what was expected.
import { describe, expect, it } from 'vitest';
import { SequenceError } from '../../../sequences/schema/errors.ts';
import { issuesOf, load, plan, SIM_LIKE_BENCH, withSteps } from './fixtures.ts';

describe('sequence file errors', () => {
  it('bad YAML: the line of the syntax error', () => {
    const issues = issuesOf(() => load('metadata: { dut: X }\nsteps:\n  - wait: [1s\n'));
    expect(issues[0]).toMatchObject({ file: 'seq.yaml', field: '(YAML syntax)' });
    expect(issues[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('duplicate keys are a YAML error', () => {
    const issues = issuesOf(() => load('metadata: { dut: X }\nmetadata: { dut: Y }\nsteps: []\n'));
    expect(issues[0]?.line).toBe(2);
    expect(issues[0]?.message).toMatch(/unique/i);
  });

  it('unknown top-level key, missing metadata.dut', () => {
    const issues = issuesOf(() => load('metdata: { dut: X }\nsteps:\n  - wait: 1s\n'));
    expect(issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 1, field: 'metdata', message: expect.stringMatching(/unknown key; expected one of sequence, description, metadata/) }),
      expect.objectContaining({ field: 'metadata.dut', message: expect.stringMatching(/expected the DUT id as text/) }),
    ]));
  });

  it('unknown step kind lists the known ones', () => {
    const issues = issuesOf(() => plan(withSteps('  - wait: 1s\n  - algin: {}\n')));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 4, field: 'steps[1].algin' });
    expect(issues[0]?.message).toMatch(/unknown step kind 'algin'; expected one of set, measure, wait, log, script/);
  });

  it('a step item with two kinds or none', () => {
    const issues = issuesOf(() => load(withSteps('  - { wait: 1s, log: hi }\n  - id: x\n')));
    expect(issues.map((i) => i.message)).toEqual([
      'expected one step kind per list item, got wait, log',
      expect.stringMatching(/^expected a step kind key/),
    ]);
    expect(issues.map((i) => i.line)).toEqual([3, 4]);
  });

  it('missing unit', () => {
    const issues = issuesOf(() => plan(withSteps('  - set:\n      laser.wavelength: 1550\n')));
    expect(issues[0]).toMatchObject({ file: 'seq.yaml', line: 4, field: 'steps[0].set.laser.wavelength' });
    expect(issues[0]?.message).toMatch(/expected a wavelength with a unit .* got 1550 \(a number without a unit\)/);
    expect(new SequenceError(issues).message).toMatch(/^seq\.yaml:4:\d+: steps\[0\]\.set\.laser\.wavelength: expected a wavelength/);
  });

  it('wrong unit', () => {
    const issues = issuesOf(() => plan(withSteps('  - wait:\n      duration: 10dBm\n')));
    expect(issues[0]).toMatchObject({ line: 4, field: 'steps[0].wait.duration' });
    expect(issues[0]?.message).toMatch(/expected a duration with a unit .* got "10dBm" \('dBm' is the unit of an optical power\)/);
  });

  it('unknown setting and unknown role in set', () => {
    const issues = issuesOf(() => plan(withSteps('  - set:\n      laser.colour: red\n      pump.power: 1dBm\n')));
    expect(issues[0]).toMatchObject({ line: 4, field: 'steps[0].set.laser.colour' });
    expect(issues[0]?.message).toMatch(/unknown laser setting 'colour'; expected one of wavelength, power, output/);
    expect(issues[1]).toMatchObject({ line: 5, field: 'steps[0].set.pump.power' });
  });

  it('unknown parameter reference names the known parameters', () => {
    const text = withSteps('  - set:\n      laser.wavelength: $wavelenth\n', 'parameters:\n  wavelength: 1550nm\n');
    const issues = issuesOf(() => plan(text));
    expect(issues[0]).toMatchObject({ line: 6, field: 'steps[0].set.laser.wavelength' });
    expect(issues[0]?.message).toBe("unknown parameter reference '$wavelenth'; expected one of $wavelength");
  });

  it('unknown reference inside text', () => {
    const issues = issuesOf(() => plan(withSteps('  - log: "at ${site}"\n')));
    expect(issues[0]).toMatchObject({ line: 3, field: 'steps[0].log' });
    expect(issues[0]?.message).toMatch(/unknown parameter reference '\$site'/);
  });

  it('bad --set: unknown name, no =, wrong unit, missing unit, bad number', () => {
    const text = withSteps('  - wait: $settle\n', 'parameters:\n  settle: 2s\n  count: 3\n');
    const issues = issuesOf(() => load(text, { set: ['setle=1s', 'settle', 'settle=3dB', 'settle=5', 'count=many'] }));
    expect(issues.map((i) => [i.line, i.field])).toEqual([[0, '--set setle'], [0, '--set settle'], [0, '--set settle'], [0, '--set settle'], [0, '--set count']]);
    expect(issues[0]?.message).toBe('unknown parameter; expected one of settle, count');
    expect(issues[1]?.message).toMatch(/expected name=value/);
    expect(issues[2]?.message).toMatch(/expected a duration with a unit.*'dB' is the unit of a power ratio/);
    expect(issues[3]?.message).toMatch(/a number without a unit/);
    expect(issues[4]?.message).toMatch(/expected a number, got "many"/);
    expect(new SequenceError(issues).message).toMatch(/seq\.yaml: --set setle: unknown parameter/);
  });

  it('out-of-range wavelength, refused against the bench before anything moves', () => {
    const issues = issuesOf(() => plan(withSteps('  - set:\n      laser.wavelength: 1310nm\n'), { bench: SIM_LIKE_BENCH }));
    expect(issues[0]).toMatchObject({ line: 4, field: 'steps[0].set.laser.wavelength' });
    expect(issues[0]?.message).toMatch(/1310 nm is outside the laser's wavelength range \[1500, 1630\] nm/);
  });

  it('an overridden value out of range is refused at the place it is used', () => {
    const text = withSteps('  - set:\n      laser.wavelength: $wl\n', 'parameters:\n  wl: 1550nm\n');
    expect(() => plan(text, { bench: SIM_LIKE_BENCH })).not.toThrow();
    const issues = issuesOf(() => plan(text, { bench: SIM_LIKE_BENCH, set: ['wl=1.7um'] }));
    expect(issues[0]).toMatchObject({ line: 6, field: 'steps[0].set.laser.wavelength' });
    expect(issues[0]?.message).toMatch(/1700 nm is outside/);
  });

  it('a move beyond soft limits, in a set step and through a site loop', () => {
    const issues = issuesOf(() => plan(withSteps('  - set:\n      stage.Z: 5000um\n'), { bench: SIM_LIKE_BENCH }));
    expect(issues[0]).toMatchObject({ line: 4, field: 'steps[0].set.stage.Z' });
    expect(issues[0]?.message).toMatch(/move of stage axis Z to 5000 µm is beyond its soft limits \[5008, 10000\] µm/);
    const loop = withSteps([
      '  - loop:',
      '      origin: { X: 24900um, Y: 12500um }',
      '      sites: { A: { X: 0um, Y: 0um }, B: { X: 250um, Y: 0um } }',
      '    steps:',
      '      - wait: 1s',
      '',
    ].join('\n'));
    const li = issuesOf(() => plan(loop, { bench: SIM_LIKE_BENCH }));
    expect(li).toHaveLength(1);
    expect(li[0]?.message).toMatch(/axis X to 25150 µm is beyond its soft limits \[0, 25000\] µm \(sites\[B\]\/goto\)/);
    expect(li[0]?.line).toBe(5);
  });

  it('a stage axis the bench does not have, a role it does not have', () => {
    const issues = issuesOf(() => plan(withSteps('  - set:\n      stage.W: 10um\n      laser2.power: 0dBm\n'), { bench: SIM_LIKE_BENCH }));
    expect(issues[0]?.message).toMatch(/stage 'stage' has no axis 'W' \(its axes are X, Y, Z\)/);
    expect(issues[1]?.message).toMatch(/bench 'test bench' has no role 'laser2'/);
  });

  it('a meter channel the meter does not have', () => {
    const issues = issuesOf(() => plan(withSteps('  - measure: { channels: [1, 7] }\n'), { bench: SIM_LIKE_BENCH }));
    expect(issues[0]).toMatchObject({ line: 3, field: 'steps[0].measure.channels[1]' });
    expect(issues[0]?.message).toMatch(/meter 'meter' has no channel 7 \(it has 1, 2, 3, 4\)/);
  });

  it('limit on an unknown measurement lists what the steps report', () => {
    const text = withSteps('  - measure: { channels: [2] }\n', 'limits:\n  - measurement: powr_dBm\n    min: -10dBm\n');
    const issues = issuesOf(() => plan(text));
    expect(issues[0]).toMatchObject({ line: 3, field: 'limits[0].measurement' });
    expect(issues[0]?.message).toMatch(/unknown measurement 'powr_dBm'; the steps report power_dBm, power_ch2_dBm/);
  });

  it('a limit without bounds, naming no step, or with a bound in the wrong unit', () => {
    const bare = withSteps('  - measure: {}\n', 'limits:\n  - { measurement: power_dBm }\n');
    expect(issuesOf(() => load(bare))).toEqual([expect.objectContaining({ line: 3, field: 'limits[0]', message: 'expected min, max or both' })]);
    const text = withSteps('  - measure: {}\n', 'limits:\n  - { measurement: power_dBm, step: align, min: -3dBm }\n  - { measurement: power_dBm, max: 3nm }\n');
    const issues = issuesOf(() => plan(text));
    expect(issues.map((i) => [i.line, i.field])).toEqual([[3, 'limits[0].step'], [4, 'limits[1].max']]);
    expect(issues[0]?.message).toMatch(/no step matches 'align'; expected one of measure/);
    expect(issues[1]?.message).toMatch(/expected an optical power with a unit .*'nm' is the unit of a wavelength.*; the measurement is in dBm/);
  });

  it('loops: no kind, steps missing', () => {
    const text = withSteps('  - loop: { over: sites }\n    steps: [ { wait: 1s } ]\n  - loop: { values: [1, 2] }\n');
    const issues = issuesOf(() => load(text));
    expect(issues.map((i) => [i.line, i.field])).toEqual([[3, 'steps[0].loop'], [5, 'steps[1].steps']]);
    expect(issues[0]?.message).toMatch(/expected exactly one of sites, channels, values/);
    expect(issues[1]?.message).toMatch(/expected steps: \[...\] beside loop/);
  });

  it('loops: bad site offsets, bad channels, values not a list', () => {
    const text = withSteps([
      '  - loop: { sites: { A: { X: 12 } } }',
      '    steps: [ { wait: 1s } ]',
      '  - loop: { channels: [0] }',
      '    steps: [ { wait: 1s } ]',
      '  - loop: { values: 5, var: p }',
      '    steps: [ { wait: 1s } ]',
      '',
    ].join('\n'));
    const issues = issuesOf(() => plan(text));
    expect(issues.map((i) => [i.line, i.field])).toEqual([[3, 'steps[0].loop.sites.A.X'], [5, 'steps[1].loop.channels'], [7, 'steps[2].loop.values']]);
    expect(issues[0]?.message).toMatch(/expected a length with a unit/);
    expect(issues[1]?.message).toMatch(/channel numbers \(integers >= 1\)/);
    expect(issues[2]?.message).toMatch(/non-empty list of values/);
  });

  it('duplicate explicit ids among siblings', () => {
    const issues = issuesOf(() => plan(withSteps('  - wait: 1s\n    id: settle\n  - wait: 2s\n    id: settle\n')));
    expect(issues[0]).toMatchObject({ line: 6, field: 'steps[1].id' });
    expect(issues[0]?.message).toMatch(/duplicate step id 'settle'/);
  });

  it('a script module that does not exist', () => {
    const issues = issuesOf(() => plan(withSteps('  - script: { module: ./nope.ts }\n'), { baseDir: '/tmp' }));
    expect(issues[0]).toMatchObject({ line: 3, field: 'steps[0].script.module' });
    expect(issues[0]?.message).toMatch(/no such module \/tmp\/nope\.ts/);
  });

  it('collects every problem of a file in one error', () => {
    const issues = issuesOf(() => plan(withSteps('  - wait: 1\n  - set: { laser.power: 5 }\n  - measure: { samples: 0 }\n')));
    expect(issues.map((i) => i.line)).toEqual([3, 4, 5]);
  });
});
