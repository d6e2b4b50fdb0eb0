// The Stage role: a multi-axis motion controller behind logical axis names from the bench file (X, Y, Z),
// positions always in µm whatever the controller speaks, soft limits checked before anything is sent.
import type { InstrumentDriver, StageAxisConfig } from '../driver.ts';

/**
 * One axis as the bench file gives it: controller axis number, soft limits and what is known of homing.
 * Homing runs to the controller's home switch, not to a target the soft limits could check, so the bench
 * file has to say where that is (`home_um`) — or vouch for the run (`home_safe`) — before home() sends it.
 */
export interface StageAxisSettings extends StageAxisConfig {
  /** Where the controller's homing run leaves the axis (µm, stage coordinates). */
  home_um?: number;
  /**
   * true: someone has checked that this axis's homing run is safe (the way to the switch is clear),
   * so home() sends it even when `home_um` is unknown or lies outside the soft limits.
   */
  home_safe?: boolean;
}

/** Targets or displacements per logical axis, e.g. `{ X: 1200, Y: 850 }`. */
export type AxisValues_um = Readonly<Record<string, number>>;

export interface MotionWaitOptions {
  /** Give up (stop the axes still moving, throw MotionTimeoutError) after this long; default 60 s. */
  timeout_s?: number;
  /** Only these axes (default: every axis). */
  axes?: readonly string[];
  /** Time between motion-done polls; default 0.02 s. */
  pollInterval_s?: number;
}

/** The speed profile a controller runs a move with (trapezoidal): what a fly scan needs to rebuild positions. */
export interface TrajectoryParameters {
  velocity_um_s: number;
  acceleration_um_s2: number;
}

/** The highest velocity and ramp an axis's controller accepts, as its own query reports them (µm/s, µm/s²). */
export interface RampLimits {
  maxVelocity_um_s?: number;
  maxAcceleration_um_s2?: number;
}

/** Options of a fly move. */
export interface FlyMoveOptions {
  /**
   * The clock the caller times its own acquisition with, in seconds (bench time, a meter's time base):
   * `commandedAt_s` is read on it. Default: the wall clock (`performance.now()` / 1000).
   */
  clock?: () => number;
}

/** A move started without waiting (fly scans): where it starts and ends, its profile, and when it was sent. */
export interface FlyMove extends TrajectoryParameters {
  axis: string;
  from_um: number;
  to_um: number;
  /**
   * On the caller's clock (FlyMoveOptions.clock): just before the move command was written, and once the
   * controller had confirmed it (error check done). The controller started the move between the two;
   * their midpoint is the best estimate when command and confirmation cost the same.
   */
  commandedAt_s: { earliest: number; latest: number };
}

export interface Stage extends InstrumentDriver {
  readonly kind: 'stage';
  /** Logical axis names, in bench-file order. */
  readonly axes: readonly string[];

  /** Starts absolute moves (no waiting). Every target is checked against its soft limits before anything is sent. */
  moveAbsolute_um(axis: string, target_um: number): Promise<void>;
  moveAbsolute_um(targets: AxisValues_um): Promise<void>;
  /** Starts relative moves from the current target; the resulting targets are limit-checked first. */
  moveRelative_um(axis: string, delta_um: number): Promise<void>;
  moveRelative_um(deltas: AxisValues_um): Promise<void>;
  /**
   * Polls the controller's motion-done query until every axis (or `opts.axes`) has stopped. On timeout,
   * stops the axes still moving and throws MotionTimeoutError naming them and the timeout.
   */
  waitForMotion(opts?: MotionWaitOptions): Promise<void>;
  /** One poll of the motion-done query. */
  isMoving(axis: string): Promise<boolean>;
  /**
   * Optional: how long the moves under way should still take (s; 0 when every axis is done): for each
   * moving axis, its distance to target over the velocity it is moving with (a fly move's own), plus the
   * ramps. What a wait for a move the caller did not time itself (a re-read after a stall) is bounded by.
   */
  motionLeft_s?(axes?: readonly string[]): Promise<number>;
  /** Encoder position of one axis (µm). */
  position_um(axis: string): Promise<number>;
  /** Every axis's position, or those of `axes` (in one exchange where the controller can). */
  positions_um(axes?: readonly string[]): Promise<Record<string, number>>;
  /**
   * Starts a homing run to the controller's home switch; wait with waitForMotion. Refused with
   * HomingRefusedError (nothing sent) unless the bench file gives the axis a `home_um` inside its soft
   * limits or marks its homing safe (`home_safe: true`).
   */
  home(axis: string): Promise<void>;
  setVelocity_um_s(axis: string, velocity_um_s: number): Promise<void>;
  /** Optional: several axes' velocities in one command where the controller takes them together. */
  setVelocities_um_s?(velocities_um_s: AxisValues_um): Promise<void>;
  velocity_um_s(axis: string): Promise<number>;
  /**
   * Sets the ramps of `axis`: the acceleration and, on a controller that keeps a separate deceleration
   * (ESP301 `AG`, PI `DEC`), the deceleration to the same value, so moves stay symmetric trapezoids.
   * The controller refuses values beyond its maximum (InstrumentError).
   */
  setAcceleration_um_s2(axis: string, acceleration_um_s2: number): Promise<void>;
  acceleration_um_s2(axis: string): Promise<number>;
  /**
   * Optional: per axis, the maxima the controller reported when the driver opened it, so a sequence can
   * be refused a velocity beyond them before the run; absent (or an axis without a field) where the
   * dialect has no such query.
   */
  readonly rampLimits?: Readonly<Record<string, RampLimits>>;
  /** Velocity and acceleration the controller will use for the next move of `axis`. */
  trajectory(axis: string): Promise<TrajectoryParameters>;
  /** Optional: the same for several axes, in two exchanges where the controller reads several axes at once (PI GCS). */
  trajectories?(axes: readonly string[]): Promise<Record<string, TrajectoryParameters>>;
  /**
   * Optional: one read of the controller's error queue (register), the exchange that confirms each of
   * its commands — for timing that confirmation (a fly scan times its moves by it). Throws the
   * InstrumentError an error there is.
   */
  readErrors?(): Promise<void>;
  /**
   * Fly scans: sets the axis velocity, starts an absolute move without waiting, and returns the trajectory
   * the sequencer needs to reconstruct positions over time. Soft limits apply as for any move. The fly
   * velocity is for this move only: the axis's earlier velocity is put back once the move is over (when
   * waitForMotion finds the axis done, before the axis's next move or homing run, or at close()), and
   * velocity_um_s()/trajectory() report that earlier velocity meanwhile. setVelocity_um_s() replaces it.
   */
  flyMove(axis: string, target_um: number, velocity_um_s: number, opts?: FlyMoveOptions): Promise<FlyMove>;
  /** Stops one axis, or every axis. */
  stop(axis?: string): Promise<void>;
  /** The bench file's soft limits for `axis` (µm). */
  softLimits(axis: string): { min_um: number; max_um: number };
  /** The bench file's axis configuration (controller axis number, limits, homing). */
  axisConfig(axis: string): StageAxisSettings;
}

/** A move refused before it reached the wire: the target lies outside the bench file's soft limits. */
export class SoftLimitError extends Error {
  override name = 'SoftLimitError';
  readonly role: string;
  readonly axis: string;
  readonly target_um: number;
  readonly min_um: number;
  readonly max_um: number;

  constructor(role: string, axis: string, target_um: number, limits: { min_um: number; max_um: number }) {
    super(`${role}: move of axis ${axis} to ${target_um} µm refused: outside its soft limits ` +
      `[${limits.min_um}, ${limits.max_um}] µm (bench file); nothing was sent`);
    this.role = role;
    this.axis = axis;
    this.target_um = target_um;
    this.min_um = limits.min_um;
    this.max_um = limits.max_um;
  }
}

/** A homing run refused before it reached the wire: the bench file does not show that it is safe. */
export class HomingRefusedError extends Error {
  override name = 'HomingRefusedError';
  readonly role: string;
  readonly axis: string;
  /** Where the bench file says the axis homes; undefined when it does not say. */
  readonly home_um: number | undefined;
  readonly min_um: number;
  readonly max_um: number;

  constructor(role: string, axis: string, home_um: number | undefined, limits: { min_um: number; max_um: number }) {
    const range = `[${limits.min_um}, ${limits.max_um}] µm`;
    super(home_um === undefined
      ? `${role}: homing axis ${axis} refused: the bench file does not say where it homes (axes.${axis}.home_um, ` +
        `to check against its soft limits ${range}) nor mark its homing safe (axes.${axis}.home_safe: true); nothing was sent`
      : `${role}: homing axis ${axis} refused: it homes to ${home_um} µm (bench file home_um), outside its soft limits ` +
        `${range}; mark axes.${axis}.home_safe: true only once the way there is known to be clear; nothing was sent`);
    this.role = role;
    this.axis = axis;
    this.home_um = home_um;
    this.min_um = limits.min_um;
    this.max_um = limits.max_um;
  }
}

/** A stage call named an axis the bench file does not give this stage. */
export class UnknownAxisError extends Error {
  override name = 'UnknownAxisError';
  readonly role: string;
  readonly axis: string;

  constructor(role: string, axis: string, known: readonly string[]) {
    super(`${role}: unknown axis '${axis}'; this stage's axes (bench file) are ${known.join(', ')}`);
    this.role = role;
    this.axis = axis;
  }
}

/** A motion argument that is not a usable number (NaN, Infinity, a velocity ≤ 0, ...). */
export class MotionArgumentError extends Error {
  override name = 'MotionArgumentError';
  readonly role: string;
  readonly axis: string;
  readonly argument: string;

  constructor(role: string, axis: string, argument: string, value: unknown, expected: string) {
    super(`${role}: ${argument} for axis ${axis} is ${String(value)}; expected ${expected}; nothing was sent`);
    this.role = role;
    this.axis = axis;
    this.argument = argument;
  }
}

/** Axes did not report motion done in time; they were stopped. */
export class MotionTimeoutError extends Error {
  override name = 'MotionTimeoutError';
  readonly role: string;
  readonly axes: readonly string[];
  readonly timeout_s: number;

  constructor(role: string, axes: readonly string[], timeout_s: number, stopFailure?: unknown) {
    const which = axes.length === 1 ? `axis ${axes[0]}` : `axes ${axes.join(', ')}`;
    super(`${role}: ${which} still moving after the ${timeout_s} s timeout; ` +
      (stopFailure === undefined
        ? `${axes.length === 1 ? 'it was' : 'they were'} stopped`
        : `stopping failed too: ${stopFailure instanceof Error ? stopFailure.message : String(stopFailure)}`),
    stopFailure === undefined ? undefined : { cause: stopFailure });
    this.role = role;
    this.axes = axes;
    this.timeout_s = timeout_s;
  }
}
