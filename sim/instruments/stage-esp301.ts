// A Newport ESP301-style 3-axis motion controller (role 'stage-esp'), a front end of the shared
// StageMotion. ASCII over serial: commands end with CR, replies with CR LF, one reply line per query;
// commands are silent and errors go to the error buffer (`TB?`, `TE?`). Units are per axis (nSN).
//
// Implemented: nPA nPR (moves; `?` → target), nTP[?] (encoder position), nDP? (target), nMD? (1 when
// done), nOR[mode] (home), nST / ST (stop), nVA nAC nAG (velocity, acceleration, deceleration; `?`),
// nVU? (max velocity), nMO nMF nMO? (motor on/off), nSL nSR (software travel limits; `?`), nWS[ms]
// (wait for stop), nID? (stage), nSN / nSN? (units per axis: 2 = mm at power-up, 3 = µm), TB? TE? VE?.
// The motors power up on and the software limits power up at the hardware travel.
//
// Deceleration: `nAG` is kept per axis, checked like `nAC` (the controller's AU maximum bounds both
// ramps, so a value beyond it is x11 MAXIMUM ACCELERATION EXCEEDED) and read back by `nAG?`; it powers
// up equal to the acceleration. The shared mechanics (sim/motion) run symmetric trapezoids, so moves and
// stops brake at the `nAC` value: AG and AC set to one value (what the driver does) is modelled exactly,
// an AG that differs from AC only in what `nAG?` reports.
import type { BenchClock } from '../clock.ts';
import { MotionParameterError, TravelLimitError } from '../motion/motion-errors.ts';
import type { AxisName } from '../motion/motion-system.ts';
import type { StageMotion } from '../motion/stage-motion.ts';
import type { Framing, SimInstrument } from '../sim-instrument.ts';
import {
  Esp301AxisError,
  Esp301CommandError,
  Esp301Error,
  Esp301ErrorBuffer,
  esp301AxisCode,
} from './esp301-errors.ts';
import type { Esp301Command } from './esp301-parser.ts';
import { parseEsp301Line } from './esp301-parser.ts';
import { axisForNumber, parseDecimal, umToMm } from './stage-axes.ts';

export const ESP301_FRAMING: Framing = { inputTerminator: '\r', outputTerminator: '\r\n' };
export const ESP301_IDENTITY = 'ESP301 Version 3.0.2 03/26/12';
/** Bench time one line costs: a few characters at 921600 baud plus the controller's parser. */
export const ESP301_COMMAND_LATENCY_S = 1e-3;

export interface Esp301StageOptions {
  motion: StageMotion;
  commandLatency_s?: number;
}

type Handler = (cmd: Esp301Command) => string | undefined | Promise<string | undefined>;
interface Entry {
  readonly command?: Handler;
  readonly query?: Handler;
}

interface AxisSettings {
  motorOn: boolean;
  softMin_um: number;
  softMax_um: number;
  homeMode: number;
  deceleration_um_s2: number;
  /** Displacement units (nSN): 2 mm or 3 µm; every position, speed and ramp of the axis is in it. */
  unitCode: 2 | 3;
}

/** µm per unit of the codes this controller models (ESP301 manual, SN: 2 millimetre, 3 micrometre). */
const UNIT_UM: Readonly<Record<2 | 3, number>> = { 2: 1000, 3: 1 };

export class Esp301Stage implements SimInstrument {
  readonly role = 'stage-esp';
  readonly identity = ESP301_IDENTITY;
  readonly framing = ESP301_FRAMING;
  private readonly motion: StageMotion;
  private readonly clock: BenchClock;
  private readonly latency_s: number;
  private readonly errors = new Esp301ErrorBuffer();
  private readonly settings: Record<AxisName, AxisSettings>;
  private readonly table: Readonly<Record<string, Entry>>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: Esp301StageOptions) {
    this.motion = opts.motion;
    this.clock = opts.motion.clock;
    this.latency_s = opts.commandLatency_s ?? ESP301_COMMAND_LATENCY_S;
    const init = (axis: AxisName): AxisSettings => {
      const { min_um, max_um } = this.motion.limits(axis);
      return { motorOn: true, softMin_um: min_um, softMax_um: max_um, homeMode: 1, deceleration_um_s2: this.motion.acceleration_um_s2(axis), unitCode: 2 };
    };
    this.settings = { X: init('X'), Y: init('Y'), Z: init('Z') };
    const target: Handler = (c) => this.fmt(c, this.motion.target_um(this.axis(c)));
    this.table = {
      PA: { command: (c) => this.move(c, this.number(c)), query: target },
      PR: { command: (c) => this.move(c, this.motion.target_um(this.axis(c)) / this.unitUm(c) + this.number(c)), query: target },
      TP: { command: (c) => this.position(c), query: (c) => this.position(c) },
      DP: { query: target },
      MD: { query: (c) => this.motionDone(c) },
      OR: { command: (c) => this.home(c), query: (c) => String(this.settings[this.axis(c)].homeMode) },
      ST: { command: (c) => this.stop(c) },
      VA: { command: (c) => this.setVelocity(c), query: (c) => this.fmt(c, this.motion.velocity_um_s(this.axis(c))) },
      AC: { command: (c) => this.setAcceleration(c), query: (c) => this.fmt(c, this.motion.acceleration_um_s2(this.axis(c))) },
      AG: { command: (c) => this.setDeceleration(c), query: (c) => this.fmt(c, this.settings[this.axis(c)].deceleration_um_s2) },
      VU: { query: (c) => this.fmt(c, this.motion.config(this.axis(c)).maxVelocity_um_s) },
      MO: { command: (c) => this.motor(c, true), query: (c) => (this.settings[this.axis(c)].motorOn ? '1' : '0') },
      MF: { command: (c) => this.motor(c, false) },
      SL: { command: (c) => this.softLimit(c, 'min'), query: (c) => this.fmt(c, this.settings[this.axis(c)].softMin_um) },
      SR: { command: (c) => this.softLimit(c, 'max'), query: (c) => this.fmt(c, this.settings[this.axis(c)].softMax_um) },
      WS: { command: (c) => this.waitForStop(c) },
      ID: { query: (c) => `MFA-CC, SIM-${this.axis(c)}00${c.axis ?? 0}` },
      SN: { command: (c) => this.setUnits(c), query: (c) => this.units(c) },
      TB: { query: () => this.errors.nextMessage(this.clock.now_s() * 1000) },
      TE: { query: () => String(this.errors.nextCode()) },
      VE: { query: () => ESP301_IDENTITY },
    };
  }

  /** Queues an error code in the buffer, as the controller would (fault injection). */
  pushError(code: number): void {
    this.errors.push(code, this.clock.now_s() * 1000);
  }

  /** Codes waiting in the error buffer, without reading them (verification only). */
  queuedErrorCodes(): number[] {
    return this.errors.codes();
  }

  execute(message: string): Promise<Uint8Array | undefined> {
    const run = this.queue.then(() => this.run(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(message: string): Promise<Uint8Array | undefined> {
    await this.clock.advance(this.latency_s);
    let reply = '';
    for (const cmd of parseEsp301Line(message)) {
      try {
        const entry = this.table[cmd.mnemonic];
        const handler = cmd.query ? entry?.query : entry?.command;
        if (!handler) throw new Esp301CommandError(Esp301Error.CommandDoesNotExist, cmd.text);
        const out = await handler(cmd);
        if (out !== undefined) reply += out + this.framing.outputTerminator;
      } catch (e) {
        if (!(e instanceof Esp301CommandError)) throw e;
        this.pushError(e.code);
      }
    }
    return reply === '' ? undefined : new TextEncoder().encode(reply);
  }

  // ---- argument checks ----

  private axisNumber(cmd: Esp301Command): number {
    if (cmd.axis === null) throw new Esp301CommandError(Esp301Error.AxisNumberMissing, cmd.text);
    if (!axisForNumber(cmd.axis)) throw new Esp301CommandError(Esp301Error.AxisNumberOutOfRange, cmd.text);
    return cmd.axis;
  }

  private axis(cmd: Esp301Command): AxisName {
    return axisForNumber(this.axisNumber(cmd)) as AxisName;
  }

  private number(cmd: Esp301Command, index = 0): number {
    const text = cmd.params[index];
    if (text === undefined) throw new Esp301CommandError(Esp301Error.CommandParameterMissing, cmd.text);
    const v = parseDecimal(text);
    if (v === undefined) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
    return v;
  }

  private axisError(cmd: Esp301Command, code: number): Esp301CommandError {
    return new Esp301CommandError(esp301AxisCode(this.axisNumber(cmd), code), cmd.text);
  }

  // ---- commands ----

  private move(cmd: Esp301Command, target_mm: number): undefined {
    const axis = this.axis(cmd);
    const s = this.settings[axis];
    if (!s.motorOn) throw this.axisError(cmd, Esp301AxisError.MotorNotEnabled);
    const target_um = target_mm * this.unitUm(cmd);
    const tol = 1e-6;
    if (target_um > s.softMax_um + tol) throw this.axisError(cmd, Esp301AxisError.PositiveSoftwareLimitDetected);
    if (target_um < s.softMin_um - tol) throw this.axisError(cmd, Esp301AxisError.NegativeSoftwareLimitDetected);
    try {
      this.motion.moveTo(axis, target_um);
    } catch (e) {
      if (!(e instanceof TravelLimitError)) throw e;
      throw this.axisError(cmd, e.side === 'high' ? Esp301AxisError.PositiveHardwareLimitDetected : Esp301AxisError.NegativeHardwareLimitDetected);
    }
    return undefined;
  }

  /** Displacement units code of the axis: 2 = millimetre (power-up), 3 = micrometre. */
  private units(cmd: Esp301Command): string {
    return String(this.settings[this.axis(cmd)].unitCode);
  }

  /** nSN<code>: the axis's units; this controller models mm (2) and µm (3), others are out of range here. */
  private setUnits(cmd: Esp301Command): undefined {
    const axis = this.axis(cmd);
    const code = this.number(cmd);
    if (code !== 2 && code !== 3) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
    this.settings[axis].unitCode = code;
    return undefined;
  }

  private unitUm(cmd: Esp301Command): number {
    return UNIT_UM[this.settings[this.axis(cmd)].unitCode];
  }

  /** A µm-based value in the axis's units as the controller prints them: 6 decimals, no negative zero. */
  private fmt(cmd: Esp301Command, um: number): string {
    return formatMm((um / this.unitUm(cmd)) * 1000);
  }

  private position(cmd: Esp301Command): string {
    return this.fmt(cmd, this.motion.position_um(this.axis(cmd)));
  }

  private async motionDone(cmd: Esp301Command): Promise<string> {
    const axis = this.axis(cmd);
    await this.motion.pollMotion([axis]);
    return this.motion.isMoving(axis) ? '0' : '1';
  }

  private home(cmd: Esp301Command): undefined {
    const axis = this.axis(cmd);
    if (cmd.params.length > 0) {
      const mode = this.number(cmd);
      if (!Number.isInteger(mode) || mode < 0 || mode > 6) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
      this.settings[axis].homeMode = mode;
    }
    if (!this.settings[axis].motorOn) throw this.axisError(cmd, Esp301AxisError.MotorNotEnabled);
    this.motion.home(axis);
    return undefined;
  }

  private stop(cmd: Esp301Command): undefined {
    this.motion.stop(cmd.axis === null ? undefined : this.axis(cmd), 'decelerate');
    return undefined;
  }

  private setVelocity(cmd: Esp301Command): undefined {
    const axis = this.axis(cmd);
    const v_um_s = this.number(cmd) * this.unitUm(cmd);
    if (v_um_s <= 0) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
    try {
      this.motion.setVelocity(axis, v_um_s);
    } catch (e) {
      if (!(e instanceof MotionParameterError)) throw e;
      throw this.axisError(cmd, Esp301AxisError.MaximumVelocityExceeded);
    }
    return undefined;
  }

  private setAcceleration(cmd: Esp301Command): undefined {
    const axis = this.axis(cmd);
    const a_um_s2 = this.number(cmd) * this.unitUm(cmd);
    if (a_um_s2 <= 0) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
    try {
      this.motion.setAcceleration(axis, a_um_s2);
    } catch (e) {
      if (!(e instanceof MotionParameterError)) throw e;
      throw this.axisError(cmd, Esp301AxisError.MaximumAccelerationExceeded);
    }
    return undefined;
  }

  private setDeceleration(cmd: Esp301Command): undefined {
    const axis = this.axis(cmd);
    const a_um_s2 = this.number(cmd) * this.unitUm(cmd);
    if (a_um_s2 <= 0) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
    if (a_um_s2 > this.motion.config(axis).maxAcceleration_um_s2) throw this.axisError(cmd, Esp301AxisError.MaximumAccelerationExceeded);
    this.settings[axis].deceleration_um_s2 = a_um_s2;
    return undefined;
  }

  private motor(cmd: Esp301Command, on: boolean): undefined {
    const axis = this.axis(cmd);
    // Switching the servo off mid-move drops the axis where it is.
    if (!on && this.motion.isMoving(axis)) this.motion.stop(axis, 'abrupt');
    this.settings[axis].motorOn = on;
    return undefined;
  }

  private softLimit(cmd: Esp301Command, side: 'min' | 'max'): undefined {
    const axis = this.axis(cmd);
    const v_um = this.number(cmd) * this.unitUm(cmd);
    const { min_um, max_um } = this.motion.limits(axis);
    const s = this.settings[axis];
    const ok = side === 'min' ? v_um >= min_um && v_um < s.softMax_um : v_um <= max_um && v_um > s.softMin_um;
    if (!ok) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
    if (side === 'min') s.softMin_um = v_um;
    else s.softMax_um = v_um;
    return undefined;
  }

  /** Holds the command queue until the axis stops, then `ms` more (fast mode: bench time jumps). */
  private async waitForStop(cmd: Esp301Command): Promise<undefined> {
    const axis = this.axis(cmd);
    const delay_ms = cmd.params.length > 0 ? this.number(cmd) : 0;
    if (delay_ms < 0) throw new Esp301CommandError(Esp301Error.ParameterOutOfRange, cmd.text);
    if (this.clock.mode === 'fast') await this.motion.pollMotion([axis]);
    else {
      const done = this.motion.doneAt_s(axis);
      // A stuck axis never stops: rather than hang the link for ever, the wait ends at once.
      if (Number.isFinite(done)) await this.clock.advanceTo(done);
    }
    await this.clock.advance(delay_ms / 1000);
    return undefined;
  }
}

/** A µm-based quantity (µm, µm/s, µm/s²) in mm-based units as the controller prints them: 6 decimals, no negative zero. */
export function formatMm(um: number): string {
  const mm = umToMm(um);
  return (Math.abs(mm) < 5e-7 ? 0 : mm).toFixed(6);
}
