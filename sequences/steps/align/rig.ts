// The I/O side of an alignment: the two stage axes and the meter channel, seen as a plane of positions
// and powers. Moves wait with a timeout fitted to the move (a stalled axis surfaces as the stage's
// MotionTimeoutError naming it), readings are counted, every point is recorded, the time budget and
// pause/abort are honoured between moves. Fly lines log the meter while one axis runs and rebuild each
// sample's position from the move's trapezoid (trajectory.ts).
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';
import type { Stage } from '../../../drivers/roles/stage.ts';
import type { StepContext } from '../../step.ts';
import type { Evaluate } from './convergence.ts';
import { AlignAreaError, AlignTimeoutError } from './errors.ts';
import type { LineSample } from './line-fit.ts';
import { lineEnds } from './paths.ts';
import type { Point_um, ScanLine } from './paths.ts';
import { logSamplePositions_um, planProfile, samplesToCover } from './trajectory.ts';

export const ALIGN_TABLE = 'align_scan';

export type RigContext = Pick<StepContext, 'now_s' | 'checkpoint' | 'point' | 'log'>;

export interface RigSettings {
  axes: readonly [string, string];
  channel: number;
  fly_velocity_um_s: number;
  sample_time_s: number;
  max_time_s: number;
}

/** One logged sample of a fly line: where it was (both axes) and what the meter saw. */
export interface FlySample {
  x_um: number;
  y_um: number;
  power_dBm: number;
}

export interface FlyLineResult {
  line: ScanLine;
  /** +1 when the line ran towards larger positions. */
  direction: 1 | -1;
  samples: FlySample[];
  /** The samples as (position along the line, power), for fitLinePeak. */
  alongLine: LineSample[];
}

/** An axis this close to its target (encoder counts, servo dither) has arrived, µm. */
const ARRIVED_UM = 0.05;

/** A motion's timeout: its expected duration with room for polling and a slow controller. */
const motionTimeout_s = (duration_s: number): number => 2 + 2 * duration_s;

export class AlignRig {
  singleReadings = 0;
  loggedSamples = 0;
  linesFlown = 0;
  /** Darkest reading seen so far, dBm: the floor the relative threshold stands on. */
  floor_dBm = Infinity;
  /** The brightest reading seen and where. */
  best: { power_dBm: number; at: Point_um } | null = null;
  /** Bench seconds spent per phase, in the order entered. */
  readonly phaseTimes: Record<string, number> = {};
  private currentPhase = 'start';
  private phaseStart_s: number;
  readonly start_s: number;
  private at: Point_um | null = null;
  private averaging_s: number | null = null;
  private readonly trajectories = new Map<string, { velocity_um_s: number; acceleration_um_s2: number }>();
  private logLead_s = 0.005;

  constructor(
    readonly ctx: RigContext,
    readonly stage: Stage,
    readonly meter: PowerMeter,
    readonly settings: RigSettings,
  ) {
    this.start_s = ctx.now_s();
    this.phaseStart_s = this.start_s;
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

  elapsed_s(): number {
    return this.ctx.now_s() - this.start_s;
  }

  /** Between moves: pause/abort, then the time budget. */
  async checkpoint(): Promise<void> {
    await this.ctx.checkpoint();
    const spent = this.elapsed_s();
    if (spent > this.settings.max_time_s) throw new AlignTimeoutError(this.settings.max_time_s, this.phase, spent);
  }

  /** Where the two axes stand (encoder), µm. */
  async position(): Promise<Point_um> {
    const [ax, ay] = this.settings.axes;
    const p = { x_um: await this.stage.position_um(ax), y_um: await this.stage.position_um(ay) };
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

  /** Moves both axes to `p` (only those that change) and waits. */
  async moveTo(p: Point_um): Promise<void> {
    const [ax, ay] = this.settings.axes;
    const targets: Record<string, number> = {};
    if (!this.at || Math.abs(this.at.x_um - p.x_um) > 1e-6) targets[ax] = p.x_um;
    if (!this.at || Math.abs(this.at.y_um - p.y_um) > 1e-6) targets[ay] = p.y_um;
    const axes = Object.keys(targets);
    if (axes.length === 0) return;
    const longest = Math.max(...axes.map((a) => Math.abs((a === ax ? p.x_um - (this.at?.x_um ?? p.x_um) : p.y_um - (this.at?.y_um ?? p.y_um)))));
    await this.stage.moveAbsolute_um(targets);
    this.at = { ...p };
    const { velocity_um_s, acceleration_um_s2 } = await this.trajectory(axes[0] as string);
    const duration = planProfile({ from_um: 0, to_um: longest, velocity_um_s, acceleration_um_s2 }).duration_s;
    await this.stage.waitForMotion({ axes, timeout_s: motionTimeout_s(duration) });
  }

  /** One new reading with the given averaging time, dBm. */
  async read_dBm(averaging_s: number): Promise<number> {
    const ch = this.settings.channel;
    if (this.averaging_s !== averaging_s) {
      await this.meter.setAveragingTime_s(ch, averaging_s);
      this.averaging_s = averaging_s;
    }
    const power = await this.meter.readPower_dBm(ch);
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

  /**
   * Flies one line: to its start, then the meter logs free-running while the axis runs to the end at the
   * fly velocity; each sample is placed at its window's mean position on the move's trapezoid.
   */
  async flyLine(line: ScanLine, phase: string): Promise<FlyLineResult> {
    const [ax, ay] = this.settings.axes;
    const axis = line.along === 'x' ? ax : ay;
    const [start] = lineEnds(line);
    await this.checkpoint();
    await this.moveTo(start);
    const { acceleration_um_s2 } = await this.trajectory(axis);
    const tau = this.settings.sample_time_s;
    const planned = planProfile({ from_um: line.from_um, to_um: line.to_um, velocity_um_s: this.settings.fly_velocity_um_s, acceleration_um_s2 });
    const samples = samplesToCover(planned, tau, this.logLead_s * 1.2 + 0.001);
    const ch = this.settings.channel;
    await this.meter.startLogging({ channel: ch, samples, averagingTime_s: tau, trigger: 'ignore' });
    const logStart_s = this.ctx.now_s();
    const fly = await this.stage.flyMove(axis, line.to_um, this.settings.fly_velocity_um_s);
    const moveStart_s = this.ctx.now_s();
    // The next line's log must open this much earlier than its move: measured, not assumed.
    this.logLead_s = Math.max(0.002, moveStart_s - logStart_s);
    this.at = line.along === 'x' ? { x_um: line.to_um, y_um: line.fixed_um } : { x_um: line.fixed_um, y_um: line.to_um };
    // The log outlasts the move: once it is complete the axis has reached its target, which the encoder
    // confirms without waiting out the controller's settling window (the next line starts meanwhile).
    // Anywhere else, it is stuck or slow: wait for it, so a stall surfaces naming the axis.
    await this.meter.waitLogging(ch, 2 + samples * tau * 2);
    if (Math.abs((await this.stage.position_um(axis)) - line.to_um) > ARRIVED_UM) {
      await this.stage.waitForMotion({ axes: [axis], timeout_s: motionTimeout_s(planned.duration_s) });
    }
    const watts = await this.meter.fetchLog_W(ch);
    // A finished log still holds the function: single readings are refused until it is stopped.
    await this.meter.stopLogging(ch);
    this.loggedSamples += watts.length;
    this.linesFlown += 1;
    const profile = planProfile({ from_um: fly.from_um, to_um: fly.to_um, velocity_um_s: fly.velocity_um_s, acceleration_um_s2: fly.acceleration_um_s2 });
    const along = logSamplePositions_um(profile, { moveStart_s, logStart_s, averagingTime_s: tau, samples: watts.length });
    const out: FlySample[] = [];
    const alongLine: LineSample[] = [];
    for (let k = 0; k < watts.length; k++) {
      const w = watts[k] as number;
      const power_dBm = w > 0 ? 10 * Math.log10(w) + 30 : -Infinity;
      const u = along[k] as number;
      const p = line.along === 'x' ? { x_um: u, y_um: line.fixed_um } : { x_um: line.fixed_um, y_um: u };
      out.push({ ...p, power_dBm });
      alongLine.push({ position_um: u, power_dBm });
      await this.note(p, power_dBm, phase);
    }
    return { line, direction: line.to_um >= line.from_um ? 1 : -1, samples: out, alongLine };
  }

  /** Velocity and acceleration of an axis (read once; fly moves change the velocity, not the ramps). */
  private async trajectory(axis: string): Promise<{ velocity_um_s: number; acceleration_um_s2: number }> {
    let t = this.trajectories.get(axis);
    if (!t) {
      t = await this.stage.trajectory(axis);
      this.trajectories.set(axis, t);
    }
    return t;
  }

  /** Tracks floor and best, and records the point. */
  private async note(p: Point_um, power_dBm: number, phase: string): Promise<void> {
    if (!Number.isFinite(power_dBm)) return;
    this.floor_dBm = Math.min(this.floor_dBm, power_dBm);
    if (!this.best || power_dBm > this.best.power_dBm) this.best = { power_dBm, at: { ...p } };
    await this.ctx.point(ALIGN_TABLE, { x_um: round3(p.x_um), y_um: round3(p.y_um), power_dBm: round3(power_dBm), phase });
  }
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
