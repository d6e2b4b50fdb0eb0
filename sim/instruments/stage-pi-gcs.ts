// A PI GCS-style 3-axis motion controller (role 'stage-pi', C-884 class), a front end of the shared
// StageMotion. LF-terminated lines, one command per line, units mm, axes '1' '2' '3'. Queries answer
// `axis=value` lines (several lines end with ' \n' but the last); commands are silent; errors set the
// single GCS error register, which `ERR?` reads and clears. A failed query answers nothing.
//
// Implemented: *IDN?, ERR?, SVO / SVO?, MOV / MOV?, MVR, POS?, ONT?, VEL / VEL?, ACC / ACC?, DEC / DEC?,
// FRF / FRF?, TMN? / TMX?, SPA? of parameters 0xA and 0x4A (maximum closed-loop velocity and acceleration;
// any other parameter is error 54), STP, HLT, SAI?, and the control characters #5 (motion status) and #24 (stop).
// The servos power up off: `SVO 1 1` first, as on the real controller; moves with the servo off, or on
// an unreferenced axis, are refused with error 5.
//
// Deceleration: `DEC` is kept per axis, checked like `ACC` (error 17 beyond the axis's maximum) and read
// back by `DEC?`; it powers up equal to the acceleration. The shared mechanics (sim/motion) run symmetric
// trapezoids, so moves and HLT brake at the `ACC` value: DEC and ACC set to one value (what the driver
// does) is modelled exactly, a DEC that differs from ACC only in what `DEC?` reports.
import type { BenchClock } from '../clock.ts';
import { MotionParameterError } from '../motion/motion-errors.ts';
import { AXES } from '../motion/motion-system.ts';
import type { AxisName } from '../motion/motion-system.ts';
import type { StageMotion } from '../motion/stage-motion.ts';
import type { Framing, SimInstrument } from '../sim-instrument.ts';
import { PiGcsCommandError, PiGcsError } from './pi-gcs-errors.ts';
import type { PiGcsCommand } from './pi-gcs-parser.ts';
import { axisValuePairs, formatGcsLines } from './pi-gcs-parser.ts';
import { dispatchGcsLine, type GcsHandler } from './pi-gcs-dispatch.ts';
import { axisForNumber, mmToUm, umToMm } from './stage-axes.ts';
import { PiTriggerOutputs } from './pi-gcs-trigger.ts';

export const PI_GCS_FRAMING: Framing = { inputTerminator: '\n', outputTerminator: '\n' };
export const PI_GCS_IDENTITY = '(c)2015 Physik Instrumente (PI) GmbH & Co. KG, C-884.4DC, SIM0000001, 2.0.1.3';
/** Bench time one exchange costs over TCP. */
export const PI_GCS_COMMAND_LATENCY_S = 0.2e-3;

export interface PiGcsStageOptions {
  motion: StageMotion;
  commandLatency_s?: number;
}

type Handler = GcsHandler;
interface AxisRef {
  readonly id: string;
  readonly axis: AxisName;
}

const ALL_IDS = ['1', '2', '3'];

export class PiGcsStage implements SimInstrument {
  readonly role = 'stage-pi';
  readonly identity = PI_GCS_IDENTITY;
  readonly framing = PI_GCS_FRAMING;
  private readonly motion: StageMotion;
  private readonly clock: BenchClock;
  private readonly latency_s: number;
  private readonly servo: Record<AxisName, boolean> = { X: false, Y: false, Z: false };
  private readonly deceleration_um_s2: Record<AxisName, number>;
  private errorCode: number = PiGcsError.NoError;
  /** Digital trigger outputs (CTO/TRO); VirtualBench cables them to the meter's trigger input. */
  readonly triggerOutputs = new PiTriggerOutputs();
  private readonly table: Readonly<Record<string, Handler>>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: PiGcsStageOptions) {
    this.motion = opts.motion;
    this.clock = opts.motion.clock;
    this.latency_s = opts.commandLatency_s ?? PI_GCS_COMMAND_LATENCY_S;
    const m = opts.motion;
    this.deceleration_um_s2 = { X: m.acceleration_um_s2('X'), Y: m.acceleration_um_s2('Y'), Z: m.acceleration_um_s2('Z') };
    const mm = (um: number): string => umToMm(um).toFixed(6);
    this.table = {
      '*IDN?': () => PI_GCS_IDENTITY,
      'ERR?': () => this.readError(),
      SVO: (c) => this.setServo(c),
      'SVO?': (c) => this.perAxis(c, (a) => (this.servo[a.axis] ? '1' : '0')),
      MOV: (c) => this.move(c, (_a, v) => v),
      MVR: (c) => this.move(c, (a, v) => umToMm(this.motion.target_um(a.axis)) + v),
      'MOV?': (c) => this.perAxis(c, (a) => mm(this.motion.target_um(a.axis))),
      'POS?': (c) => this.perAxis(c, (a) => mm(this.motion.position_um(a.axis))),
      'ONT?': (c) => this.onTarget(c),
      VEL: (c) => this.setRate(c, 'velocity'),
      'VEL?': (c) => this.perAxis(c, (a) => mm(this.motion.velocity_um_s(a.axis))),
      ACC: (c) => this.setRate(c, 'acceleration'),
      'ACC?': (c) => this.perAxis(c, (a) => mm(this.motion.acceleration_um_s2(a.axis))),
      DEC: (c) => this.setRate(c, 'deceleration'),
      'DEC?': (c) => this.perAxis(c, (a) => mm(this.deceleration_um_s2[a.axis])),
      FRF: (c) => this.reference(c),
      'FRF?': (c) => this.perAxis(c, (a) => (this.motion.isReferenced(a.axis) ? '1' : '0')),
      'TMN?': (c) => this.perAxis(c, (a) => mm(this.motion.limits(a.axis).min_um)),
      'TMX?': (c) => this.perAxis(c, (a) => mm(this.motion.limits(a.axis).max_um)),
      'SPA?': (c) => this.parameters(c, mm),
      STP: (c) => this.halt(c, 'abrupt', true),
      '#24': (c) => this.halt(c, 'abrupt', true),
      HLT: (c) => this.halt(c, 'decelerate', false),
      'SAI?': () => formatGcsLines(ALL_IDS),
      '#5': () => this.motionStatus(),
      CTO: (c) => this.triggerOutputs.cto(c),
      'CTO?': (c) => this.triggerOutputs.ctoQuery(c),
      TRO: (c) => this.triggerOutputs.tro(c),
      'TRO?': (c) => this.triggerOutputs.troQuery(c),
    };
  }

  /** Sets the error register as the controller would (fault injection). */
  pushError(code: number): void {
    this.errorCode = code;
  }

  /** GCS error 3 ("Command length out of limits or command buffer overrun"), as the controller sets it. */
  reportInputOverrun(): void {
    this.errorCode = PiGcsError.CommandTooLong;
  }

  /** The error register, without clearing it (verification only). */
  queuedErrorCodes(): number[] {
    return this.errorCode === 0 ? [] : [this.errorCode];
  }

  execute(message: string): Promise<Uint8Array | undefined> {
    const run = this.queue.then(() => this.run(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(message: string): Promise<Uint8Array | undefined> {
    await this.clock.advance(this.latency_s);
    return dispatchGcsLine(this.table, message, (code) => (this.errorCode = code));
  }

  private readError(): string {
    const code = this.errorCode;
    this.errorCode = PiGcsError.NoError;
    return String(code);
  }

  // ---- argument checks ----

  private axisRef(id: string, cmd: PiGcsCommand): AxisRef {
    const axis = /^\d+$/.test(id) ? axisForNumber(Number(id)) : undefined;
    if (!axis) throw new PiGcsCommandError(PiGcsError.InvalidAxisIdentifier, cmd.text);
    return { id, axis };
  }

  /** The axes named in the arguments, or every axis when none is. */
  private axesOf(cmd: PiGcsCommand): AxisRef[] {
    return (cmd.args.length === 0 ? ALL_IDS : cmd.args).map((id) => this.axisRef(id, cmd));
  }

  private perAxis(cmd: PiGcsCommand, value: (a: AxisRef) => string): string {
    return formatGcsLines(this.axesOf(cmd).map((a) => `${a.id}=${value(a)}`));
  }

  /** `SPA? 1 0xA 2 0x4A`: axis–parameter pairs, answered `1 0xA=<mm/s>` a line each, the ids as written. */
  private parameters(cmd: PiGcsCommand, mm: (um: number) => string): string {
    if (cmd.args.length === 0 || cmd.args.length % 2 !== 0) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    const lines: string[] = [];
    for (let i = 0; i < cmd.args.length; i += 2) {
      const [id, param] = [cmd.args[i] as string, cmd.args[i + 1] as string];
      const c = this.motion.config(this.axisRef(id, cmd).axis);
      const n = /^0x[0-9a-f]+$/i.test(param) ? Number(param) : NaN;
      const value = n === 0xa ? c.maxVelocity_um_s : n === 0x4a ? c.maxAcceleration_um_s2 : undefined;
      if (value === undefined) throw new PiGcsCommandError(PiGcsError.UnknownParameter, cmd.text);
      lines.push(`${id} ${param}=${mm(value)}`);
    }
    return formatGcsLines(lines);
  }

  // ---- commands ----

  private setServo(cmd: PiGcsCommand): undefined {
    const pairs = axisValuePairs(cmd).map((p) => {
      if (p.value !== 0 && p.value !== 1) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
      return { ref: this.axisRef(p.axis, cmd), on: p.value === 1 };
    });
    for (const { ref, on } of pairs) {
      // Servo off mid-move: the axis is no longer driven and stops where it is.
      if (!on && this.motion.isMoving(ref.axis)) this.motion.stop(ref.axis, 'abrupt');
      this.servo[ref.axis] = on;
    }
    return undefined;
  }

  /** MOV / MVR: every pair is checked before any axis moves, as on the controller. */
  private move(cmd: PiGcsCommand, target_mm: (a: AxisRef, value: number) => number): undefined {
    const moves = axisValuePairs(cmd).map((p) => {
      const ref = this.axisRef(p.axis, cmd);
      if (!this.servo[ref.axis] || !this.motion.isReferenced(ref.axis)) {
        throw new PiGcsCommandError(PiGcsError.MoveWithoutReferenceOrServoOff, cmd.text);
      }
      const target_um = mmToUm(target_mm(ref, p.value));
      const { min_um, max_um } = this.motion.limits(ref.axis);
      if (!(target_um >= min_um - 1e-6 && target_um <= max_um + 1e-6)) throw new PiGcsCommandError(PiGcsError.PositionOutOfLimits, cmd.text);
      return { axis: ref.axis, target_um };
    });
    const started = moves.map((m) => {
      const wasRunning = this.motion.trajectoryRunning(m.axis);
      const receipt = this.motion.moveTo(m.axis, m.target_um);
      return { axisNumber: AXES.indexOf(m.axis) + 1, axis: m.axis, start_s: receipt.start_s, wasRunning };
    });
    this.triggerOutputs.motionStarted(started);
    return undefined;
  }

  private async onTarget(cmd: PiGcsCommand): Promise<string> {
    const refs = this.axesOf(cmd);
    await this.motion.pollMotion(refs.map((r) => r.axis));
    return formatGcsLines(refs.map((a) => `${a.id}=${this.motion.isMoving(a.axis) ? '0' : '1'}`));
  }

  private setRate(cmd: PiGcsCommand, which: 'velocity' | 'acceleration' | 'deceleration'): undefined {
    const pairs = axisValuePairs(cmd).map((p) => {
      const ref = this.axisRef(p.axis, cmd);
      const c = this.motion.config(ref.axis);
      const value_um = mmToUm(p.value);
      const max = which === 'velocity' ? c.maxVelocity_um_s : c.maxAcceleration_um_s2;
      if (value_um <= 0) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
      if (value_um > max) throw new PiGcsCommandError(which === 'velocity' ? PiGcsError.VelocityOutOfLimits : PiGcsError.ParameterOutOfRange, cmd.text);
      return { axis: ref.axis, value_um };
    });
    for (const { axis, value_um } of pairs) {
      try {
        if (which === 'deceleration') this.deceleration_um_s2[axis] = value_um;
        else if (which === 'velocity') this.motion.setVelocity(axis, value_um);
        else this.motion.setAcceleration(axis, value_um);
      } catch (e) {
        if (!(e instanceof MotionParameterError)) throw e;
        throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
      }
    }
    return undefined;
  }

  private reference(cmd: PiGcsCommand): undefined {
    const refs = this.axesOf(cmd);
    if (refs.some((r) => !this.servo[r.axis])) throw new PiGcsCommandError(PiGcsError.MoveWithoutReferenceOrServoOff, cmd.text);
    for (const r of refs) this.motion.home(r.axis);
    return undefined;
  }

  /** STP / #24 stop every axis abruptly; HLT brakes the given axes. Both leave error 10, as GCS does. */
  private halt(cmd: PiGcsCommand, mode: 'abrupt' | 'decelerate', all: boolean): undefined {
    if (all && cmd.args.length > 0) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    for (const r of all ? this.axesOf({ ...cmd, args: [] }) : this.axesOf(cmd)) this.motion.stop(r.axis, mode);
    this.errorCode = PiGcsError.ControllerStopped;
    return undefined;
  }

  /** #5: a hex bit mask of the moving axes (bit 0 = axis 1); a poll, so fast mode waits the motion out. */
  private async motionStatus(): Promise<string> {
    await this.motion.pollMotion(AXES);
    let mask = 0;
    AXES.forEach((axis, i) => {
      if (this.motion.isMoving(axis)) mask |= 1 << i;
    });
    return mask.toString(16).toUpperCase();
  }
}
