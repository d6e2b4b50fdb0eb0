// The mechanics of a six-axis hexapod (C-887 / H-811 class) carrying the fiber array: a pose X Y Z
// (µm) U V W (°) about a pivot point, moved along a straight line in pose space with a trapezoidal
// speed profile (all six axes arrive together, as a hexapod's coordinated moves do), and a workspace
// that is the platform's real reachability: every one of the six legs must stay within its stroke,
// besides each axis's travel range. So a rotation about a pivot far from the platform, which swings the
// platform sideways, can be unreachable although every coordinate is within its own range.
//
// Time rule as for the XYZ stage: in fast mode a poll of a moving hexapod (`pollMotion`) jumps bench
// time to the end of the move and its settling; in real time the move takes its time.
import type { BenchClock } from '../clock.ts';
import type { Pose, PoseAxis, Vec3 } from '../world/pose.ts';
import { POSE_AXES, ZERO_POSE, interpolatePose, placePoint, poseValue, rotation } from '../world/pose.ts';

/** Travel of each axis about the zero pose: µm for X Y Z, degrees for U V W (H-811-class ranges). */
export const HEXAPOD_TRAVEL: Readonly<Record<PoseAxis, number>> = { X: 17_000, Y: 17_000, Z: 6_500, U: 10, V: 10, W: 21 };
/** Platform and base joint circles, µm, and the platform height above the base at the zero pose. */
const PLATFORM_RADIUS_UM = 60_000;
const BASE_RADIUS_UM = 90_000;
const HEIGHT_UM = 120_000;
/** Each leg's stroke about its length at the zero pose, µm. */
export const LEG_STROKE_UM = 12_000;
/** Acceleration of the path parameter: µm/s² for translations (the same number in °/s² × 1000 for rotations). */
const PATH_ACCELERATION_UM_S2 = 200_000;
/** Time after the path ends before the controller reports on target (servo settling), s. */
export const HEXAPOD_SETTLE_S = 0.01;
/** Default and largest system velocity (`VLS`), mm/s; a rotation runs at the same number in °/s. */
export const HEXAPOD_DEFAULT_VELOCITY_MM_S = 5;
export const HEXAPOD_MAX_VELOCITY_MM_S = 10;

interface Segment {
  from: Pose;
  to: Pose;
  start_s: number;
  duration_s: number;
  /** The system velocity the move ran at, mm/s (a later VLS does not change a past move's profile). */
  velocity_mm_s: number;
}

/**
 * How long past moves are kept, s of bench time. A meter's log is averaged from the world when it is
 * read, which may be after the platform was sent on: the pose at a sample's own time must still be the
 * move that was running then, as the real light was (no log or recorder here outlasts this).
 */
const HISTORY_S = 120;

export type Reachability = { ok: true } | { ok: false; axis: string; reason: string };

export class HexapodMotion {
  private seg: Segment;
  /** Earlier moves, oldest first; `seg` is the newest. */
  private readonly past: Segment[] = [];
  private pivotPoint: Vec3 = [0, 0, 0];
  private velocity_mm_s = HEXAPOD_DEFAULT_VELOCITY_MM_S;
  private readonly joints: { base: Vec3; platform: Vec3; rest_um: number }[];

  constructor(readonly clock: BenchClock) {
    this.seg = { from: ZERO_POSE, to: ZERO_POSE, start_s: 0, duration_s: 0, velocity_mm_s: this.velocity_mm_s };
    // Joints in pairs 120° apart, each pair ±15° (platform) or ±45° (base) about its direction.
    this.joints = [];
    for (let k = 0; k < 3; k++) {
      for (const side of [-1, 1]) {
        const ap = ((120 * k + side * 15) * Math.PI) / 180;
        const ab = ((120 * k + side * 45) * Math.PI) / 180;
        const platform: Vec3 = [PLATFORM_RADIUS_UM * Math.cos(ap), PLATFORM_RADIUS_UM * Math.sin(ap), 0];
        const base: Vec3 = [BASE_RADIUS_UM * Math.cos(ab), BASE_RADIUS_UM * Math.sin(ab), -HEIGHT_UM];
        this.joints.push({ base, platform, rest_um: distance(platform, base) });
      }
    }
  }

  get pivot(): Vec3 {
    return this.pivotPoint;
  }

  /** The caller checked that U V W are 0 and nothing moves (GCS error 9 otherwise). */
  setPivot(p: Vec3): void {
    this.pivotPoint = p;
  }

  get velocity(): number {
    return this.velocity_mm_s;
  }

  setVelocity(v_mm_s: number): void {
    this.velocity_mm_s = v_mm_s;
  }

  /** The pose at t (about the current pivot): on the move that was running at t, if it was an earlier one. */
  pose(t_s: number = this.clock.now_s()): Pose {
    let seg = this.seg;
    for (let i = this.past.length - 1; i >= 0 && t_s < seg.start_s; i--) seg = this.past[i] as Segment;
    const { from, to, start_s, duration_s } = seg;
    if (t_s >= start_s + duration_s) return to;
    if (t_s <= start_s) return from;
    return interpolatePose(from, to, progress((t_s - start_s) / duration_s, duration_s, seg.velocity_mm_s));
  }

  target(): Pose {
    return this.seg.to;
  }

  /** World position of platform point p at t, µm (what the optics reads). */
  platformPoint(p: Vec3, t_s: number): Vec3 {
    return placePoint(this.pose(t_s), this.pivotPoint, p);
  }

  /** The platform's rotation at t. */
  platformRotation(t_s: number): ReturnType<typeof rotation> {
    const q = this.pose(t_s);
    return rotation(q.u_deg, q.v_deg, q.w_deg);
  }

  isMoving(t_s: number = this.clock.now_s()): boolean {
    return t_s < this.seg.start_s + this.seg.duration_s + (this.seg.duration_s > 0 ? HEXAPOD_SETTLE_S : 0);
  }

  /** Whether `pose` is inside every axis's travel and every leg's stroke, about the current pivot. */
  reachable(pose: Pose): Reachability {
    for (const axis of POSE_AXES) {
      const v = poseValue(pose, axis);
      const lim = HEXAPOD_TRAVEL[axis];
      if (!(Math.abs(v) <= lim)) {
        const unit = 'XYZ'.includes(axis) ? 'µm' : '°';
        return { ok: false, axis, reason: `${axis} ${v} ${unit} is outside its travel ±${lim} ${unit}` };
      }
    }
    for (const [i, j] of this.joints.entries()) {
      const len = distance(placePoint(pose, this.pivotPoint, j.platform), j.base);
      if (Math.abs(len - j.rest_um) > LEG_STROKE_UM) {
        return { ok: false, axis: `leg ${i + 1}`, reason: `leg ${i + 1} would need ${((len - j.rest_um) / 1000).toFixed(3)} mm of its ±${LEG_STROKE_UM / 1000} mm stroke` };
      }
    }
    return { ok: true };
  }

  /** Starts a coordinated move from where the platform is now; the caller checked reachability. */
  moveTo(target: Pose): void {
    const now = this.clock.now_s();
    const from = this.pose(now);
    const lin = Math.hypot(target.x_um - from.x_um, target.y_um - from.y_um, target.z_um - from.z_um);
    const rot = 1000 * Math.hypot(target.u_deg - from.u_deg, target.v_deg - from.v_deg, target.w_deg - from.w_deg);
    this.begin({ from, to: target, start_s: now, duration_s: this.duration(Math.max(lin, rot)), velocity_mm_s: this.velocity_mm_s });
  }

  /** Stops where the platform is now (STP, HLT, #24). */
  stop(): void {
    const now = this.clock.now_s();
    const here = this.pose(now);
    this.begin({ from: here, to: here, start_s: now, duration_s: 0, velocity_mm_s: this.velocity_mm_s });
  }

  private begin(seg: Segment): void {
    this.past.push(this.seg);
    this.seg = seg;
    // The oldest move is dropped once the one after it began before the kept history.
    while (this.past.length > 1 && (this.past[1] as Segment).start_s < seg.start_s - HISTORY_S) this.past.shift();
  }

  /** Fast mode: a poll of a busy hexapod waits for the end of the move and its settling. */
  async pollMotion(): Promise<void> {
    if (this.clock.mode !== 'fast' || !this.isMoving()) return;
    await this.clock.advanceTo(this.seg.start_s + this.seg.duration_s + HEXAPOD_SETTLE_S);
  }

  /** Leg lengths' change from the zero pose, µm (verification). */
  legExtensions_um(pose: Pose): number[] {
    return this.joints.map((j) => distance(placePoint(pose, this.pivotPoint, j.platform), j.base) - j.rest_um);
  }

  private duration(path_um: number): number {
    if (path_um <= 0) return 0;
    const v = this.velocity_mm_s * 1000;
    const a = PATH_ACCELERATION_UM_S2;
    return path_um < (v * v) / a ? 2 * Math.sqrt(path_um / a) : path_um / v + v / a;
  }
}

/** Fraction of the path done at fraction `f` of the move's time (trapezoid or triangle profile). */
function progress(f: number, duration_s: number, velocity_mm_s: number): number {
  const v = velocity_mm_s * 1000;
  const a = PATH_ACCELERATION_UM_S2;
  const ta = Math.min(v / a, duration_s / 2);
  const t = f * duration_s;
  const vmax = a * ta;
  const total = vmax * (duration_s - ta);
  let done: number;
  if (t < ta) done = 0.5 * a * t * t;
  else if (t < duration_s - ta) done = 0.5 * a * ta * ta + vmax * (t - ta);
  else {
    const r = duration_s - t;
    done = total - 0.5 * a * r * r;
  }
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
}

function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

