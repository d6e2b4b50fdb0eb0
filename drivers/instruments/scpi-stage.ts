// A SCPI motion controller (the simulator's default stage): `:AXIS<n>:...` headers, positions, velocities
// and accelerations in µm-based units (one ramp, `:AXIS<n>:ACC`, for accelerating and braking),
// `:AXIS<n>:MOTion?` 1 while moving, errors in the SYST:ERR? queue.
//
// Auto-detection claims only the identities known to speak this dialect (SCPI_STAGE_IDENTITIES): SCPI
// motion controllers of other makers use other command trees, and a driver that claimed them would move
// axes with commands they do not mean. Another controller in this dialect is named in the bench file.
import type { DriverDescriptor } from '../driver.ts';
import { BOOLEAN, numberCodec } from '../properties/codecs.ts';
import { parseIdentity } from '../properties/identity.ts';
import { formatDecimal } from '../properties/number-text.ts';
import { bindProperties, control, measurement } from '../properties/property.ts';
import { writeChecked } from '../properties/send.ts';
import { positive } from '../properties/validators.ts';
import { SCPI_DIALECT } from '../session/dialect.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { AxisStage } from '../roles/stage-driver.ts';
import { parseStageOptions } from '../roles/stage-options.ts';
import type { StageProtocol } from '../roles/stage-protocol.ts';
import type { Stage } from '../roles/stage.ts';

export const SCPI_STAGE_DRIVER_NAME = 'scpi-stage';

/**
 * `*IDN?` manufacturer and model of the controllers that speak this dialect: the simulator's XYZ stage
 * controllers (`BENCHSIM,XYZ-25 Motion Controller,...`; the number is the lateral travel in mm).
 */
export const SCPI_STAGE_IDENTITIES: readonly { manufacturer: RegExp; model: RegExp }[] = [
  { manufacturer: /^BENCHSIM$/i, model: /^XYZ-\d+ Motion Controller$/i },
];

const UM = numberCodec({ suffix: '', expected: 'a number in µm-based units (e.g. +1.25000000E+04)' });

const SCPI_STAGE_PROPERTIES = {
  position_um: measurement({ get: ':AXIS{axis}:POS?', codec: UM }),
  target_um: measurement({ get: ':AXIS{axis}:POS:TARG?', codec: UM }),
  moving: measurement({ get: ':AXIS{axis}:MOT?', codec: BOOLEAN }),
  velocity_um_s: control({ get: ':AXIS{axis}:VEL?', set: ':AXIS{axis}:VEL {value}', codec: UM, validate: positive('µm/s') }),
  acceleration_um_s2: control({ get: ':AXIS{axis}:ACC?', set: ':AXIS{axis}:ACC {value}', codec: UM, validate: positive('µm/s²') }),
  // SCPI's `? MAX` form of a setting's query: the most the controller accepts.
  maxVelocity_um_s: measurement({ get: ':AXIS{axis}:VEL? MAX', codec: UM }),
  maxAcceleration_um_s2: measurement({ get: ':AXIS{axis}:ACC? MAX', codec: UM }),
};

export class ScpiStageProtocol implements StageProtocol {
  readonly props;

  constructor(readonly session: ScpiSession) {
    this.props = bindProperties(session, SCPI_STAGE_PROPERTIES);
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  clearErrors(): Promise<void> {
    return this.session.write('*CLS');
  }

  /** The SCPI controller has no servo switch: its axes are always enabled. */
  async enable(): Promise<void> {}

  moveAbsolute(moves: readonly { axis: number; target_um: number }[]): Promise<void> {
    // One program message: the axes start together, and one error check covers them all.
    return writeChecked(this.session, moves.map((m) => `:AXIS${m.axis}:POS ${formatDecimal(m.target_um)}`).join(';'));
  }

  moveRelative(moves: readonly { axis: number; delta_um: number }[]): Promise<void> {
    return writeChecked(this.session, moves.map((m) => `:AXIS${m.axis}:MOVE:REL ${formatDecimal(m.delta_um)}`).join(';'));
  }

  target_um(axis: number): Promise<number> {
    return this.props.target_um.get({ axis });
  }

  position_um(axis: number): Promise<number> {
    return this.props.position_um.get({ axis });
  }

  isMoving(axis: number): Promise<boolean> {
    return this.props.moving.get({ axis });
  }

  home(axis: number): Promise<void> {
    return writeChecked(this.session, `:AXIS${axis}:HOME`);
  }

  setVelocity_um_s(axis: number, velocity_um_s: number): Promise<void> {
    return this.props.velocity_um_s.set(velocity_um_s, { axis });
  }

  velocity_um_s(axis: number): Promise<number> {
    return this.props.velocity_um_s.get({ axis });
  }

  /** `:AXISn:ACC` sets the one ramp this controller uses to accelerate and to brake. */
  setAcceleration_um_s2(axis: number, acceleration_um_s2: number): Promise<void> {
    return this.props.acceleration_um_s2.set(acceleration_um_s2, { axis });
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
    return writeChecked(this.session, axes.map((n) => `:AXIS${n}:STOP`).join(';'));
  }

  stopAll(): Promise<void> {
    return writeChecked(this.session, ':STOP');
  }
}

export const scpiStage: DriverDescriptor<Stage> = {
  name: SCPI_STAGE_DRIVER_NAME,
  kind: 'stage',
  description: 'SCPI motion controller (:AXISn:POS/MOVE/VEL/MOT?, µm)',
  sessionDefaults: { dialect: SCPI_DIALECT },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return SCPI_STAGE_IDENTITIES.some((known) => known.manufacturer.test(manufacturer) && known.model.test(model));
  },
  async create(ctx) {
    const options = parseStageOptions(SCPI_STAGE_DRIVER_NAME, ctx.options);
    const stage = new AxisStage(SCPI_STAGE_DRIVER_NAME, ctx.role, new ScpiStageProtocol(ctx.session), ctx.axes);
    await stage.prepare(options);
    return stage;
  },
};
