// The finish of software-timed fly scans: each axis peaked once more by step-and-read around the fly
// estimate, every reading taken at rest where the stage was sent, the points approached the way the final
// move will approach the centre. Why: a software-timed log is placed from when its start and its move's
// commands are thought to have taken effect (fly.ts), and each exchange's own latency varies (a LAN
// meter's by a few tenths of a millisecond, now and then by several): at the speed a line crosses the
// peak (1 mm/s and more) that moves each line's samples by its own few tenths of a micrometre. A fit with
// one lag for every line (timing-lag.ts) cannot take out what differs from line to line, and out-and-back
// pairs (pairs.ts) cancel only what the two lines share. Readings at rest need no timing at all; three per
// axis fix the top of a Gaussian profile (a parabola in dB), and all of them run in one direction, so the
// stage's play is taken up as on the final move. Used only where the link's measured spread at the
// crossing speed exceeds the accuracy asked for (restPeakReason): hardware-started logs (a motion-start
// trigger) and links that repeat their latency keep the faster timing check (finish.ts).
import { APPROACH_UM } from './approach.ts';
import { LostLightError } from './errors.ts';
import type { Frame, Refined } from './fine.ts';
import type { FlySegment } from './fly.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';

type Axis = 'x' | 'y';

/** The step either side of the centre, in profile radii: the power there is 2.2 dB down, well above the noise. */
const STEP_RADII = 0.5;
/** Rounds per axis while the top lies outside the three points (each re-centres on the brighter side). */
const MAX_ROUNDS = 3;

export interface AxisPeak {
  /** The top of the parabola through the three readings, or undefined when it lies outside them or they do not curve down. */
  centre_um?: number;
  /** The brightest of the three positions (where to look next when `centre_um` is undefined). */
  brightest_um: number;
}

/**
 * The top of a parabola (in dB) through readings at c − h, c, c + h: exact for a Gaussian profile.
 * Undefined when the readings do not curve down or the top lies more than h from c.
 */
export function parabolaTop(c_um: number, h_um: number, p_dBm: readonly [number, number, number]): AxisPeak {
  const [lo, mid, hi] = p_dBm;
  const brightest_um = [lo, mid, hi].every((v) => !Number.isFinite(v)) ? c_um : lo >= mid && lo >= hi ? c_um - h_um : hi > mid && hi > lo ? c_um + h_um : c_um;
  if (![lo, mid, hi].every(Number.isFinite)) return { brightest_um };
  const curvature = lo - 2 * mid + hi;
  if (!(curvature < 0)) return { brightest_um };
  const offset = (h_um * (lo - hi)) / (2 * curvature);
  return Math.abs(offset) <= h_um ? { centre_um: c_um + offset, brightest_um } : { brightest_um };
}

const along = (p: Point_um, axis: Axis): number => (axis === 'x' ? p.x_um : p.y_um);
const withAxis = (p: Point_um, axis: Axis, v: number): Point_um => (axis === 'x' ? { ...p, x_um: v } : { ...p, y_um: v });

/**
 * Moves to `to`, the moved axes' last APPROACH_UM run in `frame`'s direction (each backs off first when
 * it would not): the play is then taken up the same way at every point.
 */
async function approachedMove(rig: AlignRig, to: Point_um, frame: Required<Frame>): Promise<void> {
  const at = rig.at ?? (await rig.position());
  let via = { ...to }, back = false;
  for (const axis of ['x', 'y'] as const) {
    const d = frame[axis], from = along(at, axis), target = along(to, axis);
    if (Math.abs(target - from) > 1e-6 && d * (target - from) < APPROACH_UM) {
      via = withAxis(via, axis, target - d * APPROACH_UM);
      back = true;
    }
  }
  if (back) await rig.moveTo(via);
  await rig.moveTo(to);
}

/** One axis peaked by step-and-read around `centre` (the other axis held), µm along it. */
async function axisPeak(rig: AlignRig, axis: Axis, centre: Point_um, h_um: number, frame: Required<Frame>, averaging_s: number): Promise<number> {
  const d = frame[axis];
  let c = along(centre, axis);
  let brightest = c;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const read: number[] = [];
    // Visited in the frame's direction, the first point approached from before it.
    for (const k of [-1, 0, 1]) {
      await rig.checkpoint();
      const p = withAxis(centre, axis, c + d * k * h_um);
      await approachedMove(rig, p, frame);
      const power = await rig.read_dBm(averaging_s);
      await rig.note(p, power, 'final peak (step-and-read)');
      read.push(power);
    }
    if (read.every((v) => !Number.isFinite(v))) {
      throw new LostLightError(`align: light lost during the step-and-read axis peak along ${axis} around (${centre.x_um.toFixed(2)}, ${centre.y_um.toFixed(2)}) µm`);
    }
    // Ordered by position for the parabola (the frame may have visited them downwards).
    const byPosition = (d === 1 ? read : [...read].reverse()) as [number, number, number];
    const top = parabolaTop(c, h_um, byPosition);
    if (top.centre_um !== undefined) return top.centre_um;
    brightest = top.brightest_um;
    c = brightest;
  }
  return brightest;
}

/** The frame to peak in: the fly estimate's directions, + for an axis it does not fix. */
function restFrame(frame: Frame | undefined): Required<Frame> {
  return { x: frame?.x ?? 1, y: frame?.y ?? 1 };
}

/**
 * Both axes of `r` peaked by step-and-read (x, then y at the new x), left at the new centre approached
 * the frame's way; `r` otherwise kept (its fit and line tops stay the evidence of the peak power).
 */
export async function restPeak(rig: AlignRig, r: Refined, averaging_s: number, why: string): Promise<Refined> {
  rig.phase = 'final peak (step-and-read)';
  const frame = restFrame(r.frame);
  const h = STEP_RADII * r.radius_um;
  const x = await axisPeak(rig, 'x', r.centre, h, frame, averaging_s);
  const y = await axisPeak(rig, 'y', { ...r.centre, x_um: x }, h, frame, averaging_s);
  // The final move's approach, done here: each axis's last stretch in its frame's direction (an axis not
  // moved since its peak was approached that way already).
  await approachedMove(rig, { x_um: x, y_um: y }, frame);
  const moved = `(${(x - r.centre.x_um).toFixed(2)}, ${(y - r.centre.y_um).toFixed(2)}) µm`;
  return {
    ...r, centre: { x_um: x, y_um: y }, frame,
    notes: [...r.notes, `finished by step-and-read axis peaks (${why}): moved ${moved} from the fly estimate`],
  };
}

/**
 * The speed the fly samples crossed the peak with, µm/s: the fastest of those within 1 dB of the
 * brightest (the lines' crossings), either axis.
 */
export function crossingSpeed_um_s(segments: readonly FlySegment[]): number {
  const samples = segments.flatMap((seg) => seg.samples.filter((s) => Number.isFinite(s.power_dBm)));
  let top = -Infinity;
  for (const s of samples) top = Math.max(top, s.power_dBm);
  return samples.filter((s) => s.power_dBm >= top - 1).reduce((m, s) => Math.max(m, Math.abs(s.vx_um_s), Math.abs(s.vy_um_s)), 0);
}

/**
 * Why the fly estimate `r` must be peaked at rest (undefined when it need not): software-timed logs whose
 * exchanges vary enough that one line's samples may sit further off than the accuracy asked for. Each
 * command took effect one confirmation before its reply, and that confirmation's time varies by its
 * link's spread (measured by the rig), so a line's log and its move are each that uncertain: at the
 * crossing speed, hypot(σ_meter, σ_stage)·v along the line. Hardware-started logs have no such error.
 */
export function restPeakReason(rig: AlignRig, fly: boolean, r: Refined, accuracy_um: number): string | undefined {
  if (!fly || rig.motionTrigger || !r.segments) return undefined;
  const sigma_s = Math.hypot(rig.exchangeSigma_s.meter, rig.exchangeSigma_s.stage);
  const placement_um = sigma_s * crossingSpeed_um_s(r.segments);
  if (!(placement_um > accuracy_um)) return undefined;
  return `software-timed fly logs: the exchanges vary by ${(sigma_s * 1000).toFixed(2)} ms (1σ), which at the lines' ` +
    `${crossingSpeed_um_s(r.segments).toFixed(0)} µm/s crossing places each line's samples ±${placement_um.toFixed(2)} µm on its own, beyond the ${accuracy_um} µm asked for`;
}
