// Commanding one axis: planning a move from the state it is in at that bench time (at rest, mid-move
// in the same direction, or mid-move the other way), stopping, and the stall fault. Pure bookkeeping on
// the axis's trajectory; StageMotion supplies the clock and the three axes.
import type { SeededRandom } from '../random.ts';
import type { AxisConfig } from './axis-config.ts';
import type { AxisTrajectory, Move, MoveKind } from './axis-trajectory.ts';
import type { Profile } from './profile.ts';
import { planFromMotion, planTrapezoid, sampleProfile, truncateProfile } from './profile.ts';

/** How a stop brakes: at the axis acceleration (halt) or on the spot (abort). */
export type StopMode = 'decelerate' | 'abrupt';

/** When a commanded move starts and when the controller will report it done. */
export interface MoveReceipt {
  readonly start_s: number;
  readonly done_s: number;
}

export interface AxisState {
  readonly config: AxisConfig;
  readonly trajectory: AxisTrajectory;
  velocity_um_s: number;
  acceleration_um_s2: number;
  stallFault: boolean;
  /** Bench time from which the axis counts as referenced (Infinity: not referenced). */
  referencedAt_s: number;
  readonly repeat: SeededRandom;
  readonly servo: SeededRandom;
  readonly stallPoint: SeededRandom;
}

/** Starts a move (or a homing run) to `requested_um` (clamped to the travel) at bench time `now`. */
export function commandMove(a: AxisState, now: number, requested_um: number, kind: MoveKind): MoveReceipt {
  const { min_um, max_um } = a.config;
  const target_um = Math.min(max_um, Math.max(min_um, requested_um));
  if (kind === 'home') a.referencedAt_s = Infinity; // a homing run invalidates the reference until done
  a.trajectory.dropAfter(now);
  const current = a.trajectory.moveAt(now);
  if (current?.stalled) {
    // Jammed: the controller takes the new target, the axis does not budge.
    current.target_um = target_um;
    return { start_s: now, done_s: Infinity };
  }
  const speed_um_s = kind === 'home' ? Math.min(a.config.homeVelocity_um_s, a.velocity_um_s) : a.velocity_um_s;
  const accel = a.acceleration_um_s2;
  const v0 = current ? sampleProfile(current.profile, now).velocity_um_s : 0;
  let start_s = now;
  let profile: Profile | null = null;
  if (current && now < current.profile.end_s) {
    // A new target while the axis runs supersedes the move in progress.
    if (v0 !== 0) profile = planFromMotion(now, sampleProfile(current.profile, now).position_um, v0, target_um, speed_um_s, accel);
    if (profile || v0 === 0) {
      current.profile = truncateProfile(current.profile, now, Infinity);
    } else {
      // Moving the wrong way (or too fast to stop in time): brake, then start back.
      current.profile = truncateProfile(current.profile, now, accel);
      start_s = current.profile.end_s;
    }
    current.target_um = target_um;
    current.doneAt_s = current.pollUntil_s = current.profile.end_s;
  }
  const rest = a.trajectory.restStateAt(start_s);
  profile ??= planTrapezoid(start_s, rest.motor_um, target_um, speed_um_s, accel);
  const distance = Math.abs(profile.to_um - profile.from_um);
  if (distance === 0 && kind === 'move') {
    return { start_s: now, done_s: Math.max(now, current?.doneAt_s ?? now) };
  }
  const extra_s = a.config.servoLag_s + a.config.settle_s + (kind === 'home' ? a.config.homeSearch_s : 0);
  const doneAt_s = profile.end_s + extra_s;
  const move: Move = {
    kind,
    profile,
    planned: profile,
    target_um,
    doneAt_s,
    pollUntil_s: doneAt_s,
    stalled: false,
    loadStart_um: rest.load_um,
    direction: Math.sign(profile.to_um - profile.from_um) as -1 | 0 | 1,
    plannedDistance_um: distance,
    errorStart_um: rest.error_um,
    errorEnd_um: distance > 0 ? a.repeat.normal(0, a.config.repeatabilitySigma_um) : rest.error_um,
    servoOffset_um: Math.max(-1, Math.min(1, Math.round(a.servo.normal(0, 0.6)))) * a.config.encoderResolution_um,
  };
  if (a.stallFault && distance > 0) {
    const cut_s = profile.start_s + a.stallPoint.uniform(0.2, 0.8) * (profile.end_s - profile.start_s);
    move.profile = truncateProfile(profile, cut_s, Infinity);
    move.stalled = true;
    move.doneAt_s = Infinity;
  }
  a.trajectory.append(move);
  if (kind === 'home') a.referencedAt_s = move.doneAt_s;
  return { start_s, done_s: move.doneAt_s };
}

/** Stops the axis at `now`; the target becomes where it comes to rest. */
export function stopAxis(a: AxisState, now: number, mode: StopMode): void {
  a.trajectory.dropAfter(now);
  const m = a.trajectory.moveAt(now);
  if (!m) return;
  const inMotion = now < m.profile.end_s;
  if (!inMotion && !m.stalled && now >= m.doneAt_s) return; // idle: nothing to stop
  if (inMotion) m.profile = truncateProfile(m.profile, now, mode === 'abrupt' ? Infinity : a.acceleration_um_s2);
  const wasStalled = m.stalled;
  m.stalled = false;
  m.target_um = m.profile.to_um;
  if (wasStalled) m.doneAt_s = Math.max(now, m.profile.end_s);
  else if (inMotion) m.doneAt_s = m.profile.end_s + a.config.servoLag_s + (mode === 'abrupt' ? 0 : a.config.settle_s);
  m.pollUntil_s = m.doneAt_s;
  if (m.kind === 'home' && (inMotion || wasStalled)) a.referencedAt_s = Infinity; // homing aborted
}

/**
 * Fault: the axis jams. A move in progress stops where it is now; later moves stop partway. The
 * controller keeps reporting it moving (never on target) until it is stopped or un-stalled.
 */
export function stallAxis(a: AxisState, now: number): void {
  a.stallFault = true;
  const queued = a.trajectory.dropAfter(now);
  const m = a.trajectory.moveAt(now);
  if (!m || m.stalled) return;
  if (queued.length > 0 || now < m.profile.end_s) {
    m.profile = truncateProfile(m.profile, now, Infinity);
    m.target_um = queued[queued.length - 1]?.target_um ?? m.target_um;
    m.pollUntil_s = Math.max(m.pollUntil_s, ...queued.map((q) => q.pollUntil_s));
    m.stalled = true;
    m.doneAt_s = Infinity;
  }
}

/** Clears the jam: a stuck move carries on to its target from where it stuck. */
export function unstallAxis(a: AxisState, now: number): void {
  a.stallFault = false;
  const m = a.trajectory.last();
  if (!m || !m.stalled) return;
  if (now < m.profile.end_s && m.planned.to_um === m.target_um) {
    // The jam had not struck yet: the move runs as planned.
    m.profile = m.planned;
    m.stalled = false;
    m.doneAt_s = m.pollUntil_s;
    return;
  }
  m.stalled = false;
  m.doneAt_s = Math.max(now, m.profile.end_s);
  a.trajectory.dropAfter(now);
  commandMove(a, now, m.target_um, m.kind);
}
