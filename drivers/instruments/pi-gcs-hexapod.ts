// PI C-887-class hexapod controllers over TCP in GCS: axes X Y Z (mm on the wire, µm here) and U V W
// (degrees), the pivot point R S T (SPI, mm), the system velocity VLS (mm/s, every axis), VMO? for
// whether a pose is reachable, queries answered `<axis>=<value>` (asked one axis at a time: one line
// per reply), commands silent with the single GCS error register read by ERR?. Commands and their
// sources: drivers/README.md (PI C-887 hexapod section).
import { z } from 'zod';
import type { DriverDescriptor } from '../driver.ts';
import { InstrumentError } from '../errors.ts';
import { parseDriverOptions } from '../properties/options.ts';
import { writeChecked } from '../properties/send.ts';
import { ResponseFormatError, parseResponseBoolean } from '../scpi/response.ts';
import { PI_GCS_DIALECT } from '../session/dialect.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { forgetArmingOnFaults } from '../roles/motion-trigger.ts';
import { POSE_AXIS_NAMES, PoseLimitError, UnreachablePoseError } from '../roles/hexapod.ts';
import type { Hexapod, PoseAxisName, PoseLimits, PoseValues, RecordedLine } from '../roles/hexapod.ts';
import { parseRecorded, queryGcsLines } from './pi-gcs-recorder.ts';
import { AxisStage } from '../roles/stage-driver.ts';
import type { StageProtocol } from '../roles/stage-protocol.ts';
import { umAsMmText } from '../roles/stage-units.ts';
import type { MotionWaitOptions, StageAxisSettings } from '../roles/stage.ts';

export const PI_GCS_HEXAPOD_DRIVER_NAME = 'pi-gcs-hexapod';
const STOPPED_BY_COMMAND = 10;
/** Controller axis numbers of the bench file's axes → GCS axis identifiers. */
const GCS_AXIS = ['X', 'Y', 'Z'] as const;

const OPTIONS = z.strictObject({
  enable: z.boolean({ error: 'expected true or false' }).default(true),
  /** The pivot point set at open (R S T, platform coordinates, µm): where the fiber array's facet is. */
  pivot_um: z.tuple([z.number(), z.number(), z.number()], { error: 'expected [R, S, T] in µm, e.g. [0, 0, -45000]' }).optional(),
  /** Loopback pairs of the fiber array's chip, 1-based fiber (= meter channel) numbers, e.g. [[1, 8]]. */
  loopbacks: z.array(z.tuple([z.number().int().min(1), z.number().int().min(1)]), { error: 'expected pairs of fiber numbers, e.g. [[1, 8]]' }).optional(),
  /** Which digital output is cabled to the meter's trigger input (CTO/TRO); absent: none is. */
  trigger_output: z.number({ error: 'expected an output number 1-4' }).int('expected an output number 1-4').min(1, 'expected an output number 1-4').max(4, 'expected an output number 1-4').optional(),
  /** Soft limits of the rotations, degrees; a rotation without limits is refused. */
  rotation_limits_deg: z.strictObject({
    U: z.tuple([z.number(), z.number()]).optional(),
    V: z.tuple([z.number(), z.number()]).optional(),
    W: z.tuple([z.number(), z.number()]).optional(),
  }, { error: 'expected { U: [min, max], V: [min, max], W: [min, max] } in degrees' }).optional(),
});
export type HexapodOptions = z.output<typeof OPTIONS>;

export function parseHexapodOptions(options: Record<string, unknown>): HexapodOptions {
  const o = parseDriverOptions(PI_GCS_HEXAPOD_DRIVER_NAME, OPTIONS, options);
  for (const [axis, lim] of Object.entries(o.rotation_limits_deg ?? {})) {
    if (lim && !(lim[0] < lim[1])) {
      throw new RangeError(`${PI_GCS_HEXAPOD_DRIVER_NAME}: options.rotation_limits_deg.${axis}: expected [min, max] with min < max, got [${lim.join(', ')}]`);
    }
  }
  return o;
}

function gcsAxis(n: number): string {
  const id = GCS_AXIS[n - 1];
  if (!id) throw new RangeError(`${PI_GCS_HEXAPOD_DRIVER_NAME}: controller axis ${n} must be 1 (X), 2 (Y) or 3 (Z); U V W are moved by pose`);
  return id;
}

/** `X=1.500000` → 1.5, checking the identifier. */
function axisValue(reply: string, id: string): number {
  const m = /^\s*([A-Za-z0-9_]+)\s*=\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)\s*$/.exec(reply);
  if (!m || m[1]?.toUpperCase() !== id) throw new ResponseFormatError(reply, `'${id}=<decimal>'`);
  return Number(m[2]);
}

/** The whole-pose reachability query (VMO?: nothing moves). */
function vmoCommand(pose: PoseValues): string {
  return `VMO? ${POSE_AXIS_NAMES.map((a) => `${a} ${wire(a, pose[a])}`).join(' ')}`;
}

function wire(axis: PoseAxisName, v: number): string {
  return 'XYZ'.includes(axis) ? umAsMmText(v) : String(Math.round(v * 1e6) / 1e6);
}

export class PiGcsHexapodProtocol implements StageProtocol {
  constructor(readonly session: ScpiSession) {}

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  async clearErrors(): Promise<void> {
    await this.session.query('ERR?');
  }

  /** The C-887 has no servo switch of its own to send (its servos run once referenced): nothing to do. */
  async enable(): Promise<void> {}

  moveAbsolute(moves: readonly { axis: number; target_um: number }[]): Promise<void> {
    return writeChecked(this.session, `MOV ${moves.map((m) => `${gcsAxis(m.axis)} ${umAsMmText(m.target_um)}`).join(' ')}`);
  }

  moveRelative(moves: readonly { axis: number; delta_um: number }[]): Promise<void> {
    return writeChecked(this.session, `MVR ${moves.map((m) => `${gcsAxis(m.axis)} ${umAsMmText(m.delta_um)}`).join(' ')}`);
  }

  async query(command: string, id: string): Promise<number> {
    return axisValue(await this.session.query(`${command} ${id}`), id);
  }

  async target_um(axis: number): Promise<number> {
    return 1000 * (await this.query('MOV?', gcsAxis(axis)));
  }

  async position_um(axis: number): Promise<number> {
    return 1000 * (await this.query('POS?', gcsAxis(axis)));
  }

  async isMoving(axis: number): Promise<boolean> {
    const id = gcsAxis(axis);
    const reply = await this.session.query(`ONT? ${id}`);
    const m = /^\s*[A-Za-z]+\s*=\s*(\S+)\s*$/.exec(reply);
    if (!m) throw new ResponseFormatError(reply, `'${id}=1' (on target) or '${id}=0'`);
    return !parseResponseBoolean(m[1] ?? '');
  }

  home(axis: number): Promise<void> {
    return writeChecked(this.session, `FRF ${gcsAxis(axis)}`);
  }

  /** VLS is the hexapod's one system velocity: it applies to every axis. */
  setVelocity_um_s(_axis: number, velocity_um_s: number): Promise<void> {
    return writeChecked(this.session, `VLS ${umAsMmText(velocity_um_s)}`);
  }

  async velocity_um_s(): Promise<number> {
    const reply = await this.session.query('VLS?');
    const v = Number(reply.trim());
    if (!Number.isFinite(v)) throw new ResponseFormatError(reply, 'a decimal velocity in mm/s');
    return v * 1000;
  }

  setAcceleration_um_s2(): Promise<void> {
    return Promise.reject(new Error(`${this.session.resource}: the hexapod has no per-axis acceleration to set (no ACC on the C-887); nothing was sent`));
  }

  acceleration_um_s2(): Promise<number> {
    return Promise.reject(new Error(`${this.session.resource}: the hexapod reports no per-axis acceleration (no ACC? on the C-887)`));
  }

  stop(): Promise<void> {
    return this.halt('HLT');
  }

  stopAll(): Promise<void> {
    return this.halt('STP');
  }

  private async halt(command: string): Promise<void> {
    try {
      await writeChecked(this.session, command);
    } catch (err) {
      if (!(err instanceof InstrumentError && err.errors.every((e) => e.code === STOPPED_BY_COMMAND))) throw err;
    }
  }
}

export class PiGcsHexapod extends AxisStage implements Hexapod {
  readonly hexapod = true as const;
  readonly poseLimits: Readonly<Record<PoseAxisName, PoseLimits>>;
  readonly loopbacks: readonly (readonly [number, number])[];
  private readonly gcs: PiGcsHexapodProtocol;
  /** The target of the last pose move, while nothing else moved the platform (saves six MOV? per move). */
  private knownTarget: PoseValues | null = null;
  /** The last VMO? that answered 1 (isReachable): a pose move to exactly that pose need not ask again. */
  private verifiedVmo: string | null = null;
  /** The output cabled to the meter's trigger input (bench file), or undefined. */
  readonly triggerOutput: number | undefined;
  private armedAxis: PoseAxisName | null = null;
  private recordedAxis: PoseAxisName | null = null;

  constructor(role: string, protocol: PiGcsHexapodProtocol, axes: Readonly<Record<string, StageAxisSettings>> | undefined, options: HexapodOptions) {
    super(PI_GCS_HEXAPOD_DRIVER_NAME, role, protocol, axes);
    this.gcs = protocol;
    const lin = (id: 'X' | 'Y' | 'Z'): PoseLimits => {
      const name = this.axes.find((a) => this.axisConfig(a).axis === GCS_AXIS.indexOf(id) + 1);
      if (!name) return { min: 0, max: 0 };
      const c = this.axisConfig(name);
      return { min: c.min_um, max: c.max_um };
    };
    const rot = (id: 'U' | 'V' | 'W'): PoseLimits => {
      const l = options.rotation_limits_deg?.[id];
      return l ? { min: l[0], max: l[1] } : { min: 0, max: 0 };
    };
    this.poseLimits = { X: lin('X'), Y: lin('Y'), Z: lin('Z'), U: rot('U'), V: rot('V'), W: rot('W') };
    this.loopbacks = options.loopbacks ?? [];
    this.triggerOutput = options.trigger_output;
    // After a lost link or a resync the controller may have rebooted or carried out a held MOV: the
    // cached target is no longer known, so the next pose move reads MOV? again.
    forgetArmingOnFaults(protocol.session, () => {
      this.forgetArming();
      this.knownTarget = null;
      this.verifiedVmo = null;
    });
  }

  /** After a fault the trigger output and the data recorder are set again before their next use. */
  forgetArming(): void {
    this.armedAxis = null;
    this.recordedAxis = null;
  }

  /**
   * Makes the cabled output rise when the platform next starts a move (CTO mode 6, InMotion, following
   * `axis`: numbers 1–6 are X…W); cheap when already armed for it. Without a cabled output: refused.
   */
  async armMotionStartTrigger(axis: string): Promise<void> {
    const out = this.triggerOutput;
    if (out === undefined) throw new Error(`${this.role}: no trigger output is cabled (bench file options.trigger_output); nothing was sent`);
    const a = axis.toUpperCase() as PoseAxisName;
    const n = POSE_AXIS_NAMES.indexOf(a) + 1;
    if (n === 0) throw new RangeError(`${this.role}: armMotionStartTrigger: unknown pose axis '${axis}'; expected one of ${POSE_AXIS_NAMES.join(', ')}; nothing was sent`);
    if (this.armedAxis === a) return;
    const enable = this.armedAxis === null;
    // Unknown until confirmed (a CTO held by a stall may be carried out late): a failed arm re-arms in full.
    this.armedAxis = null;
    await writeChecked(this.session, `CTO ${out} 2 ${n} ${out} 3 6`);
    if (enable) await writeChecked(this.session, `TRO ${out} 1`);
    this.armedAxis = a;
  }

  /**
   * The actual positions of `axis` the data recorder took from the last move's start (record table 1,
   * DRC option 2; the recording restarts with each move), at most `points` of them, µm or °.
   */
  async recordedLine(axis: PoseAxisName, points: number): Promise<RecordedLine> {
    if (!POSE_AXIS_NAMES.includes(axis)) throw new RangeError(`${this.role}: recordedLine: unknown pose axis '${String(axis)}'; expected one of ${POSE_AXIS_NAMES.join(', ')}`);
    if (!Number.isInteger(points) || points < 1) throw new RangeError(`${this.role}: recordedLine: points must be a whole number ≥ 1, got ${points}`);
    await this.recordAxis(axis);
    const command = `DRR? 1 ${points} 1`;
    const data = parseRecorded(await queryGcsLines(this.session, command), command);
    const scale = 'XYZ'.includes(axis) ? 1000 : 1;
    return { axis, sampleTime_s: data.sampleTime_s, values: (data.columns[0] ?? []).map((v) => v * scale) };
  }

  /** Points record table 1 at `axis` before the move it is to record (DRC 1 <axis> 2: actual position). */
  async recordAxis(axis: PoseAxisName): Promise<void> {
    if (this.recordedAxis === axis) return;
    this.recordedAxis = null;
    await writeChecked(this.session, `DRC 1 ${axis} 2`);
    this.recordedAxis = axis;
  }

  override async moveAbsolute_um(axisOrTargets: string | Readonly<Record<string, number>>, target_um?: number): Promise<void> {
    this.knownTarget = null;
    return typeof axisOrTargets === 'string' ? super.moveAbsolute_um(axisOrTargets, target_um as number) : super.moveAbsolute_um(axisOrTargets);
  }

  override async moveRelative_um(axisOrDeltas: string | Readonly<Record<string, number>>, delta_um?: number): Promise<void> {
    this.knownTarget = null;
    return typeof axisOrDeltas === 'string' ? super.moveRelative_um(axisOrDeltas, delta_um as number) : super.moveRelative_um(axisOrDeltas);
  }

  /** A hexapod's axes move as one coordinated move: one axis on target is the platform on target. */
  override async waitForMotion(opts: MotionWaitOptions = {}): Promise<void> {
    return super.waitForMotion({ ...opts, axes: opts.axes ?? this.axes.slice(0, 1) });
  }

  override async stop(axis?: string): Promise<void> {
    this.knownTarget = null;
    return super.stop(axis);
  }

  override async safe(): Promise<void> {
    this.knownTarget = null;
    return super.safe();
  }

  async pose(): Promise<PoseValues> {
    return this.readPose('POS?');
  }

  async targetPose(): Promise<PoseValues> {
    return this.readPose('MOV?');
  }

  /** Asked ahead (while a move runs, say), it spares the pose move to exactly this pose its own VMO?. */
  async isReachable(target: Partial<PoseValues>): Promise<boolean> {
    const full = { ...(this.knownTarget ?? (await this.targetPose())), ...this.checkPose(target) };
    const ok = await this.vmo(full);
    this.verifiedVmo = ok ? vmoCommand(full) : null;
    return ok;
  }

  async movePose(target: Partial<PoseValues>): Promise<void> {
    const checked = this.checkPose(target);
    const from = this.knownTarget ?? (await this.targetPose());
    const full: PoseValues = { ...from, ...checked };
    const verified = this.verifiedVmo === vmoCommand(full);
    this.verifiedVmo = null;
    if (!verified && !(await this.vmo(full))) {
      let culprit: PoseAxisName | null = null;
      for (const a of POSE_AXIS_NAMES) {
        if (full[a] !== from[a] && !(await this.vmo({ ...from, [a]: full[a] }))) {
          culprit = a;
          break;
        }
      }
      throw new UnreachablePoseError(this.role, full, culprit, await this.pivot_um());
    }
    const changed = POSE_AXIS_NAMES.filter((a) => a in checked);
    this.knownTarget = null;
    await writeChecked(this.session, `MOV ${changed.map((a) => `${a} ${wire(a, full[a])}`).join(' ')}`);
    this.knownTarget = full;
  }

  async pivot_um(): Promise<[number, number, number]> {
    const out: number[] = [];
    for (const id of ['R', 'S', 'T']) out.push(1000 * (await this.gcs.query('SPI?', id)));
    return out as [number, number, number];
  }

  async setPivot_um(pivot: readonly [number, number, number]): Promise<void> {
    this.knownTarget = null;
    this.verifiedVmo = null;
    if (pivot.length !== 3 || !pivot.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new RangeError(`${this.role}: setPivot_um expected [R, S, T] as three finite numbers in µm, got ${JSON.stringify(pivot)}; nothing was sent`);
    }
    await writeChecked(this.session, `SPI R ${umAsMmText(pivot[0])} S ${umAsMmText(pivot[1])} T ${umAsMmText(pivot[2])}`);
  }

  /** All six axes in one exchange (`POS? X Y Z U V W`: one `<axis>=<value>` line each, all but the last ending in a space). */
  private async readPose(command: string): Promise<PoseValues> {
    const query = `${command} ${POSE_AXIS_NAMES.join(' ')}`;
    const lines = await queryGcsLines(this.session, query);
    if (lines.length !== POSE_AXIS_NAMES.length) {
      throw new ResponseFormatError(lines.join(' | '), `${POSE_AXIS_NAMES.length} lines '<axis>=<value>', one for each of ${POSE_AXIS_NAMES.join(' ')}, to ${query}`);
    }
    const out = {} as PoseValues;
    POSE_AXIS_NAMES.forEach((a, i) => {
      const v = axisValue(lines[i] as string, a);
      out[a] = 'XYZ'.includes(a) ? v * 1000 : v;
    });
    return out;
  }

  private vmo(pose: PoseValues): Promise<boolean> {
    return this.session.query(vmoCommand(pose)).then((reply) => parseResponseBoolean(reply.trim()));
  }

  /** Every named axis known, finite and inside its soft limits, before anything is sent. */
  private checkPose(target: Partial<PoseValues>): Partial<PoseValues> {
    if (target === null || typeof target !== 'object' || Object.keys(target).length === 0) {
      throw new RangeError(`${this.role}: a pose move needs at least one of ${POSE_AXIS_NAMES.join(', ')}; nothing was sent`);
    }
    const out: Partial<PoseValues> = {};
    for (const [axis, value] of Object.entries(target)) {
      if (!(POSE_AXIS_NAMES as readonly string[]).includes(axis)) {
        throw new RangeError(`${this.role}: unknown pose axis '${axis}'; expected one of ${POSE_AXIS_NAMES.join(', ')}; nothing was sent`);
      }
      const a = axis as PoseAxisName;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new RangeError(`${this.role}: pose axis ${a} must be a finite number (${'XYZ'.includes(a) ? 'µm' : '°'}), got ${String(value)}; nothing was sent`);
      }
      const lim = this.poseLimits[a];
      if (value < lim.min || value > lim.max) throw new PoseLimitError(this.role, a, value, lim);
      out[a] = value;
    }
    return out;
  }
}

export const piGcsHexapod: DriverDescriptor<PiGcsHexapod> = {
  name: PI_GCS_HEXAPOD_DRIVER_NAME,
  kind: 'stage',
  description: 'PI C-887-class hexapod (TCP, GCS: X Y Z mm, U V W degrees, pivot point)',
  sessionDefaults: { dialect: PI_GCS_DIALECT },
  matchesIdentity: (identity) => /Physik\s+Instrumente/i.test(identity) && /C-887/i.test(identity),
  checkOptions: (options) => void parseHexapodOptions(options),
  // VLS is the platform's one path velocity; the C-887 has no ACC to set.
  stageRamps: ['velocity'],
  async create(ctx) {
    const options = parseHexapodOptions(ctx.options);
    for (const [a, b] of options.loopbacks ?? []) {
      if (a === b) throw new RangeError(`${PI_GCS_HEXAPOD_DRIVER_NAME}: options.loopbacks: a loopback joins two different fibers, got [${a}, ${b}]`);
    }
    const stage = new PiGcsHexapod(ctx.role, new PiGcsHexapodProtocol(ctx.session), ctx.axes, options);
    await stage.prepare({ enable: options.enable });
    if (options.pivot_um) await stage.setPivot_um(options.pivot_um);
    return stage;
  },
};
