// Fly scans: where the stage was while the meter logged. A controller runs each move as a trapezoid
// (accelerate, cruise, decelerate; a triangle when the move is too short to reach the cruise velocity),
// so the motor position is a closed-form function of the time since the move started. Each logged sample
// averages the light over its window; it is placed at the mean position over that window.

/** One rest-to-rest move as the controller will run it. */
export interface TrapezoidMove {
  from_um: number;
  to_um: number;
  velocity_um_s: number;
  acceleration_um_s2: number;
}

export interface MoveProfile extends TrapezoidMove {
  /** +1 or −1 (0 for a move of zero length). */
  direction: -1 | 0 | 1;
  /** Velocity actually reached: the cruise velocity or less for a short move, µm/s. */
  peakVelocity_um_s: number;
  accelTime_s: number;
  cruiseTime_s: number;
  duration_s: number;
}

/** A move's parameters were unusable (non-finite, velocity or acceleration ≤ 0). */
export class TrajectoryError extends RangeError {
  override name = 'TrajectoryError';
}

function check(name: string, value: number, positive: boolean): void {
  if (!Number.isFinite(value) || (positive && !(value > 0))) {
    throw new TrajectoryError(`trajectory: ${name} is ${value}; expected a finite number${positive ? ' > 0' : ''}`);
  }
}

export function planProfile(move: TrapezoidMove): MoveProfile {
  check('from_um', move.from_um, false);
  check('to_um', move.to_um, false);
  check('velocity_um_s', move.velocity_um_s, true);
  check('acceleration_um_s2', move.acceleration_um_s2, true);
  const dist = Math.abs(move.to_um - move.from_um);
  const a = move.acceleration_um_s2;
  const peak = Math.min(move.velocity_um_s, Math.sqrt(dist * a));
  const accelTime_s = dist === 0 ? 0 : peak / a;
  const cruiseTime_s = dist === 0 ? 0 : Math.max(0, (dist - peak * accelTime_s) / peak);
  return {
    ...move,
    direction: Math.sign(move.to_um - move.from_um) as -1 | 0 | 1,
    peakVelocity_um_s: dist === 0 ? 0 : peak,
    accelTime_s,
    cruiseTime_s,
    duration_s: 2 * accelTime_s + cruiseTime_s,
  };
}

/** Distance covered (unsigned) after t seconds of the move; clamped to [0, duration]. */
function travelled_um(p: MoveProfile, t_s: number): number {
  const a = p.acceleration_um_s2, v = p.peakVelocity_um_s, ta = p.accelTime_s, tc = p.cruiseTime_s;
  if (t_s <= 0) return 0;
  if (t_s >= p.duration_s) return Math.abs(p.to_um - p.from_um);
  if (t_s <= ta) return 0.5 * a * t_s * t_s;
  const dAcc = 0.5 * a * ta * ta;
  if (t_s <= ta + tc) return dAcc + v * (t_s - ta);
  const td = t_s - ta - tc;
  return dAcc + v * tc + v * td - 0.5 * a * td * td;
}

/** Motor position t seconds after the move started (before: from_um; after: to_um). */
export function positionAt_um(p: MoveProfile, t_s: number): number {
  return p.from_um + p.direction * travelled_um(p, t_s);
}

/** Signed velocity t seconds after the move started. */
export function velocityAt_um_s(p: MoveProfile, t_s: number): number {
  const a = p.acceleration_um_s2, ta = p.accelTime_s, tc = p.cruiseTime_s;
  if (t_s <= 0 || t_s >= p.duration_s) return 0;
  if (t_s <= ta) return p.direction * a * t_s;
  if (t_s <= ta + tc) return p.direction * p.peakVelocity_um_s;
  return p.direction * (p.peakVelocity_um_s - a * (t_s - ta - tc));
}

/** Mean position over [t0, t1] (seconds since the move started), by Simpson's rule on each piece. */
export function meanPositionOver_um(p: MoveProfile, t0_s: number, t1_s: number): number {
  if (!(t1_s > t0_s)) return positionAt_um(p, t0_s);
  // The profile is piecewise quadratic: Simpson's rule is exact on each piece between the phase boundaries.
  const cuts = [t0_s, p.accelTime_s, p.accelTime_s + p.cruiseTime_s, p.duration_s, t1_s]
    .filter((t) => t >= t0_s && t <= t1_s)
    .sort((x, y) => x - y);
  let area = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] as number, b = cuts[i + 1] as number;
    if (b <= a) continue;
    area += ((b - a) / 6) * (positionAt_um(p, a) + 4 * positionAt_um(p, (a + b) / 2) + positionAt_um(p, b));
  }
  return area / (t1_s - t0_s);
}

export interface LogTiming {
  /** Bench time the move started. */
  moveStart_s: number;
  /** Bench time the first sample's window opened (free-running log: back-to-back windows). */
  logStart_s: number;
  averagingTime_s: number;
  samples: number;
  /**
   * Time by which the real move lags the time base (command latency, a calibrated delay); added to
   * moveStart_s. Bidirectional scans measure what is left of it together with the backlash.
   */
  lag_s?: number;
}

/** Mean motor position during each logged sample's window, µm. */
export function logSamplePositions_um(p: MoveProfile, timing: LogTiming): number[] {
  const { logStart_s, averagingTime_s: tau, samples } = timing;
  check('averagingTime_s', tau, true);
  if (!Number.isInteger(samples) || samples < 0) throw new TrajectoryError(`trajectory: samples is ${samples}; expected a whole number >= 0`);
  const start = timing.moveStart_s + (timing.lag_s ?? 0);
  const out: number[] = [];
  for (let k = 0; k < samples; k++) {
    const t0 = logStart_s + k * tau - start;
    out.push(meanPositionOver_um(p, t0, t0 + tau));
  }
  return out;
}

/** Velocity of the motor at the middle of each logged sample's window, µm/s (signed). */
export function logSampleVelocities_um_s(p: MoveProfile, timing: LogTiming): number[] {
  const { logStart_s, averagingTime_s: tau, samples } = timing;
  check('averagingTime_s', tau, true);
  const start = timing.moveStart_s + (timing.lag_s ?? 0);
  return Array.from({ length: samples }, (_, k) => velocityAt_um_s(p, logStart_s + (k + 0.5) * tau - start));
}

/** Samples needed to cover the whole move (plus `margin_s`) at one averaging time each. */
export function samplesToCover(p: MoveProfile, averagingTime_s: number, margin_s = 0): number {
  check('averagingTime_s', averagingTime_s, true);
  return Math.max(1, Math.ceil((p.duration_s + margin_s) / averagingTime_s));
}
