// Thorlabs PM100 power meter consoles (PM100D, PM100USB, PM100A, PM101, PM400) with one sensor, usually
// on USBTMC (`USB0::0x1313::0x8078::<serial>::INSTR` for a PM100D). Commands as PyMeasure's
// ThorlabsPM100USB and Thorlabs' Light_Analysis_Examples send them: the wavelength correction in nm with
// the sensor's span from `SENS:CORR:WAV? MIN|MAX`, `MEAS:POW?` for a reading, `SENS:AVER:COUN` in samples
// of about 3 ms ("1 sample takes approx. 3ms"), range in W. The console has no triggered logging
// function, so the logging methods refuse, saying so; a sweep with this meter reads one point at a time.
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { InstrumentError, ReplyFormatError } from '../errors.ts';
import { InvalidSettingError } from '../properties/errors.ts';
import { parseIdentity } from '../properties/identity.ts';
import { writeChecked } from '../properties/send.ts';
import { inRange, isBoolean } from '../properties/validators.ts';
import type { Range } from '../properties/validators.ts';
import type { LoggingOptions, LoggingState, PowerMeter, PowerUnit } from '../roles/power-meter.ts';
import { readingToDbm, readingToW } from '../roles/units.ts';
import { parseResponseNumber } from '../scpi/index.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

export const THORLABS_PM100 = 'thorlabs-pm100';
export const PM100_MODEL = /^PM(100D|100A|100USB|101[A-Z]*|400)$/i;
/** Thorlabs: "1 sample takes approx. 3ms" (SENS:AVER:COUN). */
export const SAMPLE_S = 0.003;
const MAX_COUNT = 100_000;
/** A reading's timeout: its averaging time plus this for the exchange itself. */
const READ_MARGIN_MS = 1000;
/** SCPI's "not a number" stand-in, which the console answers over range (with -231 queued). */
const OVER_RANGE = 9.9e37;

export class ThorlabsPm100Meter implements PowerMeter {
  readonly kind = 'meter' as const;
  readonly driverName = THORLABS_PM100;
  readonly channels = [1] as const;
  /** The averaging count last set or read, for the read timeout. */
  private count = 1;

  constructor(readonly session: ScpiSession, readonly model: string, readonly sensor: string, readonly wavelengthRange_nm: Range) {}

  /** Identifies console and sensor, and asks the sensor's wavelength span. */
  static async create(ctx: DriverContext): Promise<ThorlabsPm100Meter> {
    const s = ctx.session;
    const { model } = parseIdentity(await s.query('*IDN?'));
    const sensorReply = (await s.query(':SYST:SENS:IDN?')).trim();
    const sensor = sensorReply.split(',')[0]?.trim() ?? '';
    if (sensor === '' || /^no sensor/i.test(sensor)) {
      throw new InstrumentError(s.resource, ':SYST:SENS:IDN?', [{ code: 0, message: `no sensor is connected to the ${model} (it answered ${JSON.stringify(sensorReply)})` }]);
    }
    const min = await s.queryNumber(':SENS:CORR:WAV? MIN');
    const max = await s.queryNumber(':SENS:CORR:WAV? MAX');
    const meter = new ThorlabsPm100Meter(s, model, sensor, { min, max });
    meter.count = await s.queryInteger(':SENS:AVER:COUN?');
    return meter;
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  private channel(method: string, channel: number): void {
    if (channel !== 1) throw new InvalidSettingError(this.session.resource, `${method}.channel`, channel, 'channel 1 (the console has one sensor)');
  }

  private check(name: string, value: unknown, problem: string | null): void {
    if (problem !== null) throw new InvalidSettingError(this.session.resource, name, value, problem);
  }

  async setWavelength_nm(channel: number, wavelength_nm: number): Promise<void> {
    this.channel('setWavelength_nm', channel);
    this.check('wavelength_nm', wavelength_nm, inRange(this.wavelengthRange_nm, `nm (the ${this.sensor}'s span)`)(wavelength_nm));
    await writeChecked(this.session, `:SENS:CORR:WAV ${wavelength_nm}`);
  }

  async wavelength_nm(channel: number): Promise<number> {
    this.channel('wavelength_nm', channel);
    return this.session.queryNumber(':SENS:CORR:WAV?');
  }

  /** Rounded to whole samples of 3 ms (at least one). */
  async setAveragingTime_s(channel: number, averagingTime_s: number): Promise<void> {
    this.channel('setAveragingTime_s', channel);
    this.check('averagingTime_s', averagingTime_s, inRange({ min: SAMPLE_S / 2, max: MAX_COUNT * SAMPLE_S }, 's')(averagingTime_s));
    const count = Math.max(1, Math.round(averagingTime_s / SAMPLE_S));
    await writeChecked(this.session, `:SENS:AVER:COUN ${count}`);
    this.count = count;
  }

  async averagingTime_s(channel: number): Promise<number> {
    this.channel('averagingTime_s', channel);
    this.count = await this.session.queryInteger(':SENS:AVER:COUN?');
    return this.count * SAMPLE_S;
  }

  async setAutoRange(channel: number, on: boolean): Promise<void> {
    this.channel('setAutoRange', channel);
    this.check('autoRange', on, isBoolean(on));
    await writeChecked(this.session, `:SENS:POW:RANG:AUTO ${on ? 1 : 0}`);
  }

  async autoRange(channel: number): Promise<boolean> {
    this.channel('autoRange', channel);
    return this.session.queryBoolean(':SENS:POW:RANG:AUTO?');
  }

  /** The range is set in W; the console picks the smallest of its ranges that holds it. */
  async setRange_dBm(channel: number, range_dBm: number): Promise<void> {
    this.channel('setRange_dBm', channel);
    this.check('range_dBm', range_dBm, inRange({ min: -70, max: 40 }, 'dBm')(range_dBm));
    await writeChecked(this.session, `:SENS:POW:RANG ${readingToW(range_dBm).toExponential(3)}`);
  }

  async range_dBm(channel: number): Promise<number> {
    this.channel('range_dBm', channel);
    return readingToDbm(await this.session.queryNumber(':SENS:POW:RANG?'));
  }

  async setUnit(channel: number, unit: PowerUnit): Promise<void> {
    this.channel('setUnit', channel);
    this.check('unit', unit, unit === 'W' || unit === 'dBm' ? null : 'W or dBm');
    await writeChecked(this.session, `:SENS:POW:UNIT ${unit === 'W' ? 'W' : 'DBM'}`);
  }

  async unit(channel: number): Promise<PowerUnit> {
    this.channel('unit', channel);
    const command = ':SENS:POW:UNIT?';
    const reply = (await this.session.query(command)).trim().toUpperCase();
    if (reply === 'W') return 'W';
    if (reply === 'DBM') return 'dBm';
    throw new ReplyFormatError(this.session.resource, command, reply, 'W or DBM');
  }

  /** A reading in W whatever the display unit: the timeout covers the averaging (count × 3 ms). */
  private async measure(command: string): Promise<number> {
    const unit = await this.unit(1);
    const timeout_ms = Math.max(this.session.options.timeout_ms, this.count * SAMPLE_S * 1000 + READ_MARGIN_MS);
    const reply = await this.session.query(command, { timeout_ms });
    let value: number;
    try {
      value = parseResponseNumber(reply);
    } catch (err) {
      throw new ReplyFormatError(this.session.resource, command, reply, 'a power reading such as 1.234000E-04', { cause: err });
    }
    if (value >= OVER_RANGE) {
      await this.session.checkErrors().catch((err: unknown) => {
        if (!(err instanceof InstrumentError)) throw err;
      });
      throw new InstrumentError(this.session.resource, command, [{ code: -231, message: `the ${this.sensor} is over range (reading ${reply.trim()}); choose a higher range or auto range` }]);
    }
    return unit === 'W' ? value : readingToW(value);
  }

  async readPower_W(channel: number): Promise<number> {
    this.channel('readPower_W', channel);
    return this.measure(':MEAS:POW?');
  }

  async readPower_dBm(channel: number): Promise<number> {
    return readingToDbm(await this.readPower_W(channel));
  }

  /** The last measurement (INIT or READ?), without a new one. */
  async fetchPower_W(channel: number): Promise<number> {
    this.channel('fetchPower_W', channel);
    return this.measure(':FETC?');
  }

  async fetchPower_dBm(channel: number): Promise<number> {
    return readingToDbm(await this.fetchPower_W(channel));
  }

  async readAll_dBm(): Promise<number[]> {
    return [await this.readPower_dBm(1)];
  }

  private noLogging(method: string): InvalidSettingError {
    return new InvalidSettingError(this.session.resource, method, this.model,
      'a meter with a triggered logging function (keysight-n774x); the Thorlabs PM100 family reads one power per query');
  }

  startLogging(options: LoggingOptions): Promise<void> {
    void options;
    return Promise.reject(this.noLogging('startLogging'));
  }

  async loggingState(channel: number): Promise<LoggingState> {
    this.channel('loggingState', channel);
    return 'idle';
  }

  waitLogging(): Promise<void> {
    return Promise.reject(this.noLogging('waitLogging'));
  }

  /** Nothing to stop: the console has no logging function. */
  async stopLogging(channel: number): Promise<void> {
    this.channel('stopLogging', channel);
  }

  fetchLog_W(): Promise<number[]> {
    return Promise.reject(this.noLogging('fetchLog_W'));
  }

  /** A meter emits nothing: its safe state is the one it is in. */
  async safe(): Promise<void> {}

  close(): Promise<void> {
    return this.session.close();
  }
}

export const thorlabsPm100Descriptor: DriverDescriptor<ThorlabsPm100Meter> = {
  name: THORLABS_PM100,
  kind: 'meter',
  description: 'Thorlabs PM100D/PM100USB/PM100A/PM101/PM400 power meter (USBTMC)',
  sessionDefaults: { readTermination: '\n', writeTermination: '\n', timeout_ms: 3000 },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return /^thorlabs/i.test(manufacturer) && PM100_MODEL.test(model);
  },
  create: (ctx) => ThorlabsPm100Meter.create(ctx),
};
