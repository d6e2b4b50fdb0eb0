// Which outputs a recovery reads back: what the finished set steps left, minus what the step under way
// switches itself (a `set` interrupted after it switched the laser off runs again whole).
import { describe, expect, it } from 'vitest';
import type { PlannedStep } from '../../../sequences/plan/plan-types.ts';
import { expectedOutputs } from '../../../sequences/engine/output-state.ts';

const setStep = (stepId: string, settings: [string, unknown][]): PlannedStep => ({
  stepId, kind: 'set', loop: {},
  params: { actions: settings.map(([key, value]) => ({ type: 'setting', key, role: key.split('.')[0], setting: key.split('.')[1], value })) },
} as unknown as PlannedStep);

describe('expectedOutputs', () => {
  const first = setStep('set', [['laser.output', true], ['laser.power', 0], ['voa.output', true]]);
  const later = setStep('later', [['voa.output', false]]);

  it('the last output each finished set step left, by role (other settings ignored)', () => {
    expect([...expectedOutputs([first])]).toEqual([['laser', true], ['voa', true]]);
    expect([...expectedOutputs([first, later])]).toEqual([['laser', true], ['voa', false]]);
  });

  it('leaves out the outputs the step under way switches', () => {
    const dark = setStep('dark', [['laser.output', false]]);
    expect([...expectedOutputs([first], dark)]).toEqual([['voa', true]]);
    expect([...expectedOutputs([first], { stepId: 'm', kind: 'measure', loop: {}, params: {} } as unknown as PlannedStep)]).toEqual([['laser', true], ['voa', true]]);
  });
});
