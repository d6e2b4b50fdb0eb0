// A fiber-array alignment on fly lines (a bench whose hexapod's trigger output is cabled to the
// multiport meter's trigger input): first light by fly rows on the loopback pair, the pair peaked
// laterally, roll from the channels' Y optima, then X, gap, tip and tilt lines, Y and roll solved
// together from one Y and one W line, each channel fitted from the same lines; where X, tip and tilt go
// is decided last, from each channel's level at the solved pose, in the one last move. Each channel's own
// optimum comes from the X line's fit and its (Y, W) model.
import type { PoseAxisName, PoseValues } from '../../../drivers/roles/hexapod.ts';
import type { Fly, ChannelLineFit } from './array-fly-search.ts';
import { firstLightFly, lineEnds, peakFly, rollFromOptima, settle } from './array-fly-search.ts';
import type { ArrayAlignParams } from './array-schema.ts';
import type { LineObjective } from './array-search.ts';
import { channelModel, ownBestYW, solveYW, valueYW } from './array-roll-solve.ts';
import { finalX } from './array-final-x.ts';
import { extendFly, peakBeyond } from './array-fly-extend.ts';
import type { ChannelYW } from './array-roll-solve.ts';

type Limits = Record<PoseAxisName, { min: number; max: number }>;

/**
 * Half span of the first roll line (µm: the pair's row found X already. The row that lights the pair can
 * be as far from its Y optimum as the pair is seen, about 11 µm (see `row_pitch`), and a 0.5° roll puts
 * the outer fibers' optima 4 µm either side of it: so every channel's Y optimum lies on the line) and of
 * the last Y line (flown only without W among the axes: with W, the roll solve's Y line is the last).
 */
export const FIRST_ROLL_SPAN_UM = 16;
export const LAST_SPAN_UM = 3;

/** Joint lines after roll: axis and half span (µm, or ° for U V W). */
// X, then gap, tip and tilt (Z U V on the mean of the channels), all before the roll is corrected: a
// channel's profile along them does not depend on its offset in Y. Where X goes is decided last, once
// the roll is (the weakest channel decides X, and which one is weakest depends on the roll). Tip at
// ±0.2° (the starting errors; its optimum also carries the grating's angle, so it often lies
// beyond): a peak beyond is reached by carrying the line on (array-fly-extend.ts), cheaper than ±0.3°
// lines for every run. Tilt at ±0.15°: a rotation line is acceleration-bound (0.3° takes 77 ms, 0.4°
// 89 ms) and the tilt so flat that what it leaves beyond is hundredths of a dB; measured, worst channel
// 0.033 dB over seeds 1–100 and 0.042 dB over 101–300 (0.034 and 0.043 dB at ±0.2°), median 1.16 s from
// 1.18 s. The tip at ±0.15° as well was faster again (1.12 s) but its worst rose to 0.046 dB on 101–300. After the first roll line, the second
// roll line and the last X line were dropped: with the first roll line as wide as the raster's row pitch
// every channel's Y optimum lies on it, and the Y–W solve and the last lines hold 100/100 without them.
// Every listed axis has its own line: a tilt estimated instead from the channels' gap optima on the Z
// line was never resolved (the gap is too flat: hundredths of a dB over the line), so V was left unaligned.
export const FLY_ROUNDS: readonly (readonly [PoseAxisName | 'roll', number])[] = [
  ['X', 4], ['Z', 12], ['U', 0.2], ['V', 0.15],
];

export interface FlyOptimum {
  channel: number;
  x0_um: number;
  y0_um: number;
  best_dBm: number;
  radius_um: number;
}

export interface FlyAlignResult {
  optima: FlyOptimum[];
  /** Roll corrections made from the channels' slope, degrees. */
  rollSteps_deg: number[];
  lines: number;
}

export async function alignByFly(f: Fly, p: ArrayAlignParams, loopback: readonly [number, number], start: PoseValues, limits: Limits): Promise<FlyAlignResult> {
  const rig = f.rig;
  let lines = 0;
  await firstLightFly(f, { loopback, radius: p.search_radius, rowPitch: p.row_pitch, threshold_dB: p.threshold, start, limits });
  rig.ctx.log(`align: first light on loopback [${loopback.join(', ')}] after ${rig.readings} logged samples`);
  const own = p.channels.map((_, i) => i);
  const objective: LineObjective = { channels: own, objective: p.objective };
  // Z, U, V barely change the coupling: peaked on the mean of the channels (smooth, less noisy than the weakest).
  const mean: LineObjective = { channels: own, objective: 'sum' };
  const rollSteps_deg: number[] = [];
  const roll = async (span: number): Promise<void> => {
    if (!p.axes.includes('W')) return;
    rollSteps_deg.push((await rollFromOptima(f, objective, p.fiber_pitch, span, 'roll', limits)).dW_deg);
    lines += 1;
  };
  // The first line across the channels: each channel's Y optimum (the pair's row found X already).
  await roll(FIRST_ROLL_SPAN_UM);
  // The roll correction rides with the first rotation's move instead of the X line's: a move in W alone
  // is as slow as a rotation line's (about 80 ms for 0.35°, an X line's move ten times), and X and the
  // gap do not need it (each channel's profile along X or Z is the same whatever its offset in Y).
  let heldW = f.pending?.W;
  if (f.pending) delete f.pending.W;
  const release = (): void => {
    if (heldW !== undefined) f.pending = { ...f.pending, W: heldW };
    heldW = undefined;
  };
  // Tip and tilt lines in an L: the tilt line starts where the tip line ends, V set to its line's start
  // in the tip line's move (hardly longer: the path is the larger rotation), so no move comes between
  // them; and their moves back to their peaks join the last move (0.2° alone is 60 ms). With the Y–W solve
  // to follow, the Y and W lines are flown with tip and tilt where their lines ended, and each channel's
  // level at the solved pose is carried back along its own tip and tilt fits (array-final-x.ts's levels).
  const solveFollows = p.axes.includes('W');
  const deferred: Partial<PoseValues> = {};
  let vCentre: number | undefined;
  let wCentre: number | undefined;
  const vSpan = FLY_ROUNDS.find(([a]) => a === 'V')?.[1] ?? 0;
  for (const [axis, span] of FLY_ROUNDS) {
    if (axis === 'roll') {
      release();
      await roll(span);
      continue;
    }
    if (!p.axes.includes(axis)) continue;
    if ('UVW'.includes(axis)) release();
    if (axis === 'U' && solveFollows && p.axes.includes('V')) {
      vCentre = f.pending?.V ?? (await rig.here()).V;
      f.pending = { ...f.pending, V: Math.max(limits.V.min, vCentre - vSpan) };
    }
    if ((axis === 'U' || axis === 'V') && solveFollows && wCentre === undefined) {
      // The roll solve's W line follows the tip and tilt lines with no move before it: W goes to its
      // line's start in this move, at the end nearer where W stands (the path is the larger rotation).
      const now = (await rig.here()).W;
      wCentre = f.pending?.W ?? now;
      f.pending = { ...f.pending, W: wStart(wCentre, now, limits.W) };
    }
    // A peak at the end of the span lies beyond it: the line is carried on past that end (twice at most).
    const goal = 'ZUV'.includes(axis) ? mean : objective;
    let r = await peakFly(f, axis, span, goal, 'joint', limits[axis], axis === 'V' ? vCentre : undefined);
    lines += 1;
    for (let k = 0, ref = r.centre; k < 2 && peakBeyond(r, span, goal, limits[axis], ref); k++) {
      ref = r.best;
      r = await extendFly(f, r, span, goal, 'joint', limits[axis]);
      lines += 1;
    }
    if (solveFollows && (axis === 'U' || axis === 'V') && f.pending?.[axis] !== undefined) {
      deferred[axis] = f.pending[axis];
      delete f.pending[axis];
    }
  }
  release();
  let solved: Awaited<ReturnType<typeof solveRoll>> | undefined;
  if (p.axes.includes('W')) {
    solved = await solveRoll(f, objective, p.fiber_pitch, limits, wCentre);
    rollSteps_deg.push(solved.dW_deg);
    lines += 2;
  }
  const optima = await lastLines(f, p, objective, limits, solved, deferred);
  return { optima, rollSteps_deg, lines: lines + (solved ? 0 : 1) };
}

/**
 * The hexapod's system velocity during the fly lines (VLS, µm/s): the C-887/H-811's largest, 10 mm/s
 * (10 °/s for U V W; PI H-811.I2 datasheet: 10 mm/s, 250 mrad/s), put back afterwards. Short lines are
 * acceleration-limited anyway; the rotation lines and their moves gain.
 */
export const FLY_VELOCITY_UM_S = 10_000;

/** Half spans of the last Y line and W line that Y and roll are solved from together (µm, °). */
export const SOLVE_SPAN_Y_UM = 3;
export const SOLVE_SPAN_W_DEG = 0.12;

/**
 * One W line about the roll the first roll line found, then one Y line where the W line ended (W not
 * moved back: a rotation of 0.12° alone costs 60 ms, the Y line's move 10), every channel fitted on each;
 * Y and W solved together from them (array-roll-solve.ts, the Y line's roll offset taken back). W first,
 * flown straight after the tilt line with its start set in the tip line's move: 100 seeds, median 1.19 s
 * from 1.25 s and worst channel 0.034 dB as with Y first; seeds 101–300: worst 0.043 dB, none failed,
 * against 0.072 dB and one failure with Y first. Returns the roll correction, degrees, the Y line's fits
 * and every read channel's (Y, W) model (null where it has none).
 */
interface Solved {
  dW_deg: number;
  yFits: ChannelLineFit[];
  models: (ChannelYW | null)[];
  /** Each read channel's dB where the solve sent the array (its model there, or its Y fit at the chosen Y). */
  levels: number[];
}

/** The W line's start about roll `tc`: the end nearer `from` (where W stands before it is set), within the limits. */
export function wStart(tc: number, from: number, limits: { min: number; max: number }): number {
  const lo = Math.max(limits.min, tc - SOLVE_SPAN_W_DEG);
  const hi = Math.min(limits.max, tc + SOLVE_SPAN_W_DEG);
  return Math.abs(from - lo) <= Math.abs(from - hi) ? lo : hi;
}

async function solveRoll(f: Fly, goal: LineObjective, pitch_um: number, limits: Limits, centre?: number): Promise<Solved> {
  const tc = centre ?? f.pending?.W ?? (await f.rig.here()).W;
  // The Y the W line is flown at (its move takes any pending Y).
  const yc = { ...(await f.rig.here()), ...f.pending }.Y;
  // W stays where its line ended: the Y line is flown there (no rotation before it), from the end peakFly
  // would pick (Y standing at its centre: the lower). That move depends on nothing the W line measures, so
  // it goes out before the W line's logs are fetched and the fetch runs while the platform moves.
  const [yStart] = lineEnds(yc, SOLVE_SPAN_Y_UM, limits.Y, yc);
  const wLine = await peakFly(f, 'W', SOLVE_SPAN_W_DEG, goal, 'roll', limits.W, tc, { Y: yStart });
  const here = await f.rig.here();
  f.pending = undefined;
  const t1 = here.W - tc;
  const yLine = await peakFly(f, 'Y', SOLVE_SPAN_Y_UM, goal, 'roll', limits.Y, yc);
  const fibers = fiberPlaces_um(f.rig.channels, f.rig.hexapod.loopbacks, pitch_um);
  const all = f.rig.channels.map((_, i) => channelModel(yLine.fits[i] as ChannelLineFit, wLine.fits[i] as ChannelLineFit, fibers[i] as number[], 0, t1));
  const models = goal.channels.map((i) => all[i] ?? null);
  if (models.some((m) => m === null)) {
    f.pending = { Y: yLine.best, W: wLine.best };
    return { dW_deg: wLine.best - tc, yFits: yLine.fits, models: all, levels: levelsOnLine(yLine.fits, yLine.best) };
  }
  const box = {
    y: [Math.max(limits.Y.min, yc - SOLVE_SPAN_Y_UM) - yc, Math.min(limits.Y.max, yc + SOLVE_SPAN_Y_UM) - yc] as [number, number],
    t: [Math.max(limits.W.min, tc - SOLVE_SPAN_W_DEG) - tc, Math.min(limits.W.max, tc + SOLVE_SPAN_W_DEG) - tc] as [number, number],
  };
  const { y, t } = solveYW(models as ChannelYW[], goal.objective, box);
  f.pending = { Y: yc + y, W: tc + t };
  const levels = all.map((m, i) => (m ? valueYW(m, y, t) : (levelsOnLine(yLine.fits, yc + y)[i] as number)));
  return { dW_deg: t, yFits: yLine.fits, models: all, levels };
}

/** A channel's dB on its line fit at `x` (0 without a fit that opens downwards: taken as flat). */
function alongFit(g: ChannelLineFit | undefined, x: number): number {
  return g && g.c < 0 ? g.a + g.b * (x - g.centre) + g.c * (x - g.centre) ** 2 : 0;
}

/** Each channel's dB on its line's fit at `x`. */
function levelsOnLine(fits: readonly ChannelLineFit[], x: number): number[] {
  return fits.map((g) => g.a + g.b * (x - g.centre) + g.c * (x - g.centre) ** 2);
}

/** A model's own best, or null without one (or when its quadratic has no top). */
function ownBest(m: ChannelYW | null | undefined): number | null {
  const v = m ? ownBestYW(m) : Number.NaN;
  return Number.isFinite(v) ? v : null;
}

/**
 * The places along the array (µm from the read channels' middle, where the pivot sits) of the fibers on
 * each read channel's path: a looped-back channel's two fibers, or the one fiber of a mirrored coupler.
 */
export function fiberPlaces_um(channels: readonly number[], loopbacks: readonly (readonly [number, number])[], pitch_um: number): number[][] {
  const mid = ((Math.min(...channels) + Math.max(...channels)) / 2) * pitch_um;
  return channels.map((ch) => {
    const pair = loopbacks.find(([a, b]) => a === ch || b === ch);
    return (pair ? [pair[0], pair[1]] : [ch]).map((fiber) => fiber * pitch_um - mid);
  });
}

/**
 * Each channel's own optimum: its best on the last Y line plus what it would still gain along X by its
 * fit on the X line (a Gaussian's dB is the sum of its X and Y parts), both lines logging every channel at
 * once. With roll among the axes the last Y line is the roll solve's, and a channel's best is the top of
 * its (Y, W) model (a looped-back pair's two fibers roll apart, so its top along Y depends on the roll; a
 * single fiber's does not); without, a Y line is flown here from where the last X line sent the array.
 */
async function lastLines(f: Fly, p: ArrayAlignParams, objective: LineObjective, limits: Limits, solved: Solved | undefined,
  deferred: Partial<PoseValues>): Promise<FlyOptimum[]> {
  const xFits = f.lastFits?.X;
  const here = await f.rig.here();
  const x = f.pending?.X ?? here.X;
  let fits = solved?.yFits;
  let levels = solved?.levels;
  if (!fits) {
    const last = await peakFly(f, 'Y', LAST_SPAN_UM, objective, 'channel-optimum', limits.Y);
    fits = last.fits;
    levels = levelsOnLine(last.fits, last.best);
  }
  // A deferred axis's move back to its peak: each channel's level carried there along its own fit (its
  // own optimum below too: it was measured with the axis where its line ended).
  const shift = f.rig.channels.map((_, i) => (Object.entries(deferred) as [PoseAxisName, number][])
    .reduce((sum, [axis, to]) => sum + alongFit(f.lastFits?.[axis]?.[i], to) - alongFit(f.lastFits?.[axis]?.[i], here[axis]), 0));
  if (levels) levels = levels.map((v, i) => v + (shift[i] as number));
  // X was flown first, before the roll was corrected: where it goes is decided here, from every channel's
  // level at the solved pose (array-final-x.ts), and joins the last move.
  const xRange = f.lastRanges?.X;
  f.pending = { ...f.pending, ...deferred };
  if (xFits && xRange && levels) f.pending = { ...f.pending, X: finalX(levels, xFits, x, objective, xRange[0], xRange[1]) };
  // Left running: the caller readies the meter for the final reading meanwhile, then waits for the platform.
  await settle(f, { wait: false });
  return p.channels.map((channel, i) => {
    const fy = (fits as ChannelLineFit[])[i] as ChannelLineFit;
    const fx = xFits?.[i];
    const along = (g: ChannelLineFit, at: number): number => g.a + g.b * (at - g.centre) + g.c * (at - g.centre) ** 2;
    const gainX = fx && fx.c < 0 ? Math.max(0, fx.peak_dBm - along(fx, x)) : 0;
    const cMean = fx ? (fx.c + fy.c) / 2 : fy.c;
    return {
      channel,
      x0_um: fx?.peak ?? x,
      y0_um: fy.peak,
      best_dBm: (ownBest(solved?.models[i]) ?? fy.peak_dBm) + gainX + (shift[i] as number),
      // Gaussian in linear power is a parabola in dB: c = −(10/ln 10)·2/R².
      radius_um: cMean < 0 ? Math.sqrt((-20 / Math.LN10) / cMean) : Number.NaN,
    };
  });
}
