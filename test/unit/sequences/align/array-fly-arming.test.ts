// When a fly line arms the meter (array-fly.ts flyLine): after the move to the line's start was commanded
// and after the output is set for the line, but before the platform is waited for, so the meter's exchange
// is spent while that move runs (and the line's end asked to be reachable); the line's own move only once the
// platform is on target.
import { describe, expect, it } from 'vitest';
import type { PoseValues, RecordedLine } from '../../../../drivers/roles/hexapod.ts';
import type { ArrayRig } from '../../../../sequences/steps/align/array-rig.ts';
import type { FlyLink } from '../../../../sequences/steps/align/array-fly.ts';
import { MoveTimes, flyLine } from '../../../../sequences/steps/align/array-fly.ts';
import { triangleTrace } from './recorded-trace.ts';

const ACCEL = 200_000;

function fakes(): { rig: ArrayRig; link: FlyLink; calls: string[] } {
  const calls: string[] = [];
  let pose: PoseValues = { X: 0, Y: 0, Z: 0, U: 0, V: 0, W: 0 };
  let last = { from: 0, to: 0 };
  const rig = {
    channels: [1, 2],
    readings: 0,
    ctx: { now_s: () => 0 },
    here: async () => ({ ...pose }),
    checkBudget: async () => undefined,
    loggingStarted: () => undefined,
    record: async () => undefined,
    goTo: async (t: Partial<PoseValues>) => {
      calls.push(`move ${JSON.stringify(t)}`);
      last = { from: pose.X, to: t.X ?? pose.X };
      pose = { ...pose, ...t };
    },
  } as unknown as ArrayRig;
  const hexapod = {
    recordAxis: async (a: string) => void calls.push(`record ${a}`),
    armMotionStartTrigger: async (a: string) => void calls.push(`arm ${a}`),
    waitForMotion: async () => void calls.push('wait'),
    isReachable: async (t: Partial<PoseValues>) => {
      calls.push(`reachable ${JSON.stringify(t)}`);
      return true;
    },
    recordedLine: async (axis: 'X'): Promise<RecordedLine> => triangleTrace(axis, last.from, last.to, ACCEL),
  };
  const meter = {
    startLoggingAll: async () => void calls.push('meter armed'),
    waitLoggingAll: async () => void calls.push('meter done'),
    fetchLogs_W: async () => [[1e-3, 2e-3, 1e-3], [1e-3, 2e-3, 1e-3]],
  };
  return { rig, link: { hexapod, meter, sampleTime_s: 5e-4 } as unknown as FlyLink, calls };
}

describe('flyLine arming', () => {
  it('arms the meter while the move to the start runs, after the output, and moves along the line only once on target', async () => {
    const { rig, link, calls } = fakes();
    const times = new MoveTimes();
    times.learn(10, 2 * Math.sqrt(10 / ACCEL));
    // The caller's move to the line's start, not waited for.
    await rig.goTo({ X: -4 }, { wait: false });
    const line = await flyLine(rig, link, times, 'X', 4, 'joint');
    // The line's end asked ahead too, while that move runs.
    expect(calls.slice(0, 7)).toEqual(['move {"X":-4}', 'arm X', 'record X', 'meter armed', 'reachable {"X":4}', 'wait', 'move {"X":4}']);
    expect(line.samples).toHaveLength(3);
  });
});
