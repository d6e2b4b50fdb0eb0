// What a resumed run applies again before continuing: the last value of each setting of finished set steps.
import { describe, expect, it } from 'vitest';
import { settingsToRestore } from '../../../sequences/resume-settings.ts';
import { plan, withSteps } from './fixtures.ts';

describe('settings restored on resume', () => {
  it('keeps the last value per setting, in the order last set, and never stage moves', () => {
    const p = plan(withSteps([
      '  - set: { laser.wavelength: 1550nm, laser.output: on, stage.X: 100um }',
      '  - set: { voa.attenuation: 3dB, laser.wavelength: 1310nm }',
      '  - set: { laser.output: off }',
      '  - set: { laser.output: on }',
      '  - wait: 1s',
      '',
    ].join('\n')));
    expect(settingsToRestore(p.steps).map((a) => [a.key, a.value])).toEqual([
      ['voa.attenuation', 3], ['laser.wavelength', 1310], ['laser.output', true],
    ]);
    expect(settingsToRestore(p.steps.slice(4))).toEqual([]);
  });
});
