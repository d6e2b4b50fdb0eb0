// The move before the first fly line teaches the line's duration (array-fly.ts timedMove): the recorder
// follows the axis through that move, and the first line's log is then sized from it instead of being
// left running and stopped.
import { describe, expect, it } from 'vitest';
import type { PoseValues, RecordedLine } from '../../../../drivers/roles/hexapod.ts';
import type { ArrayRig } from '../../../../sequences/steps/align/array-rig.ts';
import type { FlyLink } from '../../../../sequences/steps/align/array-fly.ts';
import { MoveTimes, timedMove } from '../../../../sequences/steps/align/array-fly.ts';
import { triangleTrace } from './recorded-trace.ts';

const ACCEL = 200_000; // µm/s², a triangle move: t = 2·√(d/a)

function fakes(arrives: boolean): { rig: ArrayRig; link: FlyLink; calls: string[] } {
  const calls: string[] = [];
  let pose: PoseValues = { X: 0, Y: 0, Z: 0, U: 0, V: 0, W: 0 };
  let last = { from: 0, to: 0 };
  let now = 0;
  const rig = {
    ctx: { now_s: () => now },
    here: async () => ({ ...pose }),
    goTo: async (t: Partial<PoseValues>) => {
      calls.push(`move ${JSON.stringify(t)}`);
      last = { from: pose.X, to: t.X ?? pose.X };
      pose = { ...pose, ...t };
    },
  } as unknown as ArrayRig;
  const hexapod = {
    recordAxis: async (a: string) => void calls.push(`record ${a}`),
    armMotionStartTrigger: async (a: string) => void calls.push(`arm ${a}`),
    waitForMotion: async () => {
      calls.push('wait');
      now += 0.05;
    },
    recordedLine: async (axis: 'X'): Promise<RecordedLine> => triangleTrace(axis, last.from, last.to, ACCEL, { arrives }),
  };
  return { rig, link: { hexapod, meter: {}, sampleTime_s: 5e-4 } as unknown as FlyLink, calls };
}

describe('timedMove (the first fly line sized from the move before it)', () => {
  it('records the axis before the move, arms the trigger while it runs, and learns the path acceleration', async () => {
    const { rig, link, calls } = fakes(true);
    const times = new MoveTimes();
    expect(times.predict_s(100)).toBeNull();
    await timedMove(rig, link, times, 'X', { X: -50, Y: 0 });
    expect(calls.slice(0, 4)).toEqual(['record X', 'move {"X":-50,"Y":0}', 'arm X', 'wait']);
    // A 100 µm row predicted from the 50 µm move: 2·√(100/a), with the log's margin.
    const want = 2 * Math.sqrt(100 / ACCEL);
    expect(times.predict_s(100)).toBeGreaterThan(want);
    expect(times.predict_s(100)).toBeLessThan(want * 1.1 + 2e-3);
  });

  it('learns nothing when the recorder never shows the platform arriving', async () => {
    const { rig, link } = fakes(false);
    const times = new MoveTimes();
    await timedMove(rig, link, times, 'X', { X: -50 });
    expect(times.predict_s(100)).toBeNull();
  });
});

describe('MoveTimes margin (a log sized from the learnt duration)', () => {
  const tri = (d: number): number => 2 * Math.sqrt(d / ACCEL);

  it('sizes a log 2 % over the learnt duration, plus the most a move overran that, and 10 % after a log that ended short', () => {
    const times = new MoveTimes();
    times.learn(100, tri(100));
    expect(times.predict_s(400)).toBeCloseTo(tri(400) * 1.02 + 1e-3, 9);
    // A move 3 ms longer than its margined prediction: every later prediction carries those 3 ms.
    times.learn(400, tri(400) * 1.02 + 3e-3);
    expect(times.predict_s(100)).toBeCloseTo(tri(100) * 1.02 + 3e-3 + 1e-3, 9);
    times.missed();
    expect(times.predict_s(100)).toBeCloseTo(tri(100) * 1.1 + 3e-3 + 1e-3, 9);
  });
});
