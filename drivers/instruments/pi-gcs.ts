// PI General Command Set (GCS) controllers (C-884 class) over TCP: LF-terminated lines, `MNEMONIC[?] args`,
// axis identifiers '1', '2', '3', units mm. Queries answer `<axis>=<value>` (asked one axis at a time, so
// one line per reply); commands are silent and set a single error register that `ERR?` reads and clears.
import type { DriverDescriptor } from '../driver.ts';
import { InstrumentError, ReplyFormatError } from '../errors.ts';
import type { Codec } from '../properties/codecs.ts';
import { bindProperties, control, measurement, parseReply } from '../properties/property.ts';
import { writeChecked } from '../properties/send.ts';
import { positive } from '../properties/validators.ts';
import { ResponseFormatError, parseResponseBoolean } from '../scpi/response.ts';
import { queryGcsLines } from './pi-gcs-recorder.ts';
import { PI_GCS_DIALECT } from '../session/dialect.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { AxisStage } from '../roles/stage-driver.ts';
import type { StageProtocol } from '../roles/stage-protocol.ts';
import { RampSetter } from '../roles/stage-ramps.ts';
import { UM_VIA_MM, umAsMmText } from '../roles/stage-units.ts';
import type { Stage } from '../roles/stage.ts';
import { parsePiGcsOptions, PiGcsTriggeredStage } from './pi-gcs-trigger.ts';

export const PI_GCS_DRIVER_NAME = 'pi-gcs';

/** GCS error 10, "Controller was stopped by command": what HLT and STP leave behind by design. */
const STOPPED_BY_COMMAND = 10;
/** GCS error 2, "Unknown command". */
const UNKNOWN_COMMAND = 2;

/** A GCS per-axis reply `1=10.000000`: the value after `=` through `inner`. */
export function gcsAxisValue<T>(inner: Codec<T>): Codec<T> {
  const expected = `'<axis>=<value>' with ${inner.expected}`;
  return {
    expected,
    format: inner.format,
    parse: (reply) => {
      const m = /^\s*[A-Za-z0-9_]+\s*=\s*(.*?)\s*$/.exec(reply);
      if (!m) throw new ResponseFormatError(reply, expected);
      return inner.parse(m[1] ?? '');
    },
  };
}

const POSITION = gcsAxisValue(UM_VIA_MM);

/** A GCS parameter reply `1 0xA=10.000000` (axis, parameter id, value): the value after `=` through `inner`. */
function gcsParameterValue<T>(inner: Codec<T>): Codec<T> {
  const expected = `'<axis> <parameter>=<value>' with ${inner.expected}`;
  return {
    expected,
    format: inner.format,
    parse: (reply) => {
      const m = /^\s*[A-Za-z0-9_]+\s+0x[0-9A-Fa-f]+\s*=\s*(.*?)\s*$/.exec(reply);
      if (!m) throw new ResponseFormatError(reply, expected);
      return inner.parse(m[1] ?? '');
    },
  };
}

const ON_TARGET: Codec<boolean> = { expected: '1 (on target) or 0', format: (v) => (v ? '1' : '0'), parse: parseResponseBoolean };

const PI_GCS_PROPERTIES = {
  position_um: measurement({ get: 'POS? {axis}', codec: gcsAxisValue(UM_VIA_MM) }),
  target_um: measurement({ get: 'MOV? {axis}', codec: gcsAxisValue(UM_VIA_MM) }),
  onTarget: measurement({ get: 'ONT? {axis}', codec: gcsAxisValue(ON_TARGET) }),
  velocity_um_s: control({ get: 'VEL? {axis}', set: 'VEL {axis} {value}', codec: gcsAxisValue(UM_VIA_MM), validate: positive('µm/s') }),
  acceleration_um_s2: control({ get: 'ACC? {axis}', set: 'ACC {axis} {value}', codec: gcsAxisValue(UM_VIA_MM), validate: positive('µm/s²') }),
  deceleration_um_s2: control({ get: 'DEC? {axis}', set: 'DEC {axis} {value}', codec: gcsAxisValue(UM_VIA_MM), validate: positive('µm/s²') }),
  // Parameters 0xA "maximum closed-loop velocity" and 0x4A "maximum closed-loop acceleration": what VEL and ACC accept.
  maxVelocity_um_s: measurement({ get: 'SPA? {axis} 0xA', codec: gcsParameterValue(UM_VIA_MM) }),
  maxAcceleration_um_s2: measurement({ get: 'SPA? {axis} 0x4A', codec: gcsParameterValue(UM_VIA_MM) }),
};

/** A command written without its own ERR? (writeDeferringCheck): what to undo when the register shows an error. */
interface Unchecked {
  command: string;
  onError: () => void;
}

export class PiGcsProtocol implements StageProtocol {
  readonly props;
  private readonly ramps = new RampSetter(UNKNOWN_COMMAND);
  /** Commands sent since the last ERR?, whose errors the next checked command's ERR? reads. */
  private unchecked: Unchecked[] = [];

  constructor(readonly session: ScpiSession) {
    this.props = bindProperties(session, PI_GCS_PROPERTIES);
  }

  /**
   * Writes `command` and leaves its ERR? to the next checked command of this protocol (a move, a
   * setting). GCS keeps one error register that a later successful command does not clear — ERR? returns
   * the last error and only then resets it (C-884 user manual, ERR?) — so the next ERR? still sees this
   * command's error, one exchange later. That error is then reported naming both commands, and
   * `onError` runs (the caller forgets the state it assumed the command set). On a session that checks
   * every write itself, this is a checked write.
   */
  async writeDeferringCheck(command: string, onError: () => void): Promise<void> {
    if (this.session.options.checkErrors || this.session.options.dialect.errorQuery === null) {
      await writeChecked(this.session, command);
      return;
    }
    await this.session.write(command);
    this.unchecked.push({ command, onError });
  }

  /**
   * Reads ERR? now if commands are still unchecked (before a setting whose own check would otherwise
   * take their error as its own); nothing is sent when none is.
   */
  async confirmUnchecked(): Promise<void> {
    if (this.unchecked.length > 0) await this.checked(null);
  }

  /** A write confirmed by ERR?, which also answers for every command written unchecked before it. */
  writeChecked(command: string): Promise<void> {
    return this.checked(command);
  }

  /** A write (or none) confirmed by ERR?, which also answers for every command written unchecked before it. */
  private async checked(command: string | null): Promise<void> {
    const pending = this.unchecked;
    this.unchecked = [];
    try {
      if (command === null) await this.session.checkErrors();
      else await writeChecked(this.session, command);
    } catch (err) {
      // The register holds the latest error only: it may be any of these commands' (all are undone). A
      // check that got no answer (a stall, a lost link) leaves them unknown too: undone as well, so a
      // command held by a stall and carried out late is sent again rather than assumed.
      for (const u of pending) u.onError();
      if (pending.length === 0 || !(err instanceof InstrumentError)) throw err;
      throw new InstrumentError(this.session.resource, [...pending.map((u) => u.command), ...(command === null ? [] : [command])].join("' then '"), err.errors);
    }
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  async clearErrors(): Promise<void> {
    // GCS keeps one error register; reading it clears it.
    await this.session.query('ERR?');
  }

  enable(axes: readonly number[]): Promise<void> {
    return this.checked(`SVO ${axes.map((n) => `${n} 1`).join(' ')}`);
  }

  moveAbsolute(moves: readonly { axis: number; target_um: number }[]): Promise<void> {
    // One MOV for every axis: the controller checks all targets before any axis starts.
    return this.checked(`MOV ${moves.map((m) => `${m.axis} ${umAsMmText(m.target_um)}`).join(' ')}`);
  }

  moveRelative(moves: readonly { axis: number; delta_um: number }[]): Promise<void> {
    return this.checked(`MVR ${moves.map((m) => `${m.axis} ${umAsMmText(m.delta_um)}`).join(' ')}`);
  }

  target_um(axis: number): Promise<number> {
    return this.props.target_um.get({ axis });
  }

  position_um(axis: number): Promise<number> {
    return this.props.position_um.get({ axis });
  }

  /** `POS? 1 2` → one `<axis>=<mm>` line per axis (all but the last ending in a space): one exchange. */
  positions_um(axes: readonly number[]): Promise<number[]> {
    return this.axisValues('POS?', axes);
  }

  /** `VEL? 1 2`, likewise. */
  velocities_um_s(axes: readonly number[]): Promise<number[]> {
    return this.axisValues('VEL?', axes);
  }

  /** `ACC? 1 2`, likewise. */
  accelerations_um_s2(axes: readonly number[]): Promise<number[]> {
    return this.axisValues('ACC?', axes);
  }

  /** A GCS query of several axes in one exchange: one `<axis>=<mm…>` line per axis, in µm… (`axes` order). */
  private async axisValues(query: string, axes: readonly number[]): Promise<number[]> {
    const command = `${query} ${axes.join(' ')}`;
    const lines = await queryGcsLines(this.session, command);
    const byAxis = new Map<string, number>();
    for (const line of lines) {
      const m = /^\s*([A-Za-z0-9_]+)\s*=/.exec(line);
      if (!m) throw new ReplyFormatError(this.session.resource, command, line, `'<axis>=<value>' lines, one per axis of ${axes.join(', ')}`);
      byAxis.set(m[1] as string, parseReply(this.session.resource, command, line, POSITION));
    }
    return axes.map((a) => {
      const v = byAxis.get(String(a));
      if (v === undefined) throw new ReplyFormatError(this.session.resource, command, lines.join(' | '), `a line '${a}=<value>' for axis ${a}`);
      return v;
    });
  }

  async isMoving(axis: number): Promise<boolean> {
    return !(await this.props.onTarget.get({ axis }));
  }

  home(axis: number): Promise<void> {
    // FRF: a reference move to the reference switch; afterwards the axis accepts absolute moves.
    return this.checked(`FRF ${axis}`);
  }

  async setVelocity_um_s(axis: number, velocity_um_s: number): Promise<void> {
    await this.confirmUnchecked();
    return this.props.velocity_um_s.set(velocity_um_s, { axis });
  }

  /** `VEL 1 v 2 v`: GCS takes axis-value pairs for several axes in one command. */
  setVelocities_um_s(values: readonly { axis: number; velocity_um_s: number }[]): Promise<void> {
    return this.checked(`VEL ${values.map((v) => `${v.axis} ${umAsMmText(v.velocity_um_s)}`).join(' ')}`);
  }

  velocity_um_s(axis: number): Promise<number> {
    return this.props.velocity_um_s.get({ axis });
  }

  /** `ACC` then `DEC` to the same value, in mm/s². */
  async setAcceleration_um_s2(axis: number, acceleration_um_s2: number): Promise<void> {
    await this.confirmUnchecked();
    return this.ramps.set(
      () => this.props.acceleration_um_s2.set(acceleration_um_s2, { axis }),
      () => this.props.deceleration_um_s2.set(acceleration_um_s2, { axis }),
    );
  }

  acceleration_um_s2(axis: number): Promise<number> {
    return this.props.acceleration_um_s2.get({ axis });
  }

  maxVelocity_um_s(axis: number): Promise<number> {
    return this.props.maxVelocity_um_s.get({ axis });
  }

  maxAcceleration_um_s2(axis: number): Promise<number> {
    return this.props.maxAcceleration_um_s2.get({ axis });
  }

  stop(axes: readonly number[]): Promise<void> {
    return this.halt(`HLT ${axes.join(' ')}`);
  }

  /** HLT without axes halts every axis, braking as HLT does (not STP's abrupt stop). */
  stopAll(): Promise<void> {
    return this.halt('HLT');
  }

  private async halt(command: string): Promise<void> {
    // HLT brakes at the axis deceleration (STP would stop every axis abruptly). Both set error 10.
    try {
      await this.checked(command);
    } catch (err) {
      if (!(err instanceof InstrumentError && err.errors.every((e) => e.code === STOPPED_BY_COMMAND))) throw err;
    }
  }
}

export const piGcs: DriverDescriptor<Stage> = {
  name: PI_GCS_DRIVER_NAME,
  kind: 'stage',
  description: 'PI GCS motion controller, C-884 class (TCP, LF-terminated GCS commands, mm)',
  sessionDefaults: { dialect: PI_GCS_DIALECT },
  matchesIdentity: (identity) => /Physik\s+Instrumente/i.test(identity) && !/C-887/i.test(identity), // hexapods: pi-gcs-hexapod
  checkOptions(options) {
    parsePiGcsOptions(PI_GCS_DRIVER_NAME, options);
  },
  async create(ctx) {
    const { trigger_output, ...options } = parsePiGcsOptions(PI_GCS_DRIVER_NAME, ctx.options);
    const protocol = new PiGcsProtocol(ctx.session);
    // With a trigger output cabled to the meter, fly scans start their logs by hardware (pi-gcs-trigger.ts).
    const stage = trigger_output === undefined
      ? new AxisStage(PI_GCS_DRIVER_NAME, ctx.role, protocol, ctx.axes)
      : new PiGcsTriggeredStage(PI_GCS_DRIVER_NAME, ctx.role, protocol, ctx.axes, trigger_output);
    await stage.prepare(options);
    return stage;
  },
};
