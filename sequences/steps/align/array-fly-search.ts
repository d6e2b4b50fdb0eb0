// The search of a fiber-array alignment on fly lines (array-fly.ts): first light by a raster of fly
// rows on the loopback pair, then lines along one pose axis at a time, every channel fitted on its own
// from the same line (a parabola in dB: exact for a Gaussian laterally, close to one near any peak), the
// array sent where the objective of the fitted channels (the weakest, or their mean) peaks. Roll comes
// from the channels' own Y optima: their slope across the array is the roll error, no stepping.
import type { PoseAxisName, PoseValues } from '../../../drivers/roles/hexapod.ts';
import type { ArrayRig, ArraySample } from './array-rig.ts';
import type { FlyLink, FlyLine, MoveTimes } from './array-fly.ts';
import { flyLine, timedMove } from './array-fly.ts';
import type { LineObjective } from './array-search.ts';
import { fitParabola, scoreOf } from './array-search.ts';
import { NoLightError } from './errors.ts';

/** Samples more than this below a channel's brightest are left out of its fit (floor and far tails). */
const FIT_WINDOW_DB = 20;

export interface ChannelLineFit {
  /** Index into the rig's channels. */
  index: number;
  /** P(x) = a + b·(x − centre) + c·(x − centre)², dB. */
  a: number;
  b: number;
  c: number;
  centre: number;
  /** The vertex when the parabola opens downwards within reach, else the brightest sample. */
  peak: number;
  peak_dBm: number;
}

export interface Fly {
  rig: ArrayRig;
  link: FlyLink;
  times: MoveTimes;
  /**
   * Where the last line decided to go, not yet moved to: joined with the next line's move to its start
   * (one coordinated move instead of two); settle() moves there.
   */
  pending?: Partial<PoseValues>;
  /** Each axis's last line's channel fits, and the range it covered. */
  lastFits?: Partial<Record<PoseAxisName, ChannelLineFit[]>>;
  lastRanges?: Partial<Record<PoseAxisName, [number, number]>>;
}

/** Moves to where the last line decided (before a reading or the end of the search); `wait: false` leaves the move running. */
export async function settle(f: Fly, opts: { wait?: boolean } = {}): Promise<void> {
  const p = f.pending;
  f.pending = undefined;
  if (p && Object.keys(p).length > 0) await f.rig.goTo(p, opts);
}

/** Each listed channel fitted from one line's samples. */
export function fitChannels(line: FlyLine, indices: readonly number[], centre: number): ChannelLineFit[] {
  return indices.map((index) => {
    const pts = line.samples.map((s) => ({ x: s.pose[line.axis] - centre, y: s.powers_dBm[index] as number })).filter((p) => Number.isFinite(p.y));
    const top = Math.max(...pts.map((p) => p.y));
    const used = pts.filter((p) => p.y >= top - FIT_WINDOW_DB);
    const brightest = pts.find((p) => p.y === top) ?? { x: 0, y: -Infinity };
    const { a, b, c } = used.length >= 3 ? fitParabola(used.map((p) => p.x), used.map((p) => p.y)) : { a: top, b: 0, c: 0 };
    const lo = Math.min(...used.map((p) => p.x));
    const hi = Math.max(...used.map((p) => p.x));
    const vertex = c < 0 ? -b / (2 * c) : Number.NaN;
    const inside = vertex >= lo - 0.25 * (hi - lo) && vertex <= hi + 0.25 * (hi - lo);
    const peak = inside ? vertex : brightest.x;
    const peak_dBm = inside ? a + b * vertex + c * vertex * vertex : brightest.y;
    return { index, a, b, c, centre, peak: centre + peak, peak_dBm };
  });
}

/** Where along the line the objective of the fitted channels peaks (grid over the flown span). */
export function bestOnLine(fits: readonly ChannelLineFit[], goal: LineObjective, lo: number, hi: number): number {
  const chosen = fits.filter((f) => goal.channels.includes(f.index));
  // With `sum` the mean of the parabolas is the parabola of the mean, whatever each one's sign (a flat
  // axis such as the gap, where single channels' fits are noise); with `min`, a channel without a
  // downward parabola (flat or noisy) would decide alone: go by the mean of the peaks instead.
  if (goal.objective === 'min' && chosen.some((f) => !(f.c < 0))) {
    return Math.min(hi, Math.max(lo, chosen.reduce((s, f) => s + f.peak, 0) / Math.max(1, chosen.length)));
  }
  let best = lo;
  let bestScore = -Infinity;
  const n = 400;
  for (let k = 0; k <= n; k++) {
    const x = lo + ((hi - lo) * k) / n;
    const p = chosen.map((f) => f.a + f.b * (x - f.centre) + f.c * (x - f.centre) ** 2);
    const score = scoreOf(p, goal.objective);
    if (score > bestScore) {
      bestScore = score;
      best = x;
    }
  }
  return best;
}

/** The objective of the fitted channels (their parabolas) at `x` along the line. */
export function objectiveOnLine(fits: readonly ChannelLineFit[], goal: LineObjective, x: number): number {
  const chosen = fits.filter((f) => goal.channels.includes(f.index));
  return scoreOf(chosen.map((f) => f.a + f.b * (x - f.centre) + f.c * (x - f.centre) ** 2), goal.objective);
}

/** A line flown and fitted: where it sent the array, the range it covered, its centre. */
export interface PeakedLine {
  best: number;
  fits: ChannelLineFit[];
  line: FlyLine;
  centre: number;
  lo: number;
  hi: number;
}

/** A line's start and end across centre ± span within the limits: from the end nearer `from`. */
export function lineEnds(centre: number, span: number, limits: { min: number; max: number }, from: number): [number, number] {
  const lo = Math.max(limits.min, centre - span);
  const hi = Math.min(limits.max, centre + span);
  return Math.abs(from - lo) <= Math.abs(from - hi) ? [lo, hi] : [hi, lo];
}

/**
 * One line across centre ± span on `axis` (centre: `centreAt`, or where the axis is going or stands):
 * every channel fitted, the array sent (pending) to the objective's peak. `next`: a move that does not
 * depend on this line's fit, commanded before its logs are fetched (flyLine's `next`).
 */
export async function peakFly(f: Fly, axis: PoseAxisName, span: number, goal: LineObjective, phase: string,
  limits: { min: number; max: number }, centreAt?: number, next?: Partial<PoseValues>): Promise<PeakedLine> {
  const centre = centreAt ?? f.pending?.[axis] ?? (await f.rig.here())[axis];
  const lo = Math.max(limits.min, centre - span);
  const hi = Math.min(limits.max, centre + span);
  // From whichever end is nearer (the pending move's target included).
  const here = { ...(await f.rig.here()), ...f.pending };
  const [a, b] = lineEnds(centre, span, limits, here[axis]);
  // Not waited for: flyLine sets the output and the recorder meanwhile, then waits.
  await f.rig.goTo({ ...f.pending, [axis]: a }, { wait: false });
  f.pending = undefined;
  const line = await flyLine(f.rig, f.link, f.times, axis, b, phase, undefined, next && (() => f.rig.goTo(next, { wait: false })));
  const fits = fitChannels(line, f.rig.channels.map((_, i) => i), centre);
  const best = bestOnLine(fits, goal, lo, hi);
  f.pending = { [axis]: best };
  f.lastFits = { ...f.lastFits, [axis]: fits };
  f.lastRanges = { ...f.lastRanges, [axis]: [lo, hi] };
  return { best, fits, line, centre, lo, hi };
}

/** Each read channel's place along the array (µm from the channels' middle), a loopback channel at its pair's midpoint. */
export function channelPlaces_um(channels: readonly number[], loopbacks: readonly (readonly [number, number])[], pitch_um: number): number[] {
  // About the middle of the channels: the pivot sits at the array's facet centre, so a roll moves that
  // point nowhere (with channels spanning the array, their middle is it).
  const mid = ((Math.min(...channels) + Math.max(...channels)) / 2) * pitch_um;
  return channels.map((ch) => {
    const pair = loopbacks.find(([a, b]) => a === ch || b === ch);
    return (pair ? (pair[0] + pair[1]) / 2 : ch) * pitch_um - mid;
  });
}

/**
 * Roll from the channels' own Y optima on one Y line: their slope across the array is the roll error
 * (single-coupler channels only, when there are two: a loopback's optimum is its pair's midpoint); W
 * is corrected by it and Y sent to the channels' mean optimum. No stepping in roll.
 */
export async function rollFromOptima(f: Fly, goal: LineObjective, pitch_um: number, span: number, phase: string,
  limits: Record<PoseAxisName, { min: number; max: number }>): Promise<{ dW_deg: number; fits: ChannelLineFit[] }> {
  const { fits } = await peakFly(f, 'Y', span, goal, phase, limits.Y);
  const places = channelPlaces_um(f.rig.channels, f.rig.hexapod.loopbacks, pitch_um);
  const here = { ...(await f.rig.here()), ...f.pending };
  const paired = new Set(f.rig.hexapod.loopbacks.flat());
  const own = fits.filter((x) => x.c < 0 && goal.channels.includes(x.index));
  const single = own.filter((x) => !paired.has(f.rig.channels[x.index] as number));
  const use = single.length >= 2 ? single : own;
  if (use.length < 2) return { dW_deg: 0, fits };
  const xs = use.map((x) => places[x.index] as number);
  const ys = use.map((x) => x.peak);
  const mx = xs.reduce((a, v) => a + v, 0) / xs.length;
  const my = ys.reduce((a, v) => a + v, 0) / ys.length;
  const slope = xs.reduce((a, v, i) => a + (v - mx) * ((ys[i] as number) - my), 0) / xs.reduce((a, v) => a + (v - mx) ** 2, 0);
  const W = Math.min(limits.W.max, Math.max(limits.W.min, here.W + (Math.atan(slope) * 180) / Math.PI));
  // Y where the fitted line crosses the array's middle (the pivot's place).
  f.pending = { W, Y: Math.min(limits.Y.max, Math.max(limits.Y.min, my - slope * mx)) };
  return { dW_deg: W - here.W, fits };
}

/**
 * First light: fly rows along X across start ± (radius − rowPitch/2), rows `rowPitch` apart in Y from
 * the start outwards, logging only the loopback pair; the first row where both of its fibers rise
 * `threshold_dB` over the darkest reading seen ends the raster at its brightest sample (left pending:
 * settle() or the next line moves there).
 */
export async function firstLightFly(f: Fly, opts: { loopback: readonly [number, number]; radius: number; rowPitch: number; threshold_dB: number; start: PoseValues;
  limits: Record<PoseAxisName, { min: number; max: number }> }): Promise<ArraySample> {
  const idx = opts.loopback.map((ch) => f.rig.channels.indexOf(ch));
  const lit = (s: ArraySample): number => Math.min(...idx.map((i) => s.powers_dBm[i] as number));
  const clampTo = (a: PoseAxisName, v: number): number => Math.min(opts.limits[a].max, Math.max(opts.limits[a].min, v));
  // A row sees the pair a half row pitch either side of it (row_pitch is chosen so), along the row as
  // across it: rows, and their ends, within that of the square's edge cover it.
  const reach = Math.max(0, opts.radius - opts.rowPitch / 2);
  const n = Math.ceil(reach / opts.rowPitch - 1e-9);
  const rows = [0];
  for (let k = 1; k <= n; k++) rows.push(k, -k);
  const xLo = clampTo('X', opts.start.X - reach);
  const xHi = clampTo('X', opts.start.X + reach);
  let floor = Infinity;
  let best = null as ArraySample | null;
  let toHi = true;
  await timedMove(f.rig, f.link, f.times, 'X', { X: xLo, Y: opts.start.Y });
  for (const row of rows) {
    // Not waited for: flyLine sets the output and the recorder meanwhile, then waits.
    await f.rig.goTo({ Y: clampTo('Y', opts.start.Y + row * opts.rowPitch) }, { wait: false });
    const line = await flyLine(f.rig, f.link, f.times, 'X', toHi ? xHi : xLo, 'first-light', idx);
    toHi = !toHi;
    for (const s of line.samples) {
      floor = Math.min(floor, lit(s));
      if (!best || lit(s) > lit(best)) best = s;
    }
    if (best && lit(best) >= Math.min(floor, -50) + opts.threshold_dB) {
      // Pending, not moved to: the next line's move to its start goes there in the same move.
      f.pending = { X: best.pose.X, Y: best.pose.Y };
      return best;
    }
  }
  throw new NoLightError({
    area: `±${opts.radius} µm around (${opts.start.X.toFixed(1)}, ${opts.start.Y.toFixed(1)}) µm on loopback [${opts.loopback.join(', ')}]`,
    threshold_dBm: Math.min(floor, -50) + opts.threshold_dB,
    best_dBm: best ? lit(best) : -Infinity,
    bestAt: { x_um: best?.pose.X ?? opts.start.X, y_um: best?.pose.Y ?? opts.start.Y },
    readings: f.rig.readings,
  });
}
