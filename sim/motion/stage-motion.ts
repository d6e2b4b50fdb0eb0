// The simulated 3-axis fiber-array stage: the one MotionSystem all three stage dialects (SCPI, ESP301,
// PI GCS) command. Moves are trajectories in bench time; the optics read `truePosition_um` at any
// instant, the controllers read the encoder (`position_um`) and the motion state.
//
// Time rule (shared with the optical instruments): in fast mode, waiting is free — a motion-state poll
// of a busy axis (`pollMotion`) jumps bench time to the end of its move; in real-time mode the move
// really takes its time and a poll reports the truth at the wall-clock instant.
import type { BenchClock } from '../clock.ts';
import { SeededRandom } from '../random.ts';
import type { AxisConfig } from './axis-config.ts';
import { resolveAxisConfig } from './axis-config.ts';
import type { Move, MoveKind } from './axis-trajectory.ts';
import { AxisTrajectory } from './axis-trajectory.ts';
import { MotionParameterError, TravelLimitError } from './motion-errors.ts';
import { AXES } from './motion-system.ts';
import type { AxisName, MotionSystem } from './motion-system.ts';
import type { Profile } from './profile.ts';
import { planFromMotion, planTrapezoid, sampleProfile, truncateProfile } from './profile.ts';

export interface StageMotionOptions {
  seed: number;
  clock: BenchClock;
  /** Per-axis overrides of the defaults in axis-config.ts. */
  axes?: Partial<Record<AxisName, Partial<AxisConfig>>>;
  /** Starting velocity of every axis (µm/s), unless an axis override sets its own. */
  velocity_um_s?: number;
  /** Whether the axes power up referenced (default true; PI GCS refuses moves on unreferenced axes). */
  referenced?: boolean;
}

/** How a stop brakes: at the axis acceleration (halt) or on the spot (abort). */
export type StopMode = 'decelerate' | 'abrupt';

/** When a commanded move starts and when the controller will report it done. */
export interface MoveReceipt {
  readonly start_s: number;
  readonly done_s: number;
}

/** Hidden mechanics, for tests and benchmarks only: not visible through any controller. */
export interface StageTruth {
  readonly backlash_um: Readonly<Record<AxisName, number>>;
  readonly repeatabilitySigma_um: Readonly<Record<AxisName, number>>;
}

interface AxisState {
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

export class StageMotion implements MotionSystem {
  readonly clock: BenchClock;
  private readonly axes: Record<AxisName, AxisState>;

  constructor(opts: StageMotionOptions) {
    this.clock = opts.clock;
    const rng = new SeededRandom(opts.seed).fork('stage-motion');
    const make = (axis: AxisName): AxisState => {
      const overrides = { ...(opts.velocity_um_s !== undefined ? { velocity_um_s: opts.velocity_um_s } : {}), ...opts.axes?.[axis] };
      const config = resolveAxisConfig(axis, overrides);
      const backlash_um = rng.fork(`backlash:${axis}`).uniform(config.backlashMin_um, config.backlashMax_um);
      return {
        config,
        trajectory: new AxisTrajectory(config.initial_um, backlash_um, config.encoderResolution_um),
        velocity_um_s: config.velocity_um_s,
        acceleration_um_s2: config.acceleration_um_s2,
        stallFault: false,
        referencedAt_s: opts.referenced === false ? Infinity : -Infinity,
        repeat: rng.fork(`repeatability:${axis}`),
        servo: rng.fork(`servo:${axis}`),
        stallPoint: rng.fork(`stall:${axis}`),
      };
    };
    this.axes = { X: make('X'), Y: make('Y'), Z: make('Z') };
  }

  config(axis: AxisName): AxisConfig {
    return this.axes[axis].config;
  }

  limits(axis: AxisName): { min_um: number; max_um: number } {
    const { min_um, max_um } = this.axes[axis].config;
    return { min_um, max_um };
  }

  // ---- what the optics and the controllers read ----

  truePosition_um(axis: AxisName, t_s: number): number {
    return this.axes[axis].trajectory.true_um(t_s);
  }

  /** Encoder readback at `t_s` (default: now). */
  position_um(axis: AxisName, t_s = this.clock.now_s()): number {
    return this.axes[axis].trajectory.reported_um(t_s);
  }

  /** Commanded velocity of the motor at `t_s` (µm/s, signed). */
  motorVelocity_um_s(axis: AxisName, t_s = this.clock.now_s()): number {
    return this.axes[axis].trajectory.velocity_um_s(t_s);
  }

  /** The controller's target position. */
  target_um(axis: AxisName): number {
    const a = this.axes[axis];
    return a.trajectory.last()?.target_um ?? a.config.initial_um;
  }

  /** Moving (or settling, or stuck) at `t_s`: what MOT? / MD? / ONT? report. */
  isMoving(axis: AxisName, t_s = this.clock.now_s()): boolean {
    const last = this.axes[axis].trajectory.last();
    if (!last) return false;
    return t_s < last.doneAt_s || last.profile.start_s > t_s;
  }

  /** Bench time the current move will be reported done (Infinity while stalled; now when idle). */
  doneAt_s(axis: AxisName): number {
    const now = this.clock.now_s();
    const last = this.axes[axis].trajectory.last();
    return last && last.doneAt_s > now ? last.doneAt_s : now;
  }

  isReferenced(axis: AxisName, t_s = this.clock.now_s()): boolean {
    return t_s >= this.axes[axis].referencedAt_s;
  }

  isStalled(axis: AxisName): boolean {
    return this.axes[axis].stallFault;
  }

  velocity_um_s(axis: AxisName): number {
    return this.axes[axis].velocity_um_s;
  }

  acceleration_um_s2(axis: AxisName): number {
    return this.axes[axis].acceleration_um_s2;
  }

  /**
   * A motion-state poll. Fast mode: if any of `axes` is busy, bench time jumps to the end of its move
   * (a stalled axis: to where the move should have ended — it stays busy). Real time: nothing to do.
   */
  async pollMotion(axes: readonly AxisName[] = AXES): Promise<void> {
    if (this.clock.mode !== 'fast') return;
    const until = this.busyUntil_s(axes);
    if (until > this.clock.now_s()) await this.clock.advanceTo(until);
  }

  /**
   * Bench time by which the moves of `axes` are over (now when idle). Always finite: for a stalled
   * axis, where its move should have ended — waiting longer would never see it finish.
   */
  busyUntil_s(axes: readonly AxisName[] = AXES): number {
    const now = this.clock.now_s();
    let until = now;
    for (const axis of axes) {
      const last = this.axes[axis].trajectory.last();
      if (last && this.isMoving(axis, now)) until = Math.max(until, last.pollUntil_s);
    }
    return until;
  }

  truth(): StageTruth {
    const pick = <T>(f: (a: AxisState) => T): Record<AxisName, T> => ({ X: f(this.axes.X), Y: f(this.axes.Y), Z: f(this.axes.Z) });
    return {
      backlash_um: pick((a) => a.trajectory.backlash_um),
      repeatabilitySigma_um: pick((a) => a.config.repeatabilitySigma_um),
    };
  }

  // ---- settings ----

  setVelocity(axis: AxisName, velocity_um_s: number): void {
    const a = this.axes[axis];
    if (!(Number.isFinite(velocity_um_s) && velocity_um_s > 0 && velocity_um_s <= a.config.maxVelocity_um_s)) {
      throw new MotionParameterError(axis, 'velocity_um_s', velocity_um_s, a.config.maxVelocity_um_s);
    }
    a.velocity_um_s = velocity_um_s; // applies from the next move, as on the controllers modelled
  }

  setAcceleration(axis: AxisName, acceleration_um_s2: number): void {
    const a = this.axes[axis];
    if (!(Number.isFinite(acceleration_um_s2) && acceleration_um_s2 > 0 && acceleration_um_s2 <= a.config.maxAcceleration_um_s2)) {
      throw new MotionParameterError(axis, 'acceleration_um_s2', acceleration_um_s2, a.config.maxAcceleration_um_s2);
    }
    a.acceleration_um_s2 = acceleration_um_s2;
  }

  // ---- motion commands ----

  /** Absolute move; throws TravelLimitError (and nothing moves) outside the hardware travel. */
  moveTo(axis: AxisName, target_um: number): MoveReceipt {
    this.checkTravel(axis, target_um);
    return this.command(axis, target_um, 'move');
  }

  /** Relative move from the current target. */
  moveBy(axis: AxisName, delta_um: number): MoveReceipt {
    return this.moveTo(axis, this.target_um(axis) + delta_um);
  }

  /** Runs to the home switch at the homing velocity, searches it, and marks the axis referenced. */
  home(axis: AxisName): MoveReceipt {
    return this.command(axis, this.axes[axis].config.home_um, 'home');
  }

  /** Stops `axis` (or every axis) now; the target becomes where it comes to rest. */
  stop(axis?: AxisName, mode: StopMode = 'decelerate'): void {
    for (const name of axis ? [axis] : AXES) this.stopAxis(name, mode);
  }

  /**
   * Fault: the axis jams. A move in progress stops where it is now; later moves stop partway. The
   * controller keeps reporting it moving (never on target) until it is stopped or un-stalled.
   */
  stall(axis: AxisName): void {
    const a = this.axes[axis];
    a.stallFault = true;
    const now = this.clock.now_s();
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
  unstall(axis: AxisName): void {
    const a = this.axes[axis];
    a.stallFault = false;
    const now = this.clock.now_s();
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
    this.command(axis, m.target_um, m.kind);
  }

  private checkTravel(axis: AxisName, target_um: number): void {
    const { min_um, max_um } = this.axes[axis].config;
    // A few pm of tolerance: targets arrive converted from mm or from text.
    const tol = 1e-6;
    if (!Number.isFinite(target_um) || target_um < min_um - tol || target_um > max_um + tol) {
      throw new TravelLimitError(axis, target_um, min_um, max_um);
    }
  }

  private command(axis: AxisName, requested_um: number, kind: MoveKind): MoveReceipt {
    const a = this.axes[axis];
    const { min_um, max_um } = a.config;
    const target_um = Math.min(max_um, Math.max(min_um, requested_um));
    const now = this.clock.now_s();
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
    const extra_s = a.config.settle_s + (kind === 'home' ? a.config.homeSearch_s : 0);
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

  private stopAxis(axis: AxisName, mode: StopMode): void {
    const a = this.axes[axis];
    const now = this.clock.now_s();
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
    else if (inMotion) m.doneAt_s = m.profile.end_s + (mode === 'abrupt' ? 0 : a.config.settle_s);
    m.pollUntil_s = m.doneAt_s;
    if (m.kind === 'home' && (inMotion || wasStalled)) a.referencedAt_s = Infinity; // homing aborted
  }
}
