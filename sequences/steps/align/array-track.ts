// Holding a fiber array's pose through a long step or a cure (`track: { for, every, drop }`): every
// `every` seconds one reading of all channels; when any listed channel has fallen `drop` below its own
// level right after the alignment, X, Y and Z are peaked again (the cure pulls sideways and down; Y
// and the rotations hold). Why each channel and not the objective: with `min` the weakest channel can
// sit where a sideways pull costs it little while the others lose several times as much, and the goal
// is every channel near its optimum.
import type { StepContext } from '../../step.ts';
import type { ArrayRig } from './array-rig.ts';
import type { ArrayAlignParams } from './array-schema.ts';
import { objectiveOf, peakLine } from './array-search.ts';
import type { LineObjective } from './array-search.ts';
import type { Fly } from './array-fly-search.ts';
import { peakFly, settle } from './array-fly-search.ts';
import { AlignError } from './errors.ts';

export const ARRAY_TRACK_TABLE = 'align_track';
export const TRACK_COLUMNS = ['t_s', 'objective_dB', 'min_channel_dBm', 'max_drop_dB', 'repeaked'];

/** The largest fall of any channel below its reference, dB. */
export function maxDrop_dB(reference_dBm: readonly number[], now_dBm: readonly number[]): number {
  return Math.max(...reference_dBm.map((r, i) => r - (now_dBm[i] as number)));
}

/**
 * Holds the pose for `track.for` seconds (bench time passing in the context's waits); `aligned_dBm`
 * is each listed channel's reading right after the alignment. Returns the number of re-peaks.
 */
export async function holdPose(ctx: StepContext, rig: ArrayRig, p: ArrayAlignParams, aligned_dBm: readonly number[], fly: Fly | null): Promise<number> {
  const t = p.track;
  if (!t || t.for <= 0) return 0;
  if (!ctx.wait_s) throw new AlignError('align: track needs a step context that can wait (the engine provides one)');
  const start = ctx.now_s();
  const limits = rig.hexapod.poseLimits;
  const own = p.channels.map((_, i) => i);
  const score: LineObjective = { channels: own, objective: p.objective };
  // The gap barely changes the coupling: peaked on the mean of the channels, as in the alignment.
  const mean: LineObjective = { channels: own, objective: 'sum' };
  let repeaks = 0;
  await rig.averaging(p.final_averaging);
  while (ctx.now_s() - start < t.for) {
    await ctx.wait_s(Math.min(t.every, t.for - (ctx.now_s() - start)));
    const powers = (await rig.read()).slice(0, p.channels.length);
    const drop = maxDrop_dB(aligned_dBm, powers);
    const repeak = drop > t.drop;
    await ctx.point(ARRAY_TRACK_TABLE, {
      t_s: round(ctx.now_s() - start), objective_dB: round(objectiveOf(powers, p.objective)), min_channel_dBm: round(Math.min(...powers)),
      max_drop_dB: round(drop), repeaked: repeak,
    });
    if (!repeak) continue;
    repeaks += 1;
    // Step-and-read readings averaged as the late joint rounds, or the noise would walk the pose.
    await rig.averaging(p.averaging * 10);
    for (const axis of ['X', 'Y', 'Z'] as const) {
      if (!p.axes.includes(axis)) continue;
      const goal = axis === 'Z' ? mean : score;
      if (fly) await peakFly(fly, axis, axis === 'Z' ? 6 : 3, goal, 'track', limits[axis]);
      else await peakLine(rig, axis, axis === 'Z' ? 4 : 1, axis === 'Z' ? 3 : 5, goal, 'track', limits[axis]);
    }
    if (fly) await settle(fly);
    await rig.averaging(p.final_averaging);
  }
  return repeaks;
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : -999;
}
