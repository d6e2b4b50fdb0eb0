// Keysight N774x multiport power meters (and 816x mainframe sensor modules): settings from the declared
// table, readings converted from whatever unit the meter is in, and the logging function.
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { queryChained } from '../properties/chain.ts';
import { PLAIN_NUMBER } from '../properties/codecs.ts';
import { InstrumentStateError, InvalidSettingError } from '../properties/errors.ts';
import { isKeysightFamily, parseIdentity } from '../properties/identity.ts';
import { bindProperties, parseReply } from '../properties/property.ts';
import type { BoundProperties } from '../properties/property.ts';
import { runSafeSteps, writeTolerant } from '../properties/safe-state.ts';
import { writeChecked } from '../properties/send.ts';
import { inRange, integerIn, oneOf } from '../properties/validators.ts';
import { pollUntilOrStop } from '../properties/wait.ts';
import type { MultiPortLogger, MultiPortLoggingOptions } from '../roles/multiport-logging.ts';
import type { LoggingOptions, LoggingState, LoggingTrigger, PowerUnit } from '../roles/power-meter.ts';
import { readingToDbm, readingToW } from '../roles/units.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { InstrumentError, ReplyFormatError } from '../errors.ts';
import { N774X_MODEL, channelMap, parseN774xOptions } from './keysight-n774x-model.ts';
import type { ChannelAddress } from './keysight-n774x-model.ts';
import { AVERAGING_TIME_RANGE_S, POWER_UNIT, meterTable, meterWavelengthRange_nm } from './keysight-n774x-table.ts';

export const KEYSIGHT_N774X = 'keysight-n774x';

/** The N774x logs up to 1 M samples (816x modules fewer; they refuse more with an instrument error). */
export const MAX_LOG_SAMPLES = 1_000_000;

const TRIGGER_INPUT: Readonly<Record<LoggingTrigger, string>> = { ignore: 'IGN', single: 'SME', continuous: 'CME' };

export class KeysightN774xMeter implements MultiPortLogger {
  readonly kind = 'meter' as const;
  readonly driverName = KEYSIGHT_N774X;
  readonly session: ScpiSession;
  readonly model: string;
  readonly channels: readonly number[];
  readonly props: BoundProperties<ReturnType<typeof meterTable>>;
  private readonly addresses: ReadonlyMap<number, ChannelAddress>;

  /**
   * N774x ports read together with `:READ1:POW:ALL:CSV?` (W, all ports measured at once); other layouts
   * (816x modules) chain one read per channel into one message.
   */
  private readonly allPortsCsv: boolean;
  /** Averaging times this driver set or read, s: a reading's timeout covers them (a 10 s average is no hang). */
  private readonly atime_s = new Map<number, number>();

  constructor(session: ScpiSession, model: string, addresses: ReadonlyMap<number, ChannelAddress>) {
    this.session = session;
    this.model = model;
    this.allPortsCsv = N774X_MODEL.test(model) && [...addresses].every(([n, a]) => a.slot === n && a.chan === 1);
    this.addresses = addresses;
    this.channels = [...addresses.keys()];
    this.props = bindProperties(session, meterTable(meterWavelengthRange_nm(model)));
  }

  /** Identifies the meter and maps its channels (bench option `channels`, else the model's ports). */
  static async create(ctx: DriverContext): Promise<KeysightN774xMeter> {
    const options = parseN774xOptions(KEYSIGHT_N774X, ctx.options);
    const { model } = parseIdentity(await ctx.session.query('*IDN?'));
    return new KeysightN774xMeter(ctx.session, model, channelMap(KEYSIGHT_N774X, model, options));
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  setWavelength_nm(channel: number, wavelength_nm: number): Promise<void> {
    return this.props.wavelength_nm.set(wavelength_nm, this.address(channel));
  }

  wavelength_nm(channel: number): Promise<number> {
    return this.props.wavelength_nm.get(this.address(channel));
  }

  async setAveragingTime_s(channel: number, averagingTime_s: number): Promise<void> {
    await this.props.averagingTime_s.set(averagingTime_s, this.address(channel));
    this.atime_s.set(channel, averagingTime_s);
  }

  async averagingTime_s(channel: number): Promise<number> {
    const t = await this.props.averagingTime_s.get(this.address(channel));
    this.atime_s.set(channel, t);
    return t;
  }

  setAutoRange(channel: number, on: boolean): Promise<void> {
    return this.props.autoRange.set(on, this.address(channel));
  }

  autoRange(channel: number): Promise<boolean> {
    return this.props.autoRange.get(this.address(channel));
  }

  setRange_dBm(channel: number, range_dBm: number): Promise<void> {
    return this.props.range_dBm.set(range_dBm, this.address(channel));
  }

  range_dBm(channel: number): Promise<number> {
    return this.props.range_dBm.get(this.address(channel));
  }

  setUnit(channel: number, unit: PowerUnit): Promise<void> {
    return this.props.unit.set(unit, this.address(channel));
  }

  unit(channel: number): Promise<PowerUnit> {
    return this.props.unit.get(this.address(channel));
  }

  async readPower_dBm(channel: number): Promise<number> {
    return inDbm((await this.readings('READ', [channel]))[0] as Reading);
  }

  async readPower_W(channel: number): Promise<number> {
    return inW((await this.readings('READ', [channel]))[0] as Reading);
  }

  async fetchPower_dBm(channel: number): Promise<number> {
    return inDbm((await this.readings('FETC', [channel]))[0] as Reading);
  }

  async fetchPower_W(channel: number): Promise<number> {
    return inW((await this.readings('FETC', [channel]))[0] as Reading);
  }

  async readAll_dBm(): Promise<number[]> {
    if (!this.allPortsCsv) return (await this.readings('READ', this.channels)).map(inDbm);
    const command = ':READ1:POW:ALL:CSV?';
    const values = await this.session.queryNumbers(command, { timeout_ms: this.readTimeout_ms(this.channels, 'READ') });
    if (values.length < this.channels.length) {
      throw new ReplyFormatError(this.session.resource, command, values.join(','), `${this.channels.length} comma-separated powers (one per port)`);
    }
    return this.channels.map((ch) => readingToDbm(values[ch - 1] as number));
  }

  async startLogging(options: LoggingOptions): Promise<void> {
    const { channel, samples, averagingTime_s, trigger } = options;
    const a = this.address(channel);
    this.check('startLogging.samples', samples, integerIn(1, MAX_LOG_SAMPLES)(samples));
    this.check('startLogging.averagingTime_s', averagingTime_s, inRange(AVERAGING_TIME_RANGE_S, 's')(averagingTime_s));
    this.check('startLogging.trigger', trigger, oneOf<LoggingTrigger>(['ignore', 'single', 'continuous'])(trigger));
    // One program message and one error check: a fly scan starts a log per segment, and each exchange
    // costs bench time between the log and the move it records.
    // N774x meters log in the port's unit (LabExT PowerMeterN7744A); only 816x modules always log W.
    // The driver's results are W, so the unit is set to W first.
    const message = [
      `:SENS${a.slot}:CHAN${a.chan}:POW:UNIT 1`,
      `:TRIG${a.slot}:INP ${TRIGGER_INPUT[trigger]}`,
      `:SENS${a.slot}:CHAN${a.chan}:FUNC:PAR:LOGG ${samples},${PLAIN_NUMBER.format(averagingTime_s)}S`,
      `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT LOGG,STAR`,
    ].join(';');
    try {
      await writeChecked(this.session, message);
    } catch (err) {
      // A refused part need not stop the rest of the message: a log may have started with the old
      // parameters. It is stopped (best effort) before the refusal is reported.
      if (err instanceof InstrumentError) await this.stopLogging(channel).catch(() => undefined);
      throw err;
    }
  }

  /** Every listed port armed in one program message (trigger, parameters, start), then one error check. */
  async startLoggingAll(options: MultiPortLoggingOptions): Promise<void> {
    const { channels, samples, averagingTime_s, trigger } = options;
    if (!Array.isArray(channels) || channels.length === 0) this.check('startLoggingAll.channels', channels, 'at least one channel');
    if (new Set(channels).size !== channels.length) this.check('startLoggingAll.channels', channels, 'each channel once');
    const addrs = channels.map((ch) => this.address(ch));
    this.check('startLoggingAll.samples', samples, integerIn(1, MAX_LOG_SAMPLES)(samples));
    this.check('startLoggingAll.averagingTime_s', averagingTime_s, inRange(AVERAGING_TIME_RANGE_S, 's')(averagingTime_s));
    this.check('startLoggingAll.trigger', trigger, oneOf<LoggingTrigger>(['ignore', 'single'])(trigger));
    // In W on every port, as startLogging does (N774x ports log in their own unit).
    const message = [
      ...addrs.flatMap((a) => [
        `:SENS${a.slot}:CHAN${a.chan}:POW:UNIT 1`,
        `:TRIG${a.slot}:INP ${TRIGGER_INPUT[trigger]}`,
        `:SENS${a.slot}:CHAN${a.chan}:FUNC:PAR:LOGG ${samples},${PLAIN_NUMBER.format(averagingTime_s)}S`,
      ]),
      ...addrs.map((a) => `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT LOGG,STAR`),
    ].join(';');
    try {
      await writeChecked(this.session, message);
    } catch (err) {
      if (err instanceof InstrumentError) await this.stopLoggingAll(channels).catch(() => undefined);
      throw err;
    }
  }

  async waitLoggingAll(channels: readonly number[], timeout_s: number): Promise<void> {
    // The ports were started together with one sample time: the last one done is the last one listed
    // only by accident, so each is waited for (a finished port answers at once).
    for (const ch of channels) await this.waitLogging(ch, timeout_s);
  }

  async fetchLogs_W(channels: readonly number[]): Promise<number[][]> {
    const out: number[][] = [];
    for (const ch of channels) out.push(await this.fetchLog_W(ch));
    return out;
  }

  async stopLoggingAll(channels: readonly number[]): Promise<void> {
    for (const ch of channels) await this.stopLogging(ch);
  }

  async loggingState(channel: number): Promise<LoggingState> {
    const a = this.address(channel);
    const command = `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT?`;
    const reply = await this.session.query(command);
    // `<function>,<progress>`: NONE,COMPLETE (idle), LOGGING_STABILITY,PROGRESS, LOGGING_STABILITY,COMPLETE.
    const m = /^\s*"?([A-Z_]+)\s*,\s*([A-Z_]+)"?\s*$/i.exec(reply);
    if (!m) throw new ReplyFormatError(this.session.resource, command, reply, "'<function>,<COMPLETE|PROGRESS>', e.g. LOGGING_STABILITY,PROGRESS");
    const fn = (m[1] as string).toUpperCase();
    const progress = (m[2] as string).toUpperCase();
    if (fn === 'NONE') return 'idle';
    if (progress === 'COMPLETE') return 'complete';
    if (progress === 'PROGRESS') return 'running';
    throw new ReplyFormatError(this.session.resource, command, reply, 'progress COMPLETE or PROGRESS');
  }

  async waitLogging(channel: number, timeout_s: number): Promise<void> {
    this.address(channel);
    await pollUntilOrStop({
      resource: this.session.resource,
      what: `the log on channel ${channel}`,
      timeout_s,
      done: async () => {
        const state = await this.loggingState(channel);
        if (state === 'idle') {
          throw new InstrumentStateError(this.session.resource, `wait for the log on channel ${channel}`, 'no logging function is running (call startLogging first)');
        }
        return state === 'complete';
      },
      stop: () => this.stopLogging(channel),
    });
  }

  stopLogging(channel: number): Promise<void> {
    const a = this.address(channel);
    return writeTolerant(this.session, `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT LOGG,STOP`);
  }

  /** Over-range samples (NaN, or above 1e20 W, as the meter marks them) come back as +Infinity W. */
  async fetchLog_W(channel: number): Promise<number[]> {
    const a = this.address(channel);
    const values = await this.session.queryFloats(`:SENS${a.slot}:CHAN${a.chan}:FUNC:RES?`, { type: 'float32', byteOrder: 'little' });
    return values.map((v) => (isOverRange(v) ? Infinity : v));
  }

  /** Stops the logging function on every channel (a meter has nothing hazardous to switch off). */
  safe(): Promise<void> {
    return runSafeSteps(this.session.resource, this.channels.map((ch) => [`stop logging on channel ${ch}`, () => this.stopLogging(ch)] as const));
  }

  close(): Promise<void> {
    return this.session.close();
  }

  /** New (READ) or last (FETC) readings with the unit each channel reports in; one round trip. */
  private async readings(verb: 'READ' | 'FETC', channels: readonly number[]): Promise<Reading[]> {
    const addrs = channels.map((ch) => this.address(ch));
    const queries = addrs.flatMap((a) => [`:SENS${a.slot}:CHAN${a.chan}:POW:UNIT?`, `:${verb}${a.slot}:CHAN${a.chan}:POW?`]);
    const replies = await queryChained(this.session, queries, { timeout_ms: this.readTimeout_ms(channels, verb) });
    const command = queries.join(';');
    return addrs.map((_, i) => ({
      unit: parseReply(this.session.resource, command, replies[2 * i] as string, POWER_UNIT),
      value: parseReply(this.session.resource, command, replies[2 * i + 1] as string, PLAIN_NUMBER),
    }));
  }

  /** A READ measures each channel in turn for its averaging time; the timeout covers them all. */
  private readTimeout_ms(channels: readonly number[], verb: 'READ' | 'FETC'): number {
    const base = this.session.options.timeout_ms;
    if (verb === 'FETC') return base;
    const work_s = channels.reduce((sum, ch) => sum + (this.atime_s.get(ch) ?? 0), 0);
    return Math.max(base, work_s * 1000 + base);
  }

  private address(channel: number): ChannelAddress {
    const a = this.addresses.get(channel);
    if (!a) throw new InvalidSettingError(this.session.resource, 'channel', channel, `one of ${this.channels.join(', ')}`);
    return a;
  }

  private check(setting: string, value: unknown, problem: string | null): void {
    if (problem !== null) throw new InvalidSettingError(this.session.resource, setting, value, problem);
  }
}

interface Reading {
  unit: PowerUnit;
  value: number;
}

/**
 * Over range the meter answers NaN (9.91E37) or a value above 1e20 and queues -231; the driver reports
 * +Infinity (in W and dBm) so a caller cannot take it for a reading.
 */
function isOverRange(v: number): boolean {
  return Number.isNaN(v) || v > 1e20;
}

/** Converted only when the unit differs, so a dBm reading comes back exactly as the meter sent it. */
function inDbm(r: Reading): number {
  if (isOverRange(r.value)) return Infinity;
  return r.unit === 'dBm' ? r.value : readingToDbm(r.value);
}

function inW(r: Reading): number {
  if (isOverRange(r.value)) return Infinity;
  return r.unit === 'W' ? r.value : readingToW(r.value);
}

export const keysightN774xDescriptor: DriverDescriptor<KeysightN774xMeter> = {
  name: KEYSIGHT_N774X,
  kind: 'meter',
  description: 'Keysight N774x multiport optical power meter (and 816x sensor modules via options.channels)',
  sessionDefaults: { readTermination: '\n', writeTermination: '\n', timeout_ms: 5000 },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return isKeysightFamily(manufacturer) && N774X_MODEL.test(model);
  },
  checkOptions(options) {
    channelMap(KEYSIGHT_N774X, '', parseN774xOptions(KEYSIGHT_N774X, options));
  },
  create: (ctx) => KeysightN774xMeter.create(ctx),
};
