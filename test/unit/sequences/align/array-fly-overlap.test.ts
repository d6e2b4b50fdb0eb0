// A line's logs fetched while the next move runs (array-fly.ts flyLine's `next`, array-fly-search.ts
// peakFly's): that move goes out after the line's recorder trace is read (the recorder restarts with each
// move) and before its logs are fetched; the next line, centred where it was planned, moves no more.
import { describe, expect, it } from 'vitest';
import type { PoseValues, RecordedLine } from '../../../../drivers/roles/hexapod.ts';
import type { ArrayRig } from '../../../../sequences/steps/align/array-rig.ts';
import type { FlyLink } from '../../../../sequences/steps/align/array-fly.ts';
import { MoveTimes, flyLine } from '../../../../sequences/steps/align/array-fly.ts';
import type { Fly } from '../../../../sequences/steps/align/array-fly-search.ts';
import { peakFly } from '../../../../sequences/steps/align/array-fly-search.ts';
import { triangleTrace } from './recorded-trace.ts';

const ACCEL = 200_000;

function fakes(): { rig: ArrayRig; link: FlyLink; calls: string[] } {
  const calls: string[] = [];
  let pose: PoseValues = { X: 0, Y: 0, Z: 0, U: 0, V: 0, W: 0 };
  let last = { axis: 'X' as keyof PoseValues, from: 0, to: 0 };
  const rig = {
    channels: [1, 2],
    readings: 0,
    ctx: { now_s: () => 0 },
    here: async () => ({ ...pose }),
    checkBudget: async () => undefined,
    loggingStarted: () => undefined,
    record: async () => undefined,
    goTo: async (t: Partial<PoseValues>) => {
      const change = Object.fromEntries(Object.entries(t).filter(([a, v]) => pose[a as keyof PoseValues] !== v));
      if (Object.keys(change).length === 0) return;
      calls.push(`move ${JSON.stringify(change)}`);
      const axis = Object.keys(change)[0] as keyof PoseValues;
      last = { axis, from: pose[axis], to: change[axis] as number };
      pose = { ...pose, ...change };
    },
  } as unknown as ArrayRig;
  const hexapod = {
    loopbacks: [],
    recordAxis: async (a: string) => void calls.push(`record ${a}`),
    armMotionStartTrigger: async (a: string) => void calls.push(`arm ${a}`),
    waitForMotion: async () => void calls.push('wait'),
    isReachable: async () => true,
    recordedLine: async (axis: keyof PoseValues): Promise<RecordedLine> => {
      calls.push(`recorder ${axis}`);
      return triangleTrace(axis, last.from, last.to, ACCEL);
    },
  };
  const meter = {
    startLoggingAll: async () => void calls.push('meter armed'),
    waitLoggingAll: async () => void calls.push('meter done'),
    fetchLogs_W: async () => {
      calls.push('fetch');
      return [[1e-3, 2e-3, 1e-3], [1e-3, 2e-3, 1e-3]];
    },
  };
  return { rig, link: { hexapod, meter, sampleTime_s: 5e-4 } as unknown as FlyLink, calls };
}

function learnt(): MoveTimes {
  const times = new MoveTimes();
  times.learn(10, 2 * Math.sqrt(10 / ACCEL));
  return times;
}

describe('a line’s logs fetched while the next move runs', () => {
  it('flyLine commands `next` after the recorder trace is read and before the logs are fetched', async () => {
    const { rig, link, calls } = fakes();
    await rig.goTo({ X: -4 }, { wait: false });
    const line = await flyLine(rig, link, learnt(), 'X', 4, 'joint', undefined, () => rig.goTo({ Y: -3 }, { wait: false }));
    expect(calls.slice(calls.indexOf('meter done'))).toEqual(['meter done', 'recorder X', 'move {"Y":-3}', 'fetch']);
    // The samples are placed on the line's own trace, not on the move after it.
    expect(line.samples).toHaveLength(3);
    expect(line.samples.every((s) => s.pose.Y === 0)).toBe(true);
  });

  it('without `next`, the logs are fetched as soon as the recorder is read', async () => {
    const { rig, link, calls } = fakes();
    await rig.goTo({ X: -4 }, { wait: false });
    await flyLine(rig, link, learnt(), 'X', 4, 'joint');
    expect(calls.slice(calls.indexOf('meter done'))).toEqual(['meter done', 'recorder X', 'fetch']);
  });

  it('peakFly: a W line then a Y line from the start its `next` moved to, with no move of its own before it', async () => {
    const { rig, link, calls } = fakes();
    const f: Fly = { rig, link, times: learnt() };
    const goal = { channels: [0, 1], objective: 'min' as const };
    await peakFly(f, 'W', 0.12, goal, 'roll', { min: -5, max: 5 }, 0, { Y: -3 });
    const fetchW = calls.indexOf('fetch');
    expect(calls.slice(fetchW - 2, fetchW + 1)).toEqual(['recorder W', 'move {"Y":-3}', 'fetch']);
    f.pending = undefined;
    await peakFly(f, 'Y', 3, goal, 'roll', { min: -100, max: 100 }, 0);
    // The Y line's arming follows the W line's fetch straight away, then its own line's move to +3.
    expect(calls.slice(fetchW + 1, fetchW + 4)).toEqual(['arm Y', 'record Y', 'meter armed']);
    expect(calls.filter((c) => c.startsWith('move')).slice(-2)).toEqual(['move {"Y":-3}', 'move {"Y":3}']);
  });
});
