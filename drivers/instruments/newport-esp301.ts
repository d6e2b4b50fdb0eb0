// Newport ESP301 3-axis motion controller: ASCII over RS-232 (921600 baud), commands end with CR,
// replies with CR LF; `<axis><mnemonic>[?][value]` in the axis's units (mm here); commands are silent and
// errors go to the error buffer (`TB?` → `<code>, <timestamp>, <message>`), read after every command.
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
import { UM_VIA_MM, umAsMmText } from '../roles/stage-units.ts';
import type { Stage } from '../roles/stage.ts';

export const ESP301_DRIVER_NAME = 'newport-esp301';

/** ESP301 general error 6, COMMAND DOES NOT EXIST. */
const COMMAND_DOES_NOT_EXIST = 6;

/** The controller's buffer holds at most 10 errors; reading more than that means something else is wrong. */
const MAX_STALE_ERRORS = 10;

const ESP301_PROPERTIES = {
  /** Encoder position. */
  position_um: measurement({ get: '{axis}TP?', codec: UM_VIA_MM }),
  /** Desired (target) position. */
  target_um: measurement({ get: '{axis}DP?', codec: UM_VIA_MM }),
  /** 1 once the motion is done. */
  motionDone: measurement({ get: '{axis}MD?', codec: BOOLEAN }),
  velocity_um_s: control({ get: '{axis}VA?', set: '{axis}VA{value}', codec: UM_VIA_MM, validate: positive('µm/s') }),
  acceleration_um_s2: control({ get: '{axis}AC?', set: '{axis}AC{value}', codec: UM_VIA_MM, validate: positive('µm/s²') }),
  deceleration_um_s2: control({ get: '{axis}AG?', set: '{axis}AG{value}', codec: UM_VIA_MM, validate: positive('µm/s²') }),
};

export class Esp301Protocol implements StageProtocol {
  readonly props;
  private readonly ramps = new RampSetter(COMMAND_DOES_NOT_EXIST);

  constructor(readonly session: ScpiSession) {
    this.props = bindProperties(session, ESP301_PROPERTIES);
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
    return writeChecked(this.session, moves.map((m) => `${m.axis}PA${umAsMmText(m.target_um)}`).join(';'));
  }

  moveRelative(moves: readonly { axis: number; delta_um: number }[]): Promise<void> {
    return writeChecked(this.session, moves.map((m) => `${m.axis}PR${umAsMmText(m.delta_um)}`).join(';'));
  }

  target_um(axis: number): Promise<number> {
    return this.props.target_um.get({ axis });
  }

  position_um(axis: number): Promise<number> {
    return this.props.position_um.get({ axis });
  }

  async isMoving(axis: number): Promise<boolean> {
    return !(await this.props.motionDone.get({ axis }));
  }

  home(axis: number): Promise<void> {
    // OR with no mode: the home search mode the controller is set up for (OM).
    return writeChecked(this.session, `${axis}OR`);
  }

  setVelocity_um_s(axis: number, velocity_um_s: number): Promise<void> {
    return this.props.velocity_um_s.set(velocity_um_s, { axis });
  }

  velocity_um_s(axis: number): Promise<number> {
    return this.props.velocity_um_s.get({ axis });
  }

  /** `nAC` then `nAG` (deceleration) to the same value, in mm/s². */
  setAcceleration_um_s2(axis: number, acceleration_um_s2: number): Promise<void> {
    return this.ramps.set(
      () => this.props.acceleration_um_s2.set(acceleration_um_s2, { axis }),
      () => this.props.deceleration_um_s2.set(acceleration_um_s2, { axis }),
    );
  }

  acceleration_um_s2(axis: number): Promise<number> {
    return this.props.acceleration_um_s2.get({ axis });
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
  sessionDefaults: { readTermination: '\r\n', writeTermination: '\r', baudRate: 921600, dialect: ESP301_DIALECT },
  // The ESP301 has no *IDN?; `VE?` answers e.g. 'ESP301 Version 3.0.2 03/26/12'.
  matchesIdentity: (identity) => /^\s*ESP30[01]\b/i.test(identity),
  async create(ctx) {
    const options = parseStageOptions(ESP301_DRIVER_NAME, ctx.options);
    const stage = new AxisStage(ESP301_DRIVER_NAME, ctx.role, new Esp301Protocol(ctx.session), ctx.axes);
    await stage.prepare(options);
    return stage;
  },
};
