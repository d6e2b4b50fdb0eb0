// Trapezoidal motion profiles: pure kinematics of one axis, in µm and bench seconds.
// A profile is a list of constant-acceleration phases (accelerate, cruise, decelerate), so the
// position at any bench time has a closed form and a stop can cut a profile at any instant.

/** One constant-acceleration piece of a trajectory, starting at bench time `t0_s`. */
export interface Phase {
  readonly t0_s: number;
  readonly p0_um: number;
  readonly v0_um_s: number;
  readonly a_um_s2: number;
  readonly duration_s: number;
}

export interface Profile {
  readonly start_s: number;
  readonly from_um: number;
  /** Where the motion ends (the target, or where a stop brought the axis to rest). */
  readonly to_um: number;
  /** Bench time the axis comes to rest (settling not included). */
  readonly end_s: number;
  readonly phases: readonly Phase[];
}

export interface Kinematics {
  readonly position_um: number;
  readonly velocity_um_s: number;
}

export class ProfileParameterError extends Error {
  constructor(readonly parameter: string, readonly value: number) {
    super(`motion profile ${parameter} ${value} must be a finite number > 0`);
    this.name = 'ProfileParameterError';
  }
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new ProfileParameterError(name, value);
}

/**
 * Time to travel `distance_um` from rest to rest: a full trapezoid d/v + v/a when the axis reaches its
 * cruise velocity (d ≥ v²/a), otherwise a triangle 2·√(d/a).
 */
export function trapezoidDuration_s(distance_um: number, velocity_um_s: number, acceleration_um_s2: number): number {
  checkPositive('velocity_um_s', velocity_um_s);
  checkPositive('acceleration_um_s2', acceleration_um_s2);
  const d = Math.abs(distance_um);
  if (d === 0) return 0;
  if (d >= (velocity_um_s * velocity_um_s) / acceleration_um_s2) return d / velocity_um_s + velocity_um_s / acceleration_um_s2;
  return 2 * Math.sqrt(d / acceleration_um_s2);
}

/** A rest-to-rest move from `from_um` to `to_um` starting at `start_s`. */
export function planTrapezoid(
  start_s: number,
  from_um: number,
  to_um: number,
  velocity_um_s: number,
  acceleration_um_s2: number,
): Profile {
  checkPositive('velocity_um_s', velocity_um_s);
  checkPositive('acceleration_um_s2', acceleration_um_s2);
  const d = to_um - from_um;
  const dist = Math.abs(d);
  if (dist === 0) return { start_s, from_um, to_um, end_s: start_s, phases: [] };
  const dir = Math.sign(d);
  const a = acceleration_um_s2;
  // Peak velocity: the cruise velocity, or lower when the move is too short to reach it.
  const vPeak = Math.min(velocity_um_s, Math.sqrt(dist * a));
  const tAcc = vPeak / a;
  const dAcc = (vPeak * tAcc) / 2;
  const tCruise = (dist - 2 * dAcc) / vPeak;
  const phases: Phase[] = [];
  let t = start_s;
  let p = from_um;
  phases.push({ t0_s: t, p0_um: p, v0_um_s: 0, a_um_s2: dir * a, duration_s: tAcc });
  t += tAcc;
  p += dir * dAcc;
  if (tCruise > 0) {
    phases.push({ t0_s: t, p0_um: p, v0_um_s: dir * vPeak, a_um_s2: 0, duration_s: tCruise });
    t += tCruise;
    p += dir * vPeak * tCruise;
  }
  phases.push({ t0_s: t, p0_um: p, v0_um_s: dir * vPeak, a_um_s2: -dir * a, duration_s: tAcc });
  t += tAcc;
  return { start_s, from_um, to_um, end_s: t, phases };
}

function phaseAt(phase: Phase, t_s: number): Kinematics {
  const tau = Math.min(Math.max(t_s - phase.t0_s, 0), phase.duration_s);
  return {
    position_um: phase.p0_um + phase.v0_um_s * tau + 0.5 * phase.a_um_s2 * tau * tau,
    velocity_um_s: phase.v0_um_s + phase.a_um_s2 * tau,
  };
}

/** Position and velocity at bench time `t_s` (at rest before the start and after the end). */
export function sampleProfile(profile: Profile, t_s: number): Kinematics {
  if (t_s <= profile.start_s || profile.phases.length === 0) {
    return { position_um: t_s >= profile.end_s ? profile.to_um : profile.from_um, velocity_um_s: 0 };
  }
  if (t_s >= profile.end_s) return { position_um: profile.to_um, velocity_um_s: 0 };
  for (const phase of profile.phases) {
    if (t_s < phase.t0_s + phase.duration_s) return phaseAt(phase, t_s);
  }
  return { position_um: profile.to_um, velocity_um_s: 0 };
}

/**
 * The same trajectory, stopped at `t_s`: from then on the axis decelerates at `deceleration_um_s2`
 * (Infinity = an abrupt stop where it is, as a jam or an abort does). Cutting before the start gives
 * an empty move; cutting after the end changes nothing.
 */
export function truncateProfile(profile: Profile, t_s: number, deceleration_um_s2: number): Profile {
  if (t_s >= profile.end_s) return profile;
  if (t_s <= profile.start_s) {
    return { start_s: profile.start_s, from_um: profile.from_um, to_um: profile.from_um, end_s: profile.start_s, phases: [] };
  }
  if (!(deceleration_um_s2 > 0)) throw new ProfileParameterError('deceleration_um_s2', deceleration_um_s2);
  const { position_um, velocity_um_s } = sampleProfile(profile, t_s);
  const kept: Phase[] = [];
  for (const phase of profile.phases) {
    if (phase.t0_s >= t_s) break;
    kept.push({ ...phase, duration_s: Math.min(phase.duration_s, t_s - phase.t0_s) });
  }
  const speed = Math.abs(velocity_um_s);
  if (!Number.isFinite(deceleration_um_s2) || speed === 0) {
    return { start_s: profile.start_s, from_um: profile.from_um, to_um: position_um, end_s: t_s, phases: kept };
  }
  const tStop = speed / deceleration_um_s2;
  const dir = Math.sign(velocity_um_s);
  // Already braking at least as hard towards the target (never stop beyond where the move would end).
  if ((speed * speed) / (2 * deceleration_um_s2) >= Math.abs(profile.to_um - position_um)) return profile;
  kept.push({ t0_s: t_s, p0_um: position_um, v0_um_s: velocity_um_s, a_um_s2: -dir * deceleration_um_s2, duration_s: tStop });
  const to_um = position_um + (dir * speed * speed) / (2 * deceleration_um_s2);
  return { start_s: profile.start_s, from_um: profile.from_um, to_um, end_s: t_s + tStop, phases: kept };
}

/**
 * A move that starts while the axis already travels at `v0_um_s` towards `to_um` (a new target given
 * mid-move, as a controller re-plans on the fly): change speed to the cruise velocity, cruise, brake.
 * Returns null when the axis moves away from the target or cannot brake in time — the caller then
 * stops first and starts a fresh move back.
 */
export function planFromMotion(
  start_s: number,
  from_um: number,
  v0_um_s: number,
  to_um: number,
  velocity_um_s: number,
  acceleration_um_s2: number,
): Profile | null {
  checkPositive('velocity_um_s', velocity_um_s);
  checkPositive('acceleration_um_s2', acceleration_um_s2);
  if (v0_um_s === 0) return planTrapezoid(start_s, from_um, to_um, velocity_um_s, acceleration_um_s2);
  const d = to_um - from_um;
  const dir = Math.sign(v0_um_s);
  if (Math.sign(d) !== dir) return null;
  const dist = Math.abs(d);
  const a = acceleration_um_s2;
  const s0 = Math.abs(v0_um_s);
  if ((s0 * s0) / (2 * a) > dist) return null;
  const vPeak = Math.min(velocity_um_s, Math.sqrt(a * dist + (s0 * s0) / 2));
  const t1 = Math.abs(vPeak - s0) / a;
  const d1 = Math.abs(vPeak * vPeak - s0 * s0) / (2 * a);
  const t3 = vPeak / a;
  const d3 = (vPeak * vPeak) / (2 * a);
  const d2 = Math.max(0, dist - d1 - d3);
  const phases: Phase[] = [];
  let t = start_s;
  let p = from_um;
  if (t1 > 0) {
    phases.push({ t0_s: t, p0_um: p, v0_um_s, a_um_s2: dir * Math.sign(vPeak - s0) * a, duration_s: t1 });
    t += t1;
    p += dir * d1;
  }
  if (d2 > 0) {
    phases.push({ t0_s: t, p0_um: p, v0_um_s: dir * vPeak, a_um_s2: 0, duration_s: d2 / vPeak });
    t += d2 / vPeak;
    p += dir * d2;
  }
  phases.push({ t0_s: t, p0_um: p, v0_um_s: dir * vPeak, a_um_s2: -dir * a, duration_s: t3 });
  t += t3;
  return { start_s, from_um, to_um, end_s: t, phases };
}
