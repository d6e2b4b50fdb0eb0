// Keysight N776xA / 8156xA variable optical attenuators: attenuation (with offset), calibration
// wavelength, shutter, and power-setpoint mode on models with an output power monitor. The attenuation
// range is the instrument's own (`INP:ATT? MIN|MAX`), so a filter with less than the family's 60 dB is
// not driven past its end.
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { queryChained } from '../properties/chain.ts';
import { BOOLEAN, DB, PLAIN_NUMBER, POWER_UNIT_01 } from '../properties/codecs.ts';
import { UnsupportedFeatureError } from '../properties/errors.ts';
import { isKeysightFamily, parseIdentity } from '../properties/identity.ts';
import { bindProperties, parseReply } from '../properties/property.ts';
import type { BoundProperties } from '../properties/property.ts';
import { writeChecked } from '../properties/send.ts';
import { isUnanswered } from '../properties/unanswered.ts';
import type { Range } from '../properties/validators.ts';
import type { Attenuator } from '../roles/attenuator.ts';
import { readingToDbm } from '../roles/units.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { MAX_ATTENUATION_DB, N776X_MODEL, hasPowerControl, parseN776xOptions } from './keysight-n776x-model.ts';
import { voaTable } from './keysight-n776x-table.ts';

export const KEYSIGHT_N776X = 'keysight-n776x';

/** What the VOA reports for its monitor in the dark when the unit is dBm. */
const DARK_DBM = -200;

export class KeysightN776xAttenuator implements Attenuator {
  readonly kind = 'voa' as const;
  readonly driverName = KEYSIGHT_N776X;
  readonly session: ScpiSession;
  readonly model: string;
  readonly hasPowerControl: boolean;
  readonly props: BoundProperties<ReturnType<typeof voaTable>>;
  readonly at: { ch: number };
  /** The offset the displayed attenuation includes; kept to check attenuations before sending them. */
  private offset = 0;
  /** The filter's own attenuation span (the displayed range less the offset), dB. */
  private filterSpan_dB: Range = { min: 0, max: MAX_ATTENUATION_DB };
  /** Whether power control is on (read at creation, then tracked): an attenuation setting turns it off. */
  private powerControlOn = false;

  constructor(session: ScpiSession, model: string, channel: number, powerControl: boolean) {
    this.session = session;
    this.model = model;
    this.at = { ch: channel };
    this.hasPowerControl = powerControl;
    this.props = bindProperties(session, voaTable(() => this.attenuationRange_dB));
  }

  /** Identifies the VOA and reads its offset, attenuation range (and power-control state) so attenuations can be checked locally. */
  static async create(ctx: DriverContext): Promise<KeysightN776xAttenuator> {
    const options = parseN776xOptions(KEYSIGHT_N776X, ctx.options);
    const { model } = parseIdentity(await ctx.session.query('*IDN?'));
    const voa = new KeysightN776xAttenuator(ctx.session, model, options.channel, options.powerControl ?? hasPowerControl(model));
    await voa.refreshState();
    return voa;
  }

  /** The displayed attenuations the VOA accepts now: as it reported them, moved along with the offset since. */
  get attenuationRange_dB(): Range {
    return { min: this.offset + this.filterSpan_dB.min, max: this.offset + this.filterSpan_dB.max };
  }

  /**
   * Re-reads the offset, the attenuation range and the power-control state (after someone else changed
   * them), in one round trip. Firmware that does not answer `INP:ATT? MIN|MAX` is asked again without it
   * and gets the family's 0…60 dB of filter.
   */
  async refreshState(): Promise<void> {
    const ch = this.at.ch;
    const state = [`:INP${ch}:OFFS?`, ...(this.hasPowerControl ? [`:OUTP${ch}:POW:CONTR?`] : [])];
    const range = [`:INP${ch}:ATT? MIN`, `:INP${ch}:ATT? MAX`];
    let queries = [...state, ...range];
    let replies: string[];
    try {
      replies = await queryChained(this.session, queries);
    } catch (err) {
      if (!isUnanswered(err)) throw err;
      queries = state;
      replies = await queryChained(this.session, queries);
    }
    const command = queries.join(';');
    const db = (i: number): number => parseReply(this.session.resource, command, replies[i] as string, DB);
    this.offset = db(0);
    this.powerControlOn = this.hasPowerControl && parseReply(this.session.resource, command, replies[1] as string, BOOLEAN);
    const n = state.length;
    this.filterSpan_dB = queries.length > n ? { min: db(n) - this.offset, max: db(n + 1) - this.offset } : { min: 0, max: MAX_ATTENUATION_DB };
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  /** Leaves power-setpoint mode first if it is on, so the attenuation is what holds. */
  async setAttenuation_dB(attenuation_dB: number): Promise<void> {
    // Validated before power control is touched: a refused value changes nothing.
    const command = this.props.attenuation_dB.command(attenuation_dB, this.at);
    if (this.powerControlOn) {
      await this.props.powerControl.set(false, this.at);
      this.powerControlOn = false;
    }
    await writeChecked(this.session, command);
  }

  attenuation_dB(): Promise<number> {
    return this.props.attenuation_dB.get(this.at);
  }

  /** `*OPC?` returns once the filter has reached its setting. */
  waitSettled(timeout_s = 10): Promise<void> {
    return this.session.opc({ timeout_ms: timeout_s * 1000 });
  }

  async setOffset_dB(offset_dB: number): Promise<void> {
    await this.props.offset_dB.set(offset_dB, this.at);
    this.offset = offset_dB;
  }

  offset_dB(): Promise<number> {
    return this.props.offset_dB.get(this.at);
  }

  setWavelength_nm(wavelength_nm: number): Promise<void> {
    return this.props.wavelength_nm.set(wavelength_nm, this.at);
  }

  wavelength_nm(): Promise<number> {
    return this.props.wavelength_nm.get(this.at);
  }

  setOutput(on: boolean): Promise<void> {
    return this.props.output.set(on, this.at);
  }

  output(): Promise<boolean> {
    return this.props.output.get(this.at);
  }

  /** Sets the output power setpoint and turns power control on. */
  async setOutputPower_dBm(power_dBm: number): Promise<void> {
    this.requirePowerControl('setOutputPower_dBm');
    await this.props.powerSetpoint_dBm.set(power_dBm, this.at);
    await this.props.powerControl.set(true, this.at);
    this.powerControlOn = true;
  }

  /** The output power as the VOA's monitor reads it now (−Infinity in the dark). */
  async outputPower_dBm(): Promise<number> {
    this.requirePowerControl('outputPower_dBm');
    const ch = this.at.ch;
    const queries = [`:OUTP${ch}:POW:UNIT?`, `:READ${ch}:POW?`];
    const [unitReply = '', valueReply = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    const unit = parseReply(this.session.resource, command, unitReply, POWER_UNIT_01);
    const value = parseReply(this.session.resource, command, valueReply, PLAIN_NUMBER);
    if (unit === 'W') return readingToDbm(value);
    return value <= DARK_DBM ? -Infinity : value;
  }

  /** Nothing to do: an attenuator only takes light away, and its setting is part of the bench's state. */
  async safe(): Promise<void> {}

  close(): Promise<void> {
    return this.session.close();
  }

  private requirePowerControl(feature: string): void {
    if (!this.hasPowerControl) {
      throw new UnsupportedFeatureError(this.session.resource, feature, this.model || 'this attenuator',
        'it has no output power monitor; set options.powerControl: true if yours does');
    }
  }
}

export const keysightN776xDescriptor: DriverDescriptor<KeysightN776xAttenuator> = {
  name: KEYSIGHT_N776X,
  kind: 'voa',
  description: 'Keysight N776xA / 8156xA variable optical attenuator',
  sessionDefaults: { readTermination: '\n', writeTermination: '\n', timeout_ms: 5000 },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return isKeysightFamily(manufacturer) && N776X_MODEL.test(model);
  },
  checkOptions(options) {
    parseN776xOptions(KEYSIGHT_N776X, options);
  },
  create: (ctx) => KeysightN776xAttenuator.create(ctx),
};
