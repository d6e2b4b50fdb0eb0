// The Stage role over any StageProtocol: logical axes from the bench file, every argument and every soft
// limit checked before a byte is sent, homing only where the bench file shows it is safe, waiting for
// motion with a timeout that stops what is still moving, fly velocities put back once the fly move is over.
import { setTimeout as sleep } from 'node:timers/promises';
import { InstrumentError, TimeoutError } from '../errors.ts';
import { runSafeSteps } from '../properties/safe-state.ts';
import type { SafeStep } from '../properties/safe-state.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { checkAxes, homingAllowed } from './stage-axes.ts';
import type { StageProtocol } from './stage-protocol.ts';
import { HomingRefusedError, MotionArgumentError, MotionTimeoutError, SoftLimitError, UnknownAxisError } from './stage.ts';
import type { AxisValues_um, FlyMove, FlyMoveOptions, MotionWaitOptions, RampLimits, Stage, StageAxisSettings, TrajectoryParameters } from './stage.ts';

export { StageConfigError } from './stage-axes.ts';

const DEFAULT_WAIT_TIMEOUT_S = 60;
const DEFAULT_POLL_INTERVAL_S = 0.02;

export class AxisStage implements Stage {
  readonly kind = 'stage' as const;
  readonly driverName: string;
  readonly role: string;
  readonly axes: readonly string[];
  private readonly protocol: StageProtocol;
  private readonly config: Readonly<Record<string, StageAxisSettings>>;
  /**
   * Axes whose last move was a fly move, with the velocity they had before it (µm/s): owed back once the
   * fly move is over. A controller may apply a new velocity to the move in progress (PI GCS VEL can), so it
   * is not put back while the fly move may still run, only once the axis is known done or about to get
   * its next move.
   */
  private readonly owedVelocity = new Map<string, number>();
  /** As the Stage interface says; read by prepare() where the protocol has the queries. */
  rampLimits: Readonly<Record<string, RampLimits>> | undefined;

  constructor(driverName: string, role: string, protocol: StageProtocol, axes: Readonly<Record<string, StageAxisSettings>> | undefined) {
    this.driverName = driverName;
    this.role = role;
    this.protocol = protocol;
    this.config = checkAxes(role, axes);
    this.axes = Object.keys(this.config);
  }

  get session(): ScpiSession {
    return this.protocol.session;
  }

  async identify(): Promise<string> {
    return this.protocol.identify();
  }

  /** Readies the controller: stale errors read and dropped, then (with `enable`) servos/motors on. Moves nothing. */
  async prepare(opts: { enable: boolean }): Promise<void> {
    await this.protocol.clearErrors();
    if (opts.enable) await this.protocol.enable(this.axes.map((a) => this.axisConfig(a).axis));
    await this.readRampLimits();
  }

  /**
   * Each axis's maxima, for validating a sequence's `stage.velocity`/`acceleration`. A controller that
   * refuses or does not answer the query (a model or firmware without that parameter) still opens: that
   * maximum is unknown and the controller itself judges a value at run time. A garbled reply still fails.
   */
  private async readRampLimits(): Promise<void> {
    const { maxVelocity_um_s, maxAcceleration_um_s2 } = this.protocol;
    if (!maxVelocity_um_s && !maxAcceleration_um_s2) return;
    const limits: Record<string, RampLimits> = {};
    let refused = false;
    const read = async (q: ((axis: number) => Promise<number>) | undefined, n: number): Promise<number | undefined> => {
      if (!q) return undefined;
      try {
        return await q.call(this.protocol, n);
      } catch (err) {
        if (!(err instanceof InstrumentError || err instanceof TimeoutError)) throw err;
        refused = true;
        return undefined;
      }
    };
    for (const axis of this.axes) {
      const n = this.axisConfig(axis).axis;
      const v = await read(maxVelocity_um_s, n);
      const a = await read(maxAcceleration_um_s2, n);
      limits[axis] = { ...(v !== undefined ? { maxVelocity_um_s: v } : {}), ...(a !== undefined ? { maxAcceleration_um_s2: a } : {}) };
    }
    // The refusal stays in an error register that keeps it (GCS) until read: the next checked command
    // would take it for its own.
    if (refused) await this.protocol.clearErrors();
    this.rampLimits = limits;
  }

  async moveAbsolute_um(axisOrTargets: string | AxisValues_um, target_um?: number): Promise<void> {
    const targets = this.pairs(axisOrTargets, target_um, 'target_um');
    // Every axis is checked before anything is sent: one refused target refuses the whole call.
    const moves = targets.map(([axis, t]) => ({ axis: this.checkTarget(axis, t, 'target_um'), target_um: t }));
    for (const [axis] of targets) await this.putBackVelocity(axis);
    await this.protocol.moveAbsolute(moves);
  }

  async moveRelative_um(axisOrDeltas: string | AxisValues_um, delta_um?: number): Promise<void> {
    const deltas = this.pairs(axisOrDeltas, delta_um, 'delta_um');
    // Unknown axes and unusable numbers are refused before anything is sent; the soft limits need the
    // current targets, so only queries go out before a refusal, never a move.
    const checked = deltas.map(([axis, d]) => {
      const n = this.axisConfig(axis).axis;
      if (typeof d !== 'number' || !Number.isFinite(d)) throw new MotionArgumentError(this.role, axis, 'delta_um', d, 'a finite displacement in µm');
      return { name: axis, axis: n, delta_um: d };
    });
    for (const m of checked) this.checkTarget(m.name, (await this.protocol.target_um(m.axis)) + m.delta_um, 'target_um');
    for (const m of checked) await this.putBackVelocity(m.name);
    await this.protocol.moveRelative(checked.map(({ axis, delta_um }) => ({ axis, delta_um })));
  }

  /** As the Stage interface says; an axis found done that had a fly move gets its earlier velocity back. */
  async waitForMotion(opts: MotionWaitOptions = {}): Promise<void> {
    const timeout_s = opts.timeout_s ?? DEFAULT_WAIT_TIMEOUT_S;
    const poll_s = opts.pollInterval_s ?? DEFAULT_POLL_INTERVAL_S;
    if (!(Number.isFinite(timeout_s) && timeout_s > 0)) throw new MotionArgumentError(this.role, '*', 'timeout_s', timeout_s, 'a number of seconds > 0');
    if (!(Number.isFinite(poll_s) && poll_s > 0)) throw new MotionArgumentError(this.role, '*', 'pollInterval_s', poll_s, 'a number of seconds > 0');
    let pending = [...(opts.axes ?? this.axes)];
    for (const axis of pending) this.axisConfig(axis);
    const deadline = performance.now() + timeout_s * 1000;
    for (;;) {
      const still: string[] = [];
      for (const axis of pending) {
        if (await this.isMoving(axis)) still.push(axis);
        else await this.putBackVelocity(axis);
      }
      pending = still;
      if (pending.length === 0) return;
      const remaining_ms = deadline - performance.now();
      if (remaining_ms <= 0) {
        let stopFailure: unknown;
        try {
          await this.protocol.stop(pending.map((a) => this.axisConfig(a).axis));
        } catch (err) {
          stopFailure = err;
        }
        throw new MotionTimeoutError(this.role, pending, timeout_s, stopFailure);
      }
      await sleep(Math.min(poll_s * 1000, remaining_ms));
    }
  }

  async isMoving(axis: string): Promise<boolean> {
    return this.protocol.isMoving(this.axisConfig(axis).axis);
  }

  /** As the Stage interface says: the controller's own velocity (not an owed one: a fly move runs at its own). */
  async motionLeft_s(axes: readonly string[] = this.axes): Promise<number> {
    let longest_s = 0;
    for (const axis of axes) {
      const n = this.axisConfig(axis).axis;
      if (!(await this.protocol.isMoving(n))) continue;
      const distance_um = Math.abs((await this.protocol.target_um(n)) - (await this.protocol.position_um(n)));
      const velocity_um_s = await this.protocol.velocity_um_s(n);
      const acceleration_um_s2 = await this.protocol.acceleration_um_s2(n);
      // A trapezoid from rest at worst: the cruise, plus one ramp up and one down (v / a each, half of it lost time).
      const left_s = distance_um / velocity_um_s + (acceleration_um_s2 > 0 ? velocity_um_s / acceleration_um_s2 : 0);
      if (Number.isFinite(left_s)) longest_s = Math.max(longest_s, left_s);
    }
    return longest_s;
  }

  async position_um(axis: string): Promise<number> {
    return this.protocol.position_um(this.axisConfig(axis).axis);
  }

  async positions_um(axes: readonly string[] = this.axes): Promise<Record<string, number>> {
    const numbers = axes.map((a) => this.axisConfig(a).axis);
    const out: Record<string, number> = {};
    if (this.protocol.positions_um && axes.length > 1) {
      const values = await this.protocol.positions_um(numbers);
      axes.forEach((a, i) => (out[a] = values[i] as number));
      return out;
    }
    for (const axis of axes) out[axis] = await this.position_um(axis);
    return out;
  }

  async home(axis: string): Promise<void> {
    const c = this.axisConfig(axis);
    if (!homingAllowed(c)) throw new HomingRefusedError(this.role, axis, c.home_um, c);
    await this.putBackVelocity(axis);
    return this.protocol.home(c.axis);
  }

  /** Sets the velocity of the axis's moves from now on (it also replaces a velocity owed after a fly move). */
  async setVelocity_um_s(axis: string, velocity_um_s: number): Promise<void> {
    const n = this.checkVelocity(axis, velocity_um_s);
    await this.protocol.setVelocity_um_s(n, velocity_um_s);
    this.owedVelocity.delete(axis);
  }

  /** Several velocities, each checked first, in one command where the protocol has it (else one by one). */
  async setVelocities_um_s(velocities_um_s: AxisValues_um): Promise<void> {
    const pairs = this.pairs(velocities_um_s, undefined, 'velocity_um_s');
    const checked = pairs.map(([axis, v]) => ({ name: axis, axis: this.checkVelocity(axis, v), velocity_um_s: v }));
    if (this.protocol.setVelocities_um_s && checked.length > 1) await this.protocol.setVelocities_um_s(checked);
    else for (const c of checked) await this.protocol.setVelocity_um_s(c.axis, c.velocity_um_s);
    for (const c of checked) this.owedVelocity.delete(c.name);
  }

  /** The velocity of the axis's next move: after a fly move, the earlier velocity that will be put back. */
  async velocity_um_s(axis: string): Promise<number> {
    const n = this.axisConfig(axis).axis;
    return this.owedVelocity.get(axis) ?? this.protocol.velocity_um_s(n);
  }

  async setAcceleration_um_s2(axis: string, acceleration_um_s2: number): Promise<void> {
    const n = this.axisConfig(axis).axis;
    if (!(typeof acceleration_um_s2 === 'number' && Number.isFinite(acceleration_um_s2) && acceleration_um_s2 > 0)) {
      throw new MotionArgumentError(this.role, axis, 'acceleration_um_s2', acceleration_um_s2, 'a finite acceleration > 0 in µm/s²');
    }
    return this.protocol.setAcceleration_um_s2(n, acceleration_um_s2);
  }

  async acceleration_um_s2(axis: string): Promise<number> {
    return this.protocol.acceleration_um_s2(this.axisConfig(axis).axis);
  }

  async trajectory(axis: string): Promise<TrajectoryParameters> {
    const n = this.axisConfig(axis).axis;
    return { velocity_um_s: await this.velocity_um_s(axis), acceleration_um_s2: await this.protocol.acceleration_um_s2(n) };
  }

  async readErrors(): Promise<void> {
    if (this.protocol.session.options.dialect.errorQuery === null) return;
    await this.protocol.session.checkErrors();
  }

  async trajectories(axes: readonly string[]): Promise<Record<string, TrajectoryParameters>> {
    const out: Record<string, TrajectoryParameters> = {};
    const { velocities_um_s, accelerations_um_s2 } = this.protocol;
    if (!velocities_um_s || !accelerations_um_s2 || axes.length < 2) {
      for (const axis of axes) out[axis] = await this.trajectory(axis);
      return out;
    }
    const numbers = axes.map((a) => this.axisConfig(a).axis);
    const v = await velocities_um_s.call(this.protocol, numbers);
    const a = await accelerations_um_s2.call(this.protocol, numbers);
    // A velocity owed back after a fly move is the one the next move runs with (as velocity_um_s says).
    axes.forEach((axis, i) => (out[axis] = { velocity_um_s: this.owedVelocity.get(axis) ?? (v[i] as number), acceleration_um_s2: a[i] as number }));
    return out;
  }

  async flyMove(axis: string, target_um: number, velocity_um_s: number, opts: FlyMoveOptions = {}): Promise<FlyMove> {
    const n = this.checkTarget(axis, target_um, 'target_um');
    this.checkVelocity(axis, velocity_um_s);
    const clock = opts.clock ?? wallClock_s;
    // Back-to-back fly moves owe the velocity from before the first one, not a fly velocity.
    const earlier = this.owedVelocity.get(axis) ?? await this.protocol.velocity_um_s(n);
    await this.protocol.setVelocity_um_s(n, velocity_um_s);
    // Owed from here on, even if the move below is refused: the axis now has the fly velocity.
    this.owedVelocity.set(axis, earlier);
    const from_um = await this.protocol.position_um(n);
    // The velocity was just set (and confirmed): only the ramps need asking.
    const acceleration_um_s2 = await this.protocol.acceleration_um_s2(n);
    const earliest = clock();
    await this.protocol.moveAbsolute([{ axis: n, target_um }]);
    const latest = clock();
    return { axis, from_um, to_um: target_um, velocity_um_s, acceleration_um_s2, commandedAt_s: { earliest, latest } };
  }

  async stop(axis?: string): Promise<void> {
    const names = axis === undefined ? this.axes : [axis];
    return this.protocol.stop(names.map((a) => this.axisConfig(a).axis));
  }

  softLimits(axis: string): { min_um: number; max_um: number } {
    const { min_um, max_um } = this.axisConfig(axis);
    return { min_um, max_um };
  }

  axisConfig(axis: string): StageAxisSettings {
    const c = Object.hasOwn(this.config, axis) ? this.config[axis] : undefined;
    if (!c) throw new UnknownAxisError(this.role, String(axis), this.axes);
    return c;
  }

  /**
   * The safe state: the controller's stop-everything command, then a stop of each bench-file axis on its
   * own (in case the first was lost or refused). Every step is tried whatever failed before it; the
   * failures are reported together (SafeStateError, one step per stop).
   */
  async safe(): Promise<void> {
    const steps: SafeStep[] = [['stop all axes', () => this.protocol.stopAll()]];
    for (const axis of this.axes) steps.push([`stop axis ${axis}`, () => this.protocol.stop([this.axisConfig(axis).axis])]);
    return runSafeSteps(this.session.resource, steps);
  }

  /**
   * Puts back the velocities still owed after fly moves on the axes that are done (one still moving
   * keeps its fly velocity: changing it could change that move), then closes the session whatever
   * happened; a failure to put a velocity back is thrown after that.
   */
  async close(): Promise<void> {
    let failure: unknown;
    try {
      for (const axis of [...this.owedVelocity.keys()]) {
        if (!(await this.isMoving(axis))) await this.putBackVelocity(axis);
      }
    } catch (err) {
      failure = err;
    }
    this.owedVelocity.clear();
    await this.protocol.session.close();
    if (failure !== undefined) throw failure;
  }

  /** Sets the velocity owed to `axis` after a fly move, if any (forgotten once the controller took it). */
  private async putBackVelocity(axis: string): Promise<void> {
    const v = this.owedVelocity.get(axis);
    if (v === undefined) return;
    await this.protocol.setVelocity_um_s(this.axisConfig(axis).axis, v);
    this.owedVelocity.delete(axis);
  }

  private pairs(axisOrValues: string | AxisValues_um, value: number | undefined, argument: string): [string, number][] {
    if (typeof axisOrValues === 'string') return [[axisOrValues, value as number]];
    if (axisOrValues === null || typeof axisOrValues !== 'object') {
      throw new MotionArgumentError(this.role, '?', 'axis', axisOrValues, `an axis name or a map of axis → ${argument}`);
    }
    const entries = Object.entries(axisOrValues);
    if (entries.length === 0) throw new MotionArgumentError(this.role, '?', 'axes', '{}', `at least one axis (${this.axes.join(', ')})`);
    return entries;
  }

  /** The controller axis number, once the axis is known and the velocity a finite number > 0. */
  private checkVelocity(axis: string, velocity_um_s: number): number {
    const n = this.axisConfig(axis).axis;
    if (!(typeof velocity_um_s === 'number' && Number.isFinite(velocity_um_s) && velocity_um_s > 0)) {
      throw new MotionArgumentError(this.role, axis, 'velocity_um_s', velocity_um_s, 'a finite velocity > 0 in µm/s');
    }
    return n;
  }

  /** The controller axis number, once the axis is known, the value a finite number and inside the soft limits. */
  private checkTarget(axis: string, target_um: number, argument: string): number {
    const c = this.axisConfig(axis);
    if (typeof target_um !== 'number' || !Number.isFinite(target_um)) {
      throw new MotionArgumentError(this.role, axis, argument, target_um, 'a finite position in µm');
    }
    if (target_um < c.min_um || target_um > c.max_um) throw new SoftLimitError(this.role, axis, target_um, c);
    return c.axis;
  }
}

const wallClock_s = (): number => performance.now() / 1000;
