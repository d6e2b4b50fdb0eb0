// Which outputs a recovery reads back: what the finished set steps left, minus what the step under way
// switches itself (a `set` interrupted after it switched the laser off runs again whole).
import { describe, expect, it } from 'vitest';
import type { PlannedStep } from '../../../sequences/plan/plan-types.ts';
import type { Bench } from '../../../sequences/bench-port.ts';
import { RunAbortedError } from '../../../sequences/engine/errors.ts';
import { expectedOutputs, laserFoundOff, reestablishOutputs } from '../../../sequences/engine/output-state.ts';

/** A bench whose roles answer output() from a script of readings, and record what was switched. */
function scriptedBench(readings: Record<string, boolean[]>): { bench: Bench; switched: string[] } {
  const switched: string[] = [];
  const kinds: Record<string, string> = { laser: 'laser', voa: 'voa', bert: 'bert' };
  const bench = {
    instruments: () => Object.keys(readings).map((role) => ({ role, kind: kinds[role] })),
    instrument: (role: string) => ({ role, kind: kinds[role] }),
    get: (role: string) => ({
      output: async () => {
        const r = readings[role] ?? [];
        return r.length > 1 ? r.shift() as boolean : r[0] as boolean;
      },
      setOutput: async (on: boolean) => {
        switched.push(`${role} ${on ? 'on' : 'off'}`);
        readings[role] = [on];
      },
    }),
  } as unknown as Bench;
  return { bench, switched };
}

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

describe('reestablishOutputs', () => {
  it('one off reading followed by on is a garbled reply: nothing is switched', async () => {
    const { bench, switched } = scriptedBench({ laser: [false, true] });
    const lines = await reestablishOutputs(bench, new Map([['laser', true]]));
    expect(lines).toEqual(['laser output on, as left (read off once, then on)']);
    expect(switched).toEqual([]);
  });

  it('a VOA shutter read closed twice is opened again and read back', async () => {
    const { bench, switched } = scriptedBench({ voa: [false, false] });
    const lines = await reestablishOutputs(bench, new Map([['voa', true]]));
    expect(switched).toEqual(['voa on']);
    expect(lines).toEqual(['voa output found off, where the sequence left it on: switched on again (read back on)']);
  });

  it('a laser read off twice where it was left on ends the run, never switched on', async () => {
    const { bench, switched } = scriptedBench({ laser: [false, false] });
    await expect(reestablishOutputs(bench, new Map([['laser', true]]))).rejects.toBeInstanceOf(RunAbortedError);
    expect(switched).toEqual([]);
  });

  it('a laser found on where it was left off is switched off', async () => {
    const { bench, switched } = scriptedBench({ laser: [true, true] });
    await reestablishOutputs(bench, new Map([['laser', false]]));
    expect(switched).toEqual(['laser off']);
  });
});

describe('laserFoundOff (after a step failed)', () => {
  it('names a laser left on that reads off twice; switches nothing', async () => {
    const { bench, switched } = scriptedBench({ voa: [true], laser: [false, false] });
    expect(await laserFoundOff(bench, new Map([['voa', true], ['laser', true]]))).toBe('laser');
    expect(switched).toEqual([]);
  });

  it('one off reading, a laser left off, or a VOA closed is not it', async () => {
    expect(await laserFoundOff(scriptedBench({ laser: [false, true] }).bench, new Map([['laser', true]]))).toBeNull();
    expect(await laserFoundOff(scriptedBench({ laser: [false] }).bench, new Map([['laser', false]]))).toBeNull();
    expect(await laserFoundOff(scriptedBench({ voa: [false] }).bench, new Map([['voa', true]]))).toBeNull();
  });
});
