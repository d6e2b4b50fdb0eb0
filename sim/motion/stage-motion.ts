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
import type { AxisState, MoveReceipt, StopMode } from './axis-control.ts';
import { commandMove, stallAxis, stopAxis, unstallAxis } from './axis-control.ts';
import { AxisTrajectory } from './axis-trajectory.ts';
import { MotionParameterError, TravelLimitError } from './motion-errors.ts';
import { AXES } from './motion-system.ts';
import type { AxisName, MotionSystem } from './motion-system.ts';

export type { MoveReceipt, StopMode } from './axis-control.ts';

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

/** Hidden mechanics, for tests and benchmarks only: not visible through any controller. */
export interface StageTruth {
  readonly backlash_um: Readonly<Record<AxisName, number>>;
  readonly repeatabilitySigma_um: Readonly<Record<AxisName, number>>;
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
        trajectory: new AxisTrajectory(config.initial_um, backlash_um, config.encoderResolution_um, config.servoLag_s),
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
    return commandMove(this.axes[axis], this.clock.now_s(), target_um, 'move');
  }

  /** Relative move from the current target. */
  moveBy(axis: AxisName, delta_um: number): MoveReceipt {
    return this.moveTo(axis, this.target_um(axis) + delta_um);
  }

  /** Runs to the home switch at the homing velocity, searches it, and marks the axis referenced. */
  home(axis: AxisName): MoveReceipt {
    return commandMove(this.axes[axis], this.clock.now_s(), this.axes[axis].config.home_um, 'home');
  }

  /** Stops `axis` (or every axis) now; the target becomes where it comes to rest. */
  stop(axis?: AxisName, mode: StopMode = 'decelerate'): void {
    for (const name of axis ? [axis] : AXES) stopAxis(this.axes[name], this.clock.now_s(), mode);
  }

  /**
   * Fault: the axis jams. A move in progress stops where it is now; later moves stop partway. The
   * controller keeps reporting it moving (never on target) until it is stopped or un-stalled.
   */
  stall(axis: AxisName): void {
    stallAxis(this.axes[axis], this.clock.now_s());
  }

  /** Clears the jam: a stuck move carries on to its target from where it stuck. */
  unstall(axis: AxisName): void {
    unstallAxis(this.axes[axis], this.clock.now_s());
  }

  private checkTravel(axis: AxisName, target_um: number): void {
    const { min_um, max_um } = this.axes[axis].config;
    // A few pm of tolerance: targets arrive converted from mm or from text.
    const tol = 1e-6;
    if (!Number.isFinite(target_um) || target_um < min_um - tol || target_um > max_um + tol) {
      throw new TravelLimitError(axis, target_um, min_um, max_um);
    }
  }
}
