// A PI C-887-class hexapod controller (role 'stage-hexapod') in the GCS dialect: LF-terminated lines,
// axes X Y Z (mm) U V W (degrees), the pivot point's coordinates R S T (mm, platform coordinates).
// Sources: PI GCS 2.0 command set as pipython's GCSCommands exposes it (MOV, MVR, POS?, MOV?, ONT?,
// VMO?, SPI/SPI? with R S T, VLS/VLS?, TMN?/TMX?, FRF?, STP, HLT, #5, #24, ERR?), and PI's GCS error
// codes (PI_GCS2 header): 1 syntax, 2 unknown command, 5 unreferenced, 7 position out of limits,
// 8 velocity out of limits, 9 set pivot not possible (U V W not all 0), 10 stopped, 15 invalid axis.
//
// Queries answer `axis=value` lines (every line but the last ends ' \n'); VMO? answers one 1|0
// (reachable or not, nothing moves); commands are silent; errors set the single GCS register ERR? reads.
// A MOV, MVR or SPI is checked as a whole before anything moves: travel of each axis, then every leg's
// stroke for the pose about the pivot (sim/motion/hexapod-motion.ts).
import type { BenchClock } from '../clock.ts';
import { HEXAPOD_MAX_VELOCITY_MM_S, HEXAPOD_TRAVEL } from '../motion/hexapod-motion.ts';
import type { HexapodMotion } from '../motion/hexapod-motion.ts';
import type { Framing, SimInstrument } from '../sim-instrument.ts';
import { POSE_AXES, poseKey, poseValue } from '../world/pose.ts';
import type { Pose, PoseAxis } from '../world/pose.ts';
import { HexapodRecorder } from './hexapod-recorder.ts';
import { PiGcsCommandError, PiGcsError } from './pi-gcs-errors.ts';
import { PiTriggerOutputs } from './pi-gcs-trigger.ts';
import type { PiGcsCommand } from './pi-gcs-parser.ts';
import { axisValuePairs, formatGcsLines } from './pi-gcs-parser.ts';
import { dispatchGcsLine, type GcsHandler } from './pi-gcs-dispatch.ts';

export const HEXAPOD_FRAMING: Framing = { inputTerminator: '\n', outputTerminator: '\n' };
export const HEXAPOD_IDENTITY = 'Physik Instrumente (PI) GmbH & Co. KG, C-887.52, SIM0000887, 3.3.0.7';
/** GCS error 9, PI_CNTR_SET_PIVOT_NOT_POSSIBLE: "Attempt to set pivot point while U, V and W not all 0". */
export const SET_PIVOT_NOT_POSSIBLE = 9;
const COMMAND_LATENCY_S = 0.2e-3;
const PIVOT_AXES = ['R', 'S', 'T'] as const;

type Handler = GcsHandler;

/** Wire value (mm or °) → pose units (µm or °). */
function fromWire(axis: PoseAxis, v: number): number {
  return 'XYZ'.includes(axis) ? v * 1000 : v;
}

function toWire(axis: PoseAxis, v: number): string {
  return ('XYZ'.includes(axis) ? v / 1000 : v).toFixed(6);
}

export class PiHexapodStage implements SimInstrument {
  readonly role = 'stage-hexapod';
  readonly identity = HEXAPOD_IDENTITY;
  readonly framing = HEXAPOD_FRAMING;
  private readonly clock: BenchClock;
  private errorCode: number = PiGcsError.NoError;
  private readonly table: Readonly<Record<string, Handler>>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bench time one exchange costs; 0 when a timing profile's link charges it instead. */
  commandLatency_s = COMMAND_LATENCY_S;
  /**
   * Digital trigger outputs (CTO/TRO, axis numbers 1–6 = X…W); the array bench cables them to the meter's
   * trigger input. The platform moves as one: an InMotion output rises when a move starts from rest.
   */
  readonly triggerOutputs = new PiTriggerOutputs((n) => Number.isInteger(n) && n >= 1 && n <= 6);
  /** The data recorder (RTR, DRC, DRR?): actual positions on the controller's own clock from each move's start. */
  readonly recorder: HexapodRecorder;

  constructor(private readonly motion: HexapodMotion) {
    this.clock = motion.clock;
    this.recorder = new HexapodRecorder((t) => this.motion.pose(t), () => this.clock.now_s());
    this.table = {
      '*IDN?': () => HEXAPOD_IDENTITY,
      'ERR?': () => this.readError(),
      MOV: (c) => this.move(c, false),
      MVR: (c) => this.move(c, true),
      'MOV?': (c) => this.perAxis(c, (a) => toWire(a, poseValue(this.motion.target(), a))),
      'POS?': (c) => this.perAxis(c, (a) => toWire(a, poseValue(this.motion.pose(), a))),
      'ONT?': async (c) => {
        await this.motion.pollMotion();
        const on = this.motion.isMoving() ? '0' : '1';
        return this.perAxis(c, () => on);
      },
      'VMO?': (c) => (this.motion.reachable(this.targetOf(c, false)).ok ? '1' : '0'),
      SPI: (c) => this.setPivot(c),
      'SPI?': (c) => this.pivotQuery(c),
      VLS: (c) => this.setVelocity(c),
      'VLS?': () => this.motion.velocity.toFixed(6),
      'TMN?': (c) => this.perAxis(c, (a) => toWire(a, -HEXAPOD_TRAVEL[a])),
      'TMX?': (c) => this.perAxis(c, (a) => toWire(a, HEXAPOD_TRAVEL[a])),
      'FRF?': (c) => this.perAxis(c, () => '1'),
      'SAI?': () => formatGcsLines([...POSE_AXES]),
      CTO: (c) => this.triggerOutputs.cto(c),
      'CTO?': (c) => this.triggerOutputs.ctoQuery(c),
      TRO: (c) => this.triggerOutputs.tro(c),
      'TRO?': (c) => this.triggerOutputs.troQuery(c),
      RTR: (c) => this.recorder.rtr(c),
      'RTR?': () => this.recorder.rtrQuery(),
      DRC: (c) => this.recorder.drc(c),
      'DRC?': (c) => this.recorder.drcQuery(c),
      'DRR?': (c) => this.recorder.drrQuery(c),
      STP: (c) => this.halt(c),
      HLT: (c) => this.halt(c),
      '#24': (c) => this.halt(c),
      '#5': async () => {
        await this.motion.pollMotion();
        return this.motion.isMoving() ? '3F' : '0';
      },
    };
  }

  pushError(code: number): void {
    this.errorCode = code;
  }

  reportInputOverrun(): void {
    this.errorCode = PiGcsError.CommandTooLong;
  }

  execute(message: string): Promise<Uint8Array | undefined> {
    const run = this.queue.then(() => this.run(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(message: string): Promise<Uint8Array | undefined> {
    await this.clock.advance(this.commandLatency_s);
    return dispatchGcsLine(this.table, message, (code) => (this.errorCode = code));
  }

  private readError(): string {
    const code = this.errorCode;
    this.errorCode = PiGcsError.NoError;
    return String(code);
  }

  private axisOf(id: string, cmd: PiGcsCommand): PoseAxis {
    const a = id.toUpperCase();
    if (!(POSE_AXES as readonly string[]).includes(a)) throw new PiGcsCommandError(PiGcsError.InvalidAxisIdentifier, cmd.text);
    return a as PoseAxis;
  }

  private perAxis(cmd: PiGcsCommand, value: (a: PoseAxis) => string): string {
    const axes = cmd.args.length === 0 ? [...POSE_AXES] : cmd.args.map((id) => this.axisOf(id, cmd));
    return formatGcsLines(axes.map((a) => `${a}=${value(a)}`));
  }

  /** The pose a MOV (or MVR, relative to the target) would go to; throws on syntax and axis errors. */
  private targetOf(cmd: PiGcsCommand, relative: boolean): Pose {
    let pose: Pose = { ...this.motion.target() };
    for (const p of axisValuePairs(cmd)) {
      const axis = this.axisOf(p.axis, cmd);
      const key = poseKey(axis);
      const v = fromWire(axis, p.value);
      pose = { ...pose, [key]: relative ? pose[key] + v : v };
    }
    return pose;
  }

  private move(cmd: PiGcsCommand, relative: boolean): undefined {
    const target = this.targetOf(cmd, relative);
    if (!this.motion.reachable(target).ok) throw new PiGcsCommandError(PiGcsError.PositionOutOfLimits, cmd.text);
    const now = this.clock.now_s();
    const wasRunning = this.motion.isMoving(now);
    this.motion.moveTo(target);
    this.recorder.trigger(now);
    this.triggerOutputs.motionStarted(POSE_AXES.map((a, i) => ({ axisNumber: i + 1, axis: a, start_s: now, wasRunning })));
    return undefined;
  }

  private setPivot(cmd: PiGcsCommand): undefined {
    const pivot = [...this.motion.pivot] as [number, number, number];
    const pairs = axisValuePairs(cmd);
    const moves = pairs.map((p) => {
      // X Y Z are accepted as aliases of R S T (PI's MATLAB/pipython docs for SPI).
      const k = ['R', 'S', 'T', 'X', 'Y', 'Z'].indexOf(p.axis.toUpperCase());
      if (k < 0) throw new PiGcsCommandError(PiGcsError.InvalidAxisIdentifier, cmd.text);
      return { k: k % 3, um: p.value * 1000 };
    });
    const t = this.motion.target();
    if (t.u_deg !== 0 || t.v_deg !== 0 || t.w_deg !== 0 || this.motion.isMoving()) {
      throw new PiGcsCommandError(SET_PIVOT_NOT_POSSIBLE, cmd.text);
    }
    for (const m of moves) pivot[m.k] = m.um;
    this.motion.setPivot(pivot);
    return undefined;
  }

  private pivotQuery(cmd: PiGcsCommand): string {
    const ids = cmd.args.length === 0 ? [...PIVOT_AXES] : cmd.args.map((a) => a.toUpperCase());
    return formatGcsLines(ids.map((id) => {
      const k = (PIVOT_AXES as readonly string[]).indexOf(id);
      if (k < 0) throw new PiGcsCommandError(PiGcsError.InvalidAxisIdentifier, cmd.text);
      return `${id}=${((this.motion.pivot[k] as number) / 1000).toFixed(6)}`;
    }));
  }

  private setVelocity(cmd: PiGcsCommand): undefined {
    if (cmd.args.length !== 1) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    const v = Number(cmd.args[0]);
    if (!Number.isFinite(v)) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    if (!(v > 0 && v <= HEXAPOD_MAX_VELOCITY_MM_S)) throw new PiGcsCommandError(PiGcsError.VelocityOutOfLimits, cmd.text);
    this.motion.setVelocity(v);
    return undefined;
  }

  /** STP / HLT / #24 stop the platform where it is and leave error 10, as GCS does. */
  private halt(cmd: PiGcsCommand): undefined {
    if (cmd.args.some((a) => !(POSE_AXES as readonly string[]).includes(a.toUpperCase()))) {
      throw new PiGcsCommandError(PiGcsError.InvalidAxisIdentifier, cmd.text);
    }
    this.motion.stop();
    this.errorCode = PiGcsError.ControllerStopped;
    return undefined;
  }
}
