// A fly line whose objective peaked at an end of the range it covered: the peak lies beyond it. The line
// is carried on from where the platform stopped, past that end by one more span, and every channel is
// fitted again over all the samples of both (one profile along the axis, the other axes unchanged).
// Why not fly a fresh line centred on the end, as before: that costs a move back to its start, and the
// samples already taken are thrown away. Why only when the line gained: an axis as flat as the gap or
// the tilt often peaks at an end by noise alone; see REPEAT_GAIN_DB.
import type { PoseAxisName } from '../../../drivers/roles/hexapod.ts';
import type { Fly, PeakedLine } from './array-fly-search.ts';
import { bestOnLine, fitChannels, objectiveOnLine } from './array-fly-search.ts';
import type { FlyLine } from './array-fly.ts';
import { flyLine } from './array-fly.ts';
import type { LineObjective } from './array-search.ts';

/**
 * Least gain of the objective (dB, or the score of `min`) from the line's reference point (its centre, or
 * the last line's peak) to the end it peaked at for the line to be carried on. Why this much: on a concave
 * objective whose peak lies within one more span beyond the end, what is left there is at most a third of
 * what the line gained (gain k·L(L+2d) against k·d², d ≤ L), so a line that gained less than 0.03 dB leaves
 * under 0.01 dB; what it gained more often is noise on a flat axis (0.02 dB seen on the tilt's).
 */
export const REPEAT_GAIN_DB = 0.03;

/** Whether the line peaked at an end of what it covered (within a tenth of `span`), not at a soft limit, and gained enough there. */
export function peakBeyond(r: PeakedLine, span: number, goal: LineObjective, limits: { min: number; max: number }, reference = r.centre): boolean {
  const atLo = r.best - r.lo < 0.1 * span && r.lo > limits.min;
  const atHi = r.hi - r.best < 0.1 * span && r.hi < limits.max;
  if (!atLo && !atHi) return false;
  return objectiveOnLine(r.fits, goal, r.best) - objectiveOnLine(r.fits, goal, reference) > REPEAT_GAIN_DB;
}

/**
 * Carries line `r` on past the end it peaked at by `span`, from where the platform stands (its last line's
 * end), and fits every channel over both lines' samples; the array is sent (pending) to the new peak.
 */
export async function extendFly(f: Fly, r: PeakedLine, span: number, goal: LineObjective, phase: string,
  limits: { min: number; max: number }): Promise<PeakedLine> {
  const axis: PoseAxisName = r.line.axis;
  const up = r.hi - r.best <= r.best - r.lo;
  const to = up ? Math.min(limits.max, r.hi + span) : Math.max(limits.min, r.lo - span);
  // Continuing from where the last line stopped: no move to a start (flyLine waits for the last one to
  // have settled before arming the meter: the output rises only when a new move starts).
  f.pending = undefined;
  const line = await flyLine(f.rig, f.link, f.times, axis, to, phase);
  const lo = Math.min(r.lo, to);
  const hi = Math.max(r.hi, to);
  const both: FlyLine = { axis, from: r.line.from, to, samples: [...r.line.samples, ...line.samples] };
  const fits = fitChannels(both, f.rig.channels.map((_, i) => i), r.centre);
  const best = bestOnLine(fits, goal, lo, hi);
  f.pending = { [axis]: best };
  f.lastFits = { ...f.lastFits, [axis]: fits };
  f.lastRanges = { ...f.lastRanges, [axis]: [lo, hi] };
  return { best, fits, line: both, centre: r.centre, lo, hi };
}
