// The search of a fiber-array alignment, over an ArrayRig: first light on the loopback pair (a square
// spiral of readings), then line scans along one pose axis at a time, each fitted with a parabola in dB
// (a Gaussian coupling is exactly one laterally; near the peak every axis is close to one) whose vertex
// is where the array goes. The objective over the channels is the weakest (min) or the total (sum).
import type { PoseAxisName, PoseValues } from '../../../drivers/roles/hexapod.ts';
import type { ArrayRig, ArraySample } from './array-rig.ts';
import { NoLightError } from './errors.ts';

export type Objective = 'min' | 'sum';

/** The line scans of joint peaking: axis, half span (µm or °), points, averaging factor over `averaging`. */
export const JOINT_ROUNDS: readonly (readonly [PoseAxisName, number, number, number])[] = [
  ['X', 2, 5, 1], ['Y', 2, 5, 1], ['W', 0.15, 5, 1],
  ['Z', 12, 5, 10], ['U', 0.5, 5, 10], ['V', 0.5, 5, 10],
  ['X', 1.5, 5, 10], ['Y', 1.5, 5, 10], ['W', 0.1, 5, 10],
  ['X', 1, 5, 20], ['Y', 1, 5, 20], ['W', 0.06, 5, 20],
];

export function objectiveOf(powers_dBm: readonly number[], objective: Objective, pick?: readonly number[]): number {
  const v = pick ? pick.map((i) => powers_dBm[i] as number) : [...powers_dBm];
  return objective === 'min' ? Math.min(...v) : v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * How much of the channels' mean the search adds to the weakest channel when it maximises `min`. Why:
 * the weakest channel alone leaves the optimum undefined along its own ridge (any pose on which that
 * channel stays at its peak while the others, stronger, stay above it scores the same), and with each
 * channel's level known only to a few hundredths of a dB the pose would be wherever the noise put it.
 * With the mean added at equal weight the optimum is well defined: the weakest channel is traded only
 * for more than as much gained on average over all of them.
 */
export const MIN_MEAN_WEIGHT = 1;

/** What a search maximises: the objective, `min` being the weakest plus MIN_MEAN_WEIGHT × the mean. */
export function scoreOf(powers_dBm: readonly number[], objective: Objective, pick?: readonly number[]): number {
  const base = objectiveOf(powers_dBm, objective, pick);
  return objective === 'min' ? base + MIN_MEAN_WEIGHT * objectiveOf(powers_dBm, 'sum', pick) : base;
}

/** Least-squares parabola y = a + b·x + c·x² through the points. */
export function fitParabola(xs: readonly number[], ys: readonly number[]): { a: number; b: number; c: number } {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  xs.forEach((x, i) => {
    const y = ys[i] as number;
    const x2 = x * x;
    s0 += 1; s1 += x; s2 += x2; s3 += x2 * x; s4 += x2 * x2;
    t0 += y; t1 += x * y; t2 += x2 * y;
  });
  // Normal equations by Cramer's rule (3×3).
  const det = (m: number[][]): number =>
    (m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!)) - (m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!)) + (m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!));
  const M = [[s0, s1, s2], [s1, s2, s3], [s2, s3, s4]];
  const D = det(M);
  if (!(Math.abs(D) > 0)) return { a: t0 / Math.max(1, s0), b: 0, c: 0 };
  const col = (k: number, v: number[]): number[][] => M.map((row, i) => row.map((x, j) => (j === k ? (v[i] as number) : x)));
  return { a: det(col(0, [t0, t1, t2])) / D, b: det(col(1, [t0, t1, t2])) / D, c: det(col(2, [t0, t1, t2])) / D };
}

export interface LineResult {
  axis: PoseAxisName;
  /** Where the array went: the fitted peak of the objective (within the span), or the best point. */
  best: number;
  samples: ArraySample[];
  positions: number[];
}

/** How the channels of a line combine: which of them (indices into the readings) and min or sum. */
export interface LineObjective {
  channels: readonly number[];
  objective: Objective;
}

/**
 * Reads `points` poses across `centre ± span` on `axis`, fits the objective of the listed channels (the
 * weakest, or their mean, in dB) with a parabola and moves to its vertex; a parabola that does not open
 * downwards (flat or noisy) sends the array to the best reading instead.
 */
export async function peakLine(rig: ArrayRig, axis: PoseAxisName, span: number, points: number, goal: LineObjective, phase: string,
  limits: { min: number; max: number }): Promise<LineResult> {
  const centre = (await rig.here())[axis];
  const lo = Math.max(limits.min, centre - span);
  const hi = Math.min(limits.max, centre + span);
  const positions = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const samples: ArraySample[] = [];
  for (const x of positions) samples.push(await rig.sample({ [axis]: x }, phase));
  // The combined objective of each reading, fitted with one parabola: per-channel fits, each from five
  // noisy readings, then combined, were tried and did worse (their noise adds up in the minimum).
  const scores = samples.map((s) => scoreOf(s.powers_dBm, goal.objective, goal.channels));
  const { b, c } = fitParabola(positions.map((x) => x - centre), scores);
  let best = positions[scores.indexOf(Math.max(...scores))] as number;
  if (c < 0) {
    const vertex = centre - b / (2 * c);
    if (vertex >= lo && vertex <= hi) best = vertex;
  }
  await rig.goTo({ [axis]: best });
  return { axis, best, samples, positions };
}

/** Square spiral of poses around the start, `pitch` apart, out to `radius` (X and Y only). */
export function spiralOffsets(radius: number, pitch: number): { dx: number; dy: number }[] {
  const out = [{ dx: 0, dy: 0 }];
  let x = 0, y = 0, leg = 1, dir = 0;
  const dirs = [[1, 0], [0, 1], [-1, 0], [0, -1]] as const;
  while (Math.max(Math.abs(x), Math.abs(y)) * pitch <= radius) {
    for (let rep = 0; rep < 2; rep++) {
      const [ux, uy] = dirs[dir % 4] as readonly [number, number];
      for (let k = 0; k < leg; k++) {
        x += ux;
        y += uy;
        if (Math.max(Math.abs(x), Math.abs(y)) * pitch <= radius) out.push({ dx: x * pitch, dy: y * pitch });
      }
      dir += 1;
    }
    leg += 1;
  }
  return out;
}

/** First light: the spiral until both fibers of the loopback pair see light `threshold_dB` over the dark start. */
export async function firstLight(rig: ArrayRig, opts: { loopback: readonly [number, number]; radius: number; pitch: number; threshold_dB: number; start: PoseValues }): Promise<ArraySample> {
  const idx = opts.loopback.map((ch) => rig.channels.indexOf(ch));
  const lit = (s: ArraySample): number => Math.min(...idx.map((i) => s.powers_dBm[i] as number));
  const first = await rig.sample({ X: opts.start.X, Y: opts.start.Y }, 'first-light');
  const floor = Math.min(lit(first), -50);
  let best = first;
  for (const o of spiralOffsets(opts.radius, opts.pitch).slice(1)) {
    const s = await rig.sample({ X: opts.start.X + o.dx, Y: opts.start.Y + o.dy }, 'first-light');
    if (lit(s) > lit(best)) best = s;
    if (lit(s) >= floor + opts.threshold_dB) return s;
  }
  throw new NoLightError({
    area: `±${opts.radius} µm around (${opts.start.X.toFixed(1)}, ${opts.start.Y.toFixed(1)}) µm on loopback [${opts.loopback.join(', ')}]`,
    threshold_dBm: floor + opts.threshold_dB,
    best_dBm: lit(best),
    bestAt: { x_um: best.pose.X, y_um: best.pose.Y },
    readings: rig.readings,
  });
}
