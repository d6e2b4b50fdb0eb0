// Newport ESP301 3-axis motion controller: ASCII over RS-232 (factory setting 19200 baud, 8N1, RTS/CTS
// hardware handshake) or its USB virtual COM port (921600 baud: set baud_rate in the bench file);
// commands end with CR, replies with CR LF; `<axis><mnemonic>[?][value]` in each axis's own units, read
// with `nSN?` when the driver opens (esp301-units.ts); commands are silent and errors go to the error
// buffer (`TB?` → `<code>, <timestamp>, <message>`), read after every command.
import type { DriverDescriptor } from '../driver.ts';
import { BOOLEAN } from '../properties/codecs.ts';
import { bindProperties, control, measurement } from '../properties/property.ts';
import { writeChecked } from '../properties/send.ts';
import { positive } from '../properties/validators.ts';
import { ESP301_DIALECT } from '../session/dialect.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { AxisStage } from '../roles/stage-driver.ts';
import { parseStageOptions } from '../roles/stage-options.ts';
import type { StageProtocol } from '../roles/stage-protocol.ts';
import { RampSetter } from '../roles/stage-ramps.ts';
import type { Stage } from '../roles/stage.ts';
import { lengthCodec, lengthUnitOf, MILLIMETRE } from './esp301-units.ts';
import type { LengthUnit } from './esp301-units.ts';

export const ESP301_DRIVER_NAME = 'newport-esp301';

/** ESP301 general error 6, COMMAND DOES NOT EXIST. */
const COMMAND_DOES_NOT_EXIST = 6;

/** The controller's buffer holds at most 10 errors; reading more than that means something else is wrong. */
const MAX_STALE_ERRORS = 10;

/** The properties of an axis whose displacement unit is `unit` (position, speeds and ramps all in it). */
function esp301Properties(unit: LengthUnit) {
  const codec = lengthCodec(unit);
  return {
    /** Encoder position. */
    position_um: measurement({ get: '{axis}TP?', codec }),
    /** Desired (target) position. */
    target_um: measurement({ get: '{axis}DP?', codec }),
    /** 1 once the motion is done. */
    motionDone: measurement({ get: '{axis}MD?', codec: BOOLEAN }),
    velocity_um_s: control({ get: '{axis}VA?', set: '{axis}VA{value}', codec, validate: positive('µm/s') }),
    acceleration_um_s2: control({ get: '{axis}AC?', set: '{axis}AC{value}', codec, validate: positive('µm/s²') }),
    deceleration_um_s2: control({ get: '{axis}AG?', set: '{axis}AG{value}', codec, validate: positive('µm/s²') }),
    /** The axis's maximum velocity (VU), which bounds every VA. */
    maxVelocity_um_s: measurement({ get: '{axis}VU?', codec }),
  };
}

type Esp301Properties = ReturnType<typeof bindProperties<ReturnType<typeof esp301Properties>>>;

export class Esp301Protocol implements StageProtocol {
  private readonly ramps = new RampSetter(COMMAND_DOES_NOT_EXIST);
  private readonly mm: Esp301Properties;
  private readonly units = new Map<number, { unit: LengthUnit; props: Esp301Properties }>();

  constructor(readonly session: ScpiSession) {
    this.mm = bindProperties(session, esp301Properties(MILLIMETRE));
  }

  /**
   * Reads each axis's displacement unit (`nSN?`); every later value of that axis is written and read in
   * it. Until read, millimetres are assumed. Esp301UnitsError for an axis not in a length unit.
   */
  async readUnits(role: string, axes: readonly number[]): Promise<void> {
    for (const axis of axes) {
      const unit = lengthUnitOf(role, axis, await this.session.query(`${axis}SN?`));
      this.units.set(axis, { unit, props: unit === MILLIMETRE ? this.mm : bindProperties(this.session, esp301Properties(unit)) });
    }
  }

  /** The unit axis `axis` was found in (mm until readUnits ran). */
  unitOf(axis: number): LengthUnit {
    return this.units.get(axis)?.unit ?? MILLIMETRE;
  }

  private p(axis: number): Esp301Properties {
    return this.units.get(axis)?.props ?? this.mm;
  }

  private text(axis: number, value_um: number): string {
    return lengthCodec(this.unitOf(axis)).format(value_um);
  }

  async identify(): Promise<string> {
    return (await this.session.query('VE?')).trim();
  }

  async clearErrors(): Promise<void> {
    for (let i = 0; i < MAX_STALE_ERRORS; i++) {
      if (ESP301_DIALECT.parseError(await this.session.query('TB?')) === null) break;
    }
  }

  enable(axes: readonly number[]): Promise<void> {
    return writeChecked(this.session, axes.map((n) => `${n}MO`).join(';'));
  }

  moveAbsolute(moves: readonly { axis: number; target_um: number }[]): Promise<void> {
    // One line: the controller starts the axes together.
    return writeChecked(this.session, moves.map((m) => `${m.axis}PA${this.text(m.axis, m.target_um)}`).join(';'));
  }

  moveRelative(moves: readonly { axis: number; delta_um: number }[]): Promise<void> {
    return writeChecked(this.session, moves.map((m) => `${m.axis}PR${this.text(m.axis, m.delta_um)}`).join(';'));
  }

  target_um(axis: number): Promise<number> {
    return this.p(axis).target_um.get({ axis });
  }

  position_um(axis: number): Promise<number> {
    return this.p(axis).position_um.get({ axis });
  }

  async isMoving(axis: number): Promise<boolean> {
    return !(await this.p(axis).motionDone.get({ axis }));
  }

  home(axis: number): Promise<void> {
    // OR with no mode: the home search mode the controller is set up for (OM).
    return writeChecked(this.session, `${axis}OR`);
  }

  setVelocity_um_s(axis: number, velocity_um_s: number): Promise<void> {
    return this.p(axis).velocity_um_s.set(velocity_um_s, { axis });
  }

  velocity_um_s(axis: number): Promise<number> {
    return this.p(axis).velocity_um_s.get({ axis });
  }

  maxVelocity_um_s(axis: number): Promise<number> {
    return this.p(axis).maxVelocity_um_s.get({ axis });
  }

  /** `nAC` then `nAG` (deceleration) to the same value, in mm/s². */
  setAcceleration_um_s2(axis: number, acceleration_um_s2: number): Promise<void> {
    return this.ramps.set(
      () => this.p(axis).acceleration_um_s2.set(acceleration_um_s2, { axis }),
      () => this.p(axis).deceleration_um_s2.set(acceleration_um_s2, { axis }),
    );
  }

  acceleration_um_s2(axis: number): Promise<number> {
    return this.p(axis).acceleration_um_s2.get({ axis });
  }

  stop(axes: readonly number[]): Promise<void> {
    return writeChecked(this.session, axes.map((n) => `${n}ST`).join(';'));
  }

  /** `ST` without an axis number stops every axis (at its deceleration). */
  stopAll(): Promise<void> {
    return writeChecked(this.session, 'ST');
  }
}

export const newportEsp301: DriverDescriptor<Stage> = {
  name: ESP301_DRIVER_NAME,
  kind: 'stage',
  description: 'Newport ESP301 3-axis motion controller (serial, CR-terminated ASCII, mm)',
  // RS-232 as the controller leaves the factory (user's manual, RS-232 settings): 19200 baud with RTS/CTS.
  // On its USB port the ESP301 is a virtual COM port at 921600 baud: say baud_rate: 921600 in the bench file.
  sessionDefaults: { readTermination: '\r\n', writeTermination: '\r', baudRate: 19200, flowControl: 'rtscts', dialect: ESP301_DIALECT },
  // The ESP301 has no *IDN?; `VE?` answers e.g. 'ESP301 Version 3.0.2 03/26/12'.
  matchesIdentity: (identity) => /^\s*ESP30[01]\b/i.test(identity),
  async create(ctx) {
    const options = parseStageOptions(ESP301_DRIVER_NAME, ctx.options);
    const protocol = new Esp301Protocol(ctx.session);
    const stage = new AxisStage(ESP301_DRIVER_NAME, ctx.role, protocol, ctx.axes);
    // Units first: every value the stage sends or reads after this is in each axis's own unit.
    await protocol.readUnits(ctx.role, stage.axes.map((a) => stage.axisConfig(a).axis));
    await stage.prepare(options);
    return stage;
  },
};
