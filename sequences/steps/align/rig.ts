// The I/O side of an alignment: the two stage axes and the meter channel, seen as a plane of positions
// and powers. Moves wait with a timeout fitted to the move (a stalled axis surfaces as the stage's
// MotionTimeoutError naming it), readings are counted, every point is recorded (a fly segment's samples
// in one write), the time budget of each alignment (max_time) and pause/abort are honoured between
// moves. Fly segments (fly.ts) log the meter while the axes run.
import { motionStartTrigger } from '../../../drivers/roles/motion-trigger.ts';
import type { MotionStartTrigger } from '../../../drivers/roles/motion-trigger.ts';
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';
import type { Stage } from '../../../drivers/roles/stage.ts';
import type { Row, StepContext } from '../../step.ts';
import type { Evaluate } from './convergence.ts';
import { AlignAreaError, AlignTimeoutError } from './errors.ts';
import { flySegment } from './fly.ts';
import type { FlySegment } from './fly.ts';
import type { Point_um } from './paths.ts';
import { planProfile } from './trajectory.ts';

export const ALIGN_TABLE = 'align_scan';

export type RigContext = Pick<StepContext, 'now_s' | 'checkpoint' | 'point' | 'points' | 'log' | 'warn'>;

export interface RigSettings {
  axes: readonly [string, string];
  channel: number;
  fly_velocity_um_s: number;
  /** Ramps of fly scans and of the moves between them; undefined keeps the controller's own. */
  fly_acceleration_um_s2?: number;
  sample_time_s: number;
  max_time_s: number;
}

/** The speed profile an axis runs its moves with. */
export interface Ramps {
  velocity_um_s: number;
  acceleration_um_s2: number;
}

/** A motion's timeout: its expected duration with room for polling and a slow controller. */
export const motionTimeout_s = (duration_s: number): number => 2 + 2 * duration_s;

/** An axis this close to its target (encoder counts, servo dither) has arrived, µm. */
export const ARRIVED_UM = 0.05;

export class AlignRig {
  singleReadings = 0;
  loggedSamples = 0;
  segmentsFlown = 0;
  /** Darkest reading seen so far, dBm: the floor the relative threshold stands on. */
  floor_dBm = Infinity;
  /** The brightest reading of the current alignment and where. */
  best: { power_dBm: number; at: Point_um } | null = null;
  /**
   * False once a log showed that the step's clock does not follow the instruments (fly.ts): fly
   * segments cannot be timed, and alignments go by step-and-read from then on.
   */
  flyTimingUsable = true;
  /** Fly lines flown again after their trigger pulse was lost (fly.ts), for the step's notes. */
  readonly reflown: string[] = [];
  /** Bench seconds spent per phase, in the order entered. */
  readonly phaseTimes: Record<string, number> = {};
  /** Where the axes were last sent (the start of the next move's trapezoid); null until known. */
  at: Point_um | null = null;
  /** Bench time from opening a log to starting the move it records (measured on each segment). */
  logLead_s = 0.001;
  /**
   * How long one query takes on the stage's and the meter's link (measured): a command is confirmed by
   * an error query, so it took effect about this long before its confirmation came back.
   */
  readonly exchange_s = { stage: 0, meter: 0 };
  /** The spread (1σ) of those exchanges, s: a software-timed log's start and its move's are each that uncertain. */
  readonly exchangeSigma_s = { stage: 0, meter: 0 };
  /** How far the stage's motion was found to lag the timing estimate (timing-lag.ts), s: added from then on. */
  lag_s = 0;
  readonly start_s: number;
  /**
   * The stage's motion-start trigger output cabled to the meter's trigger input, when the bench has one:
   * fly logs then start by hardware (fly.ts) and the step's clock plays no part in placing samples.
   */
  readonly motionTrigger: MotionStartTrigger | undefined;
  /** When the current alignment started: max_time counts from here. */
  private alignStart_s: number;
  private currentPhase = 'start';
  private phaseStart_s: number;
  private averaging_s: number | null = null;
  private readonly ramps = new Map<string, Ramps>();
  /** The user's ramps, kept while fly ramps are in use, to be put back. */
  private saved: Map<string, Ramps> | null = null;

  constructor(
    readonly ctx: RigContext,
    readonly stage: Stage,
    readonly meter: PowerMeter,
    readonly settings: RigSettings,
  ) {
    this.start_s = ctx.now_s();
    this.motionTrigger = motionStartTrigger(stage);
    this.alignStart_s = this.start_s;
    this.phaseStart_s = this.start_s;
  }

  /**
   * A new alignment (the first, or a re-alignment while tracking): its own max_time budget, and its own
   * best reading, which the final check holds it to. The floor carries over.
   */
  startAlignment(): void {
    this.alignStart_s = this.ctx.now_s();
    this.best = null;
  }

  get phase(): string {
    return this.currentPhase;
  }

  /** Enters a phase (for time accounting and error messages). */
  set phase(name: string) {
    const now = this.ctx.now_s();
    this.phaseTimes[this.currentPhase] = (this.phaseTimes[this.currentPhase] ?? 0) + (now - this.phaseStart_s);
    this.currentPhase = name;
    this.phaseStart_s = now;
  }

  get readings(): number {
    return this.singleReadings + this.loggedSamples;
  }

  /** Bench time since the current alignment started. */
  elapsed_s(): number {
    return this.ctx.now_s() - this.alignStart_s;
  }

  /** Between moves: pause/abort, then the alignment's time budget. */
  async checkpoint(): Promise<void> {
    await this.ctx.checkpoint();
    const spent = this.elapsed_s();
    if (spent > this.settings.max_time_s) throw new AlignTimeoutError(this.settings.max_time_s, this.phase, spent);
  }

  /** Where the two axes stand (encoder), µm; also where the next move starts from. */
  async position(): Promise<Point_um> {
    const [ax, ay] = this.settings.axes;
    const both = await this.stage.positions_um([ax, ay]);
    const p = { x_um: both[ax] as number, y_um: both[ay] as number };
    this.at = p;
    return p;
  }

  /** Soft-limit check of a box before anything moves: names the axis and the limit. */
  checkArea(min: Point_um, max: Point_um, what: string): void {
    const [ax, ay] = this.settings.axes;
    for (const [axis, lo, hi] of [[ax, min.x_um, max.x_um], [ay, min.y_um, max.y_um]] as const) {
      const lim = this.stage.softLimits(axis);
      if (lo < lim.min_um || hi > lim.max_um) {
        throw new AlignAreaError(`align: ${what} spans axis ${axis} ${lo.toFixed(1)}…${hi.toFixed(1)} µm, beyond its soft limits ` +
          `[${lim.min_um}, ${lim.max_um}] µm; move the search centre or shrink search_radius`);
      }
    }
  }

  /** The ramps an axis runs with now (read from the controller once, then tracked). */
  async rampsOf(axis: string): Promise<Ramps> {
    let r = this.ramps.get(axis);
    if (!r) {
      r = await this.stage.trajectory(axis);
      this.ramps.set(axis, r);
    }
    return r;
  }

  /** Reads the ramps of the axes not yet known, together where the stage can (two exchanges for both axes on PI GCS). */
  private async readRamps(axes: readonly string[]): Promise<void> {
    const unknown = axes.filter((a) => !this.ramps.has(a));
    if (!this.stage.trajectories || unknown.length < 2) return;
    const all = await this.stage.trajectories(unknown);
    for (const axis of unknown) this.ramps.set(axis, all[axis] as Ramps);
  }

  /**
   * Fly ramps on both axes: the fly velocity and (when asked) acceleration, for the scans and the moves
   * between them. The user's values are kept and put back by restoreRamps().
   */
  async useFlyRamps(): Promise<void> {
    if (this.saved) return;
    await this.measureExchanges();
    await this.readRamps(this.settings.axes);
    const saved = new Map<string, Ramps>();
    for (const axis of this.settings.axes) saved.set(axis, { ...(await this.rampsOf(axis)) });
    this.saved = saved;
    const { fly_velocity_um_s: v, fly_acceleration_um_s2: a } = this.settings;
    await this.setAllRamps(new Map(this.settings.axes.map((axis) => [axis, { velocity_um_s: v, acceleration_um_s2: a ?? (saved.get(axis) as Ramps).acceleration_um_s2 }])));
  }

  /**
   * Times queries on each link (a fly segment's timing subtracts their mean from its confirmations; their
   * spread says how well a software-timed log can be placed: rest-peak.ts). EXCHANGE_REPEATS of each,
   * but on a link whose first exchange costs more than CHEAP_EXCHANGE_S only that one: a slow link's
   * exchange is mostly its byte time at the baud rate, the same every time, and each repeat would cost
   * that again.
   */
  async measureExchanges(): Promise<void> {
    if (this.motionTrigger) return; // hardware-started logs need no exchange timing
    // The stage's own confirmation (its error query) where it can be read: on a slow serial link its
    // bytes, not a position query's, are what pass between a move taking effect and its confirmation
    // (the ESP301's `TB?` answers 16 bytes, 8 ms at 19 200 baud).
    const stage = await this.timedRepeats(async () => {
      if (this.stage.readErrors) await this.stage.readErrors();
      else await this.stage.position_um(this.settings.axes[0]);
    });
    const meter = await this.timedRepeats(() => this.meter.averagingTime_s(this.settings.channel));
    this.exchange_s.stage = mean(stage);
    this.exchange_s.meter = mean(meter);
    this.exchangeSigma_s.stage = sampleSigma(stage);
    this.exchangeSigma_s.meter = sampleSigma(meter);
  }

  private async timedRepeats(exchange: () => Promise<unknown>): Promise<number[]> {
    const out: number[] = [];
    for (let k = 0; k < EXCHANGE_REPEATS; k++) {
      const t = this.ctx.now_s();
      await exchange();
      out.push(this.ctx.now_s() - t);
      if ((out[0] as number) > CHEAP_EXCHANGE_S) break;
    }
    return out;
  }

  /** A fly line flown again (its log got no trigger pulse): logged now, and in the step's notes. */
  noteReflown(message: string): void {
    this.reflown.push(message);
    this.ctx.warn(`align: ${message}`);
  }

  /** How fly segments are timed, for the step's notes. */
  flyTimingMethod(): string {
    return this.motionTrigger
      ? `fly timing: hardware — the stage's trigger output ${this.motionTrigger.triggerOutput} pulses at motion start into the meter's trigger input (log started on the edge)`
      : 'fly timing: software — each log and move timed from its command\'s confirmation, the residual lag measured from out-and-back lines';
  }

  /** Puts the user's ramps back (after success, failure or abort alike). */
  async restoreRamps(): Promise<void> {
    const saved = this.saved;
    if (!saved) return;
    this.saved = null;
    await this.setAllRamps(saved);
  }

  /** Moves both axes to `p` (only those that change) and waits for the controller to report them done. */
  async moveTo(p: Point_um): Promise<void> {
    const [ax, ay] = this.settings.axes;
    const from = this.at;
    const targets: Record<string, number> = {};
    if (!from || Math.abs(from.x_um - p.x_um) > 1e-6) targets[ax] = p.x_um;
    if (!from || Math.abs(from.y_um - p.y_um) > 1e-6) targets[ay] = p.y_um;
    const axes = Object.keys(targets);
    if (axes.length === 0) return;
    let duration = 0;
    for (const axis of axes) {
      const { velocity_um_s, acceleration_um_s2 } = await this.rampsOf(axis);
      const d = from ? Math.abs(axis === ax ? p.x_um - from.x_um : p.y_um - from.y_um) : 0;
      duration = Math.max(duration, planProfile({ from_um: 0, to_um: d, velocity_um_s, acceleration_um_s2 }).duration_s);
    }
    await this.stage.moveAbsolute_um(targets);
    this.at = { ...p };
    await this.stage.waitForMotion({ axes, timeout_s: motionTimeout_s(duration) });
  }

  /**
   * Flies both axes to `to` while the meter logs; every sample placed on the trajectory (fly.ts).
   * `confirm: false` leaves the encoders' confirmation of arrival to the next confirmed segment or
   * confirmArrival() (first light's legs: their samples' positions matter only once a leg sees light),
   * where the trigger's pulse shows the move started; software-timed segments confirm every move.
   */
  async flyTo(to: Point_um, phase: string, opts: { confirm?: boolean } = {}): Promise<FlySegment> {
    await this.checkpoint();
    return flySegment(this, to, phase, opts.confirm ?? true);
  }

  /**
   * The axes flown with `confirm: false` since the last confirmation: the next confirmed segment reads
   * them with its own (fly.ts), and confirmArrival() on its own.
   */
  readonly unconfirmed = new Set<string>();

  /** The unconfirmed axes' last targets. */
  unconfirmedTargets(): Record<string, number> {
    const out: Record<string, number> = {};
    const [ax, ay] = this.settings.axes;
    if (!this.at) return out;
    if (this.unconfirmed.has(ax)) out[ax] = this.at.x_um;
    if (this.unconfirmed.has(ay)) out[ay] = this.at.y_um;
    return out;
  }

  /**
   * The unconfirmed axes at the targets they were last sent to (one encoder read); one short of it is
   * waited for, so a stall surfaces as the stage's MotionTimeoutError naming it.
   */
  async confirmArrival(): Promise<void> {
    const targets = this.unconfirmedTargets();
    this.unconfirmed.clear();
    const axes = Object.keys(targets);
    if (axes.length === 0) return;
    const at = await this.stage.positions_um(axes);
    const late = axes.filter((axis) => Math.abs((at[axis] as number) - (targets[axis] as number)) > ARRIVED_UM);
    if (late.length > 0) await this.stage.waitForMotion({ axes: late, timeout_s: motionTimeout_s(0) });
  }

  /** Leaves the averaging time to be set again by the next single reading (a log changed the meter). */
  forgetAveraging(): void {
    this.averaging_s = null;
  }

  /** One new reading with the given averaging time, dBm. */
  async read_dBm(averaging_s: number): Promise<number> {
    const ch = this.settings.channel;
    let power: number;
    if (this.averaging_s === averaging_s) power = await this.meter.readPower_dBm(ch);
    else if (this.meter.readPowerAveraged_dBm) power = await this.meter.readPowerAveraged_dBm(ch, averaging_s);
    else {
      await this.meter.setAveragingTime_s(ch, averaging_s);
      power = await this.meter.readPower_dBm(ch);
    }
    this.averaging_s = averaging_s;
    this.singleReadings += 1;
    return power;
  }

  /** Step-and-read: move, read, record. */
  evaluator(phase: string, averaging_s: number): Evaluate {
    return async (p) => {
      await this.checkpoint();
      await this.moveTo(p);
      const power = await this.read_dBm(averaging_s);
      await this.note(p, power, phase);
      return power;
    };
  }

  /** Tracks floor and best, and records the point. */
  async note(p: Point_um, power_dBm: number, phase: string): Promise<void> {
    await this.noteAll([{ ...p, power_dBm }], phase);
  }

  /** The same for a burst of readings (a fly segment's samples): one durable write where the context can. */
  async noteAll(readings: readonly (Point_um & { power_dBm: number })[], phase: string): Promise<void> {
    const rows: Row[] = [];
    for (const r of readings) {
      if (!Number.isFinite(r.power_dBm)) continue;
      this.floor_dBm = Math.min(this.floor_dBm, r.power_dBm);
      if (!this.best || r.power_dBm > this.best.power_dBm) this.best = { power_dBm: r.power_dBm, at: { x_um: r.x_um, y_um: r.y_um } };
      rows.push({ x_um: round3(r.x_um), y_um: round3(r.y_um), power_dBm: round3(r.power_dBm), phase });
    }
    if (rows.length === 0) return;
    if (this.ctx.points) await this.ctx.points(ALIGN_TABLE, rows);
    else for (const row of rows) await this.ctx.point(ALIGN_TABLE, row);
  }

  /** Each axis's ramps; the velocities that change in one command where the stage takes them together. */
  private async setAllRamps(want: ReadonlyMap<string, Ramps>): Promise<void> {
    const velocities: Record<string, number> = {};
    for (const [axis, r] of want) if ((await this.rampsOf(axis)).velocity_um_s !== r.velocity_um_s) velocities[axis] = r.velocity_um_s;
    if (this.stage.setVelocities_um_s && Object.keys(velocities).length > 1) {
      await this.stage.setVelocities_um_s(velocities);
      for (const axis of Object.keys(velocities)) this.ramps.set(axis, { ...(await this.rampsOf(axis)), velocity_um_s: velocities[axis] as number });
    }
    for (const [axis, r] of want) await this.setRamps(axis, r);
  }

  private async setRamps(axis: string, want: Ramps): Promise<void> {
    const now = await this.rampsOf(axis);
    if (now.velocity_um_s !== want.velocity_um_s) await this.stage.setVelocity_um_s(axis, want.velocity_um_s);
    if (now.acceleration_um_s2 !== want.acceleration_um_s2) await this.stage.setAcceleration_um_s2(axis, want.acceleration_um_s2);
    this.ramps.set(axis, { ...want });
  }
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Queries timed per link (measureExchanges): enough for a spread, few enough to cost little on a slow link. */
const EXCHANGE_REPEATS = 5;
/** An exchange costing more than this is timed once (measureExchanges), s. */
const CHEAP_EXCHANGE_S = 3e-3;

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function sampleSigma(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}
