// Keysight N774x multiport power meters (and 816x mainframe sensor modules): settings from the declared
// table, readings converted from whatever unit the meter is in, and the logging function.
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { queryChained, sendChained } from '../properties/chain.ts';
import { PLAIN_NUMBER } from '../properties/codecs.ts';
import { InstrumentStateError, InvalidSettingError } from '../properties/errors.ts';
import { isKeysightFamily, parseIdentity } from '../properties/identity.ts';
import { bindProperties, parseReply } from '../properties/property.ts';
import type { BoundProperties } from '../properties/property.ts';
import { runSafeSteps, writeTolerant } from '../properties/safe-state.ts';
import { writeChecked } from '../properties/send.ts';
import { transferTimeout_ms } from '../properties/transfer-time.ts';
import { inRange, integerIn, oneOf } from '../properties/validators.ts';
import { pollUntilOrStop } from '../properties/wait.ts';
import type { MultiPortLogger, MultiPortLoggingOptions } from '../roles/multiport-logging.ts';
import type { LoggingOptions, LoggingState, LoggingTrigger, PowerUnit, StopLoggingOptions } from '../roles/power-meter.ts';
import { readingToDbm } from '../roles/units.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { InstrumentError, ReplyFormatError } from '../errors.ts';
import { N774X_MODEL, channelMap, parseN774xOptions } from './keysight-n774x-model.ts';
import type { ChannelAddress } from './keysight-n774x-model.ts';
import { SENSOR_MODULE, isMainframe, requireModules } from './keysight-816x-mainframe.ts';
import { absoluteCommand, emitNotice, referenceStateQuery, relativeChannels, relativeNotice } from './keysight-n774x-reference.ts';
import { inDbm, inW, isOverRange } from './keysight-n774x-readings.ts';
import type { Reading } from './keysight-n774x-readings.ts';
import { MAX_LOG_SAMPLES, TRIGGER_INPUT, fetchLogBlocks, logAssembly_s, parseLoggingState } from './keysight-n774x-logging.ts';
import { AVERAGING_TIME_RANGE_S, POWER_UNIT, meterTable, meterWavelengthRange_nm } from './keysight-n774x-table.ts';

export const KEYSIGHT_N774X = 'keysight-n774x';

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
  /** What the driver changed on the meter to make its readings absolute (also sent to the bench's notice). */
  readonly notices: string[] = [];
  private readonly notify: (message: string) => void;
  /** Samples of the log last started per channel: its transfer's timeout grows with it. */
  private readonly logSamples = new Map<number, number>();
  /**
   * Channels whose finished log was left holding the function (stopLogging with `deferred`): the stop is
   * sent at the head of the next message for the channel, or on its own before anything else.
   */
  private readonly owedStops = new Set<number>();

  constructor(session: ScpiSession, model: string, addresses: ReadonlyMap<number, ChannelAddress>, notice: (message: string) => void = emitNotice) {
    this.session = session;
    this.notify = notice;
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
    const addresses = channelMap(KEYSIGHT_N774X, model, options);
    if (isMainframe(model)) {
      // `*IDN?` names the mainframe: each slot the channels name must hold a power sensor module.
      await requireModules(ctx.session, model, [...addresses.values()].map((a) => a.slot), {
        driver: KEYSIGHT_N774X, option: 'channels', pattern: SENSOR_MODULE, expected: 'a power sensor module (8161x, 8162x, 8163x)',
      });
    }
    const meter = new KeysightN774xMeter(ctx.session, model, addresses, ctx.notice);
    await meter.useAbsoluteReadings();
    return meter;
  }

  /**
   * Switches every port in relative (dB) mode to absolute and says so (keysight-n774x-reference.ts); at
   * open, so readings are dBm/W from the start.
   */
  async useAbsoluteReadings(): Promise<void> {
    const relative = await relativeChannels(this.session, this.ported(this.channels));
    if (relative.length === 0) return;
    await writeChecked(this.session, relative.map((ch) => absoluteCommand(this.address(ch))).join(';'));
    this.tell(relativeNotice(this.session.resource, relative, 'at open'));
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  // Each setting first sends a log stop still owed on its channel (stopLogging `deferred`).
  async setWavelength_nm(channel: number, wavelength_nm: number): Promise<void> {
    await this.payOwedStops([channel]);
    return this.props.wavelength_nm.set(wavelength_nm, this.address(channel));
  }

  async wavelength_nm(channel: number): Promise<number> {
    await this.payOwedStops([channel]);
    return this.props.wavelength_nm.get(this.address(channel));
  }

  async setAveragingTime_s(channel: number, averagingTime_s: number): Promise<void> {
    await this.payOwedStops([channel]);
    await this.props.averagingTime_s.set(averagingTime_s, this.address(channel));
    this.atime_s.set(channel, averagingTime_s);
  }

  async averagingTime_s(channel: number): Promise<number> {
    await this.payOwedStops([channel]);
    const t = await this.props.averagingTime_s.get(this.address(channel));
    this.atime_s.set(channel, t);
    return t;
  }

  async setAutoRange(channel: number, on: boolean): Promise<void> {
    await this.payOwedStops([channel]);
    return this.props.autoRange.set(on, this.address(channel));
  }

  async autoRange(channel: number): Promise<boolean> {
    await this.payOwedStops([channel]);
    return this.props.autoRange.get(this.address(channel));
  }

  async setRange_dBm(channel: number, range_dBm: number): Promise<void> {
    await this.payOwedStops([channel]);
    return this.props.range_dBm.set(range_dBm, this.address(channel));
  }

  async range_dBm(channel: number): Promise<number> {
    await this.payOwedStops([channel]);
    return this.props.range_dBm.get(this.address(channel));
  }

  async setUnit(channel: number, unit: PowerUnit): Promise<void> {
    await this.payOwedStops([channel]);
    return this.props.unit.set(unit, this.address(channel));
  }

  async unit(channel: number): Promise<PowerUnit> {
    await this.payOwedStops([channel]);
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

  /**
   * Sets the averaging time and takes a new reading in one program message (with a deferred log stop
   * at its head and the error query at its end): one round trip where setting and reading take three.
   */
  async readPowerAveraged_dBm(channel: number, averagingTime_s: number): Promise<number> {
    const a = this.address(channel);
    this.check('readPowerAveraged_dBm.averagingTime_s', averagingTime_s, inRange(AVERAGING_TIME_RANGE_S, 's')(averagingTime_s));
    const units = [
      ...this.owedStopUnits([channel]),
      `:SENS${a.slot}:CHAN${a.chan}:POW:ATIME ${PLAIN_NUMBER.format(averagingTime_s)}S`,
      `:SENS${a.slot}:CHAN${a.chan}:POW:UNIT?`,
      `:READ${a.slot}:CHAN${a.chan}:POW?`,
    ];
    this.atime_s.set(channel, averagingTime_s);
    const replies = await sendChained(this.session, units, { timeout_ms: this.readTimeout_ms([channel], 'READ') });
    const command = units.join(';');
    return inDbm({
      unit: parseReply(this.session.resource, command, replies[0] as string, POWER_UNIT),
      value: parseReply(this.session.resource, command, replies[1] as string, PLAIN_NUMBER),
    });
  }

  async readAll_dBm(): Promise<number[]> {
    await this.payOwedStops();
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
    // One program message, its error query chained last: a fly scan starts a log per segment, and each
    // exchange costs bench time between the log and the move it records. It stops a finished log still
    // holding the function (deferred stop), reads the port's reference state before switching it to
    // absolute (relative mode would log dB: the reply says whether it was, for the notice), and starts.
    // N774x meters log in the port's unit (LabExT PowerMeterN7744A); only 816x modules always log W.
    // The driver's results are W, so the unit is set to W first.
    const units = [
      ...this.owedStopUnits([channel]),
      referenceStateQuery(a),
      absoluteCommand(a),
      `:SENS${a.slot}:CHAN${a.chan}:POW:UNIT 1`,
      `:TRIG${a.slot}:INP ${TRIGGER_INPUT[trigger]}`,
      `:SENS${a.slot}:CHAN${a.chan}:FUNC:PAR:LOGG ${samples},${PLAIN_NUMBER.format(averagingTime_s)}S`,
      `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT LOGG,STAR`,
    ];
    this.logSamples.set(channel, samples);
    let replies: string[];
    try {
      replies = await sendChained(this.session, units);
    } catch (err) {
      // A refused part need not stop the rest of the message: a log may have started with the old
      // parameters. It is stopped (best effort) before the refusal is reported.
      if (err instanceof InstrumentError) await this.stopLogging(channel).catch(() => undefined);
      throw err;
    }
    const was = (replies[0] ?? '').trim().replace(/^\+/, '');
    if (was !== '0' && was !== '1') {
      await this.stopLogging(channel).catch(() => undefined);
      throw new ReplyFormatError(this.session.resource, referenceStateQuery(a), replies[0] ?? '', "'0' (absolute) or '1' (relative)");
    }
    if (was === '1') this.tell(relativeNotice(this.session.resource, [channel], 'before logging'));
  }

  /** Every listed port armed in one program message (trigger, parameters, start), then one error check. */
  async startLoggingAll(options: MultiPortLoggingOptions): Promise<void> {
    const { channels, samples, averagingTime_s, trigger } = options;
    if (!Array.isArray(channels) || channels.length === 0) this.check('startLoggingAll.channels', channels, 'at least one channel');
    if (new Set(channels).size !== channels.length) this.check('startLoggingAll.channels', channels, 'each channel once');
    const addrs = channels.map((ch) => this.address(ch));
    this.check('startLoggingAll.samples', samples, integerIn(1, MAX_LOG_SAMPLES)(samples));
    this.check('startLoggingAll.averagingTime_s', averagingTime_s, inRange(AVERAGING_TIME_RANGE_S, 's')(averagingTime_s));
    this.check('startLoggingAll.trigger', trigger, oneOf<LoggingTrigger>(['ignore', 'single', 'continuous'])(trigger));
    await this.payOwedStops(channels);
    // Every logged port in W, not only the first: each logs in its own unit (as startLogging).
    const message = [
      ...(await this.absoluteBeforeLogging(channels)),
      ...addrs.flatMap((a) => [
        `:SENS${a.slot}:CHAN${a.chan}:POW:UNIT 1`,
        `:TRIG${a.slot}:INP ${TRIGGER_INPUT[trigger]}`,
        `:SENS${a.slot}:CHAN${a.chan}:FUNC:PAR:LOGG ${samples},${PLAIN_NUMBER.format(averagingTime_s)}S`,
      ]),
      ...addrs.map((a) => `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT LOGG,STAR`),
    ].join(';');
    for (const ch of channels) this.logSamples.set(ch, samples);
    try {
      await writeChecked(this.session, message);
    } catch (err) {
      if (err instanceof InstrumentError) await this.stopLoggingAll(channels).catch(() => undefined);
      throw err;
    }
  }

  async waitLoggingAll(channels: readonly number[], timeout_s: number): Promise<void> {
    // Every port asked in one compound query a poll: one exchange, whichever port finishes last.
    if (channels.length === 0) return;
    const done = async (): Promise<boolean> => {
      const states = await this.loggingStates(channels);
      const idle = channels.filter((_, i) => states[i] === 'idle');
      if (idle.length > 0) throw new InstrumentStateError(this.session.resource, `wait for the log on channel ${idle.join(', ')}`, 'no logging function is running (call startLogging first)');
      return states.every((st) => st === 'complete');
    };
    await pollUntilOrStop({ resource: this.session.resource, what: `the logs on channels ${channels.join(', ')}`, timeout_s, done, stop: () => this.stopLoggingAll(channels) });
  }

  /** The logging state of each of `channels`, asked in one program message (IEEE 488.2 compound query). */
  private async loggingStates(channels: readonly number[]): Promise<LoggingState[]> {
    await this.payOwedStops(channels);
    const units = channels.map((ch) => {
      const a = this.address(ch);
      return `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT?`;
    });
    const replies = await queryChained(this.session, units);
    return replies.map((r, i) => parseLoggingState(this.session.resource, units[i] as string, r));
  }

  /** Every port's block in one compound query (keysight-n774x-logging.ts). */
  async fetchLogs_W(channels: readonly number[]): Promise<number[][]> {
    if (channels.length <= 1) return Promise.all(channels.map((ch) => this.fetchLog_W(ch)));
    const samples = channels.reduce((n, ch) => n + (this.logSamples.get(ch) ?? MAX_LOG_SAMPLES), 0);
    return fetchLogBlocks(this.session, channels.map((ch) => this.address(ch)), samples);
  }

  async stopLoggingAll(channels: readonly number[]): Promise<void> {
    for (const ch of channels) await this.stopLogging(ch);
  }

  async loggingState(channel: number): Promise<LoggingState> {
    const a = this.address(channel);
    await this.payOwedStops([channel]);
    const command = `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT?`;
    return parseLoggingState(this.session.resource, command, await this.session.query(command));
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

  /**
   * Stops the logging function. `deferred`: the log is complete and fetched, so nothing is lost by
   * leaving it in place until the channel is next used; the stop then goes at the head of that message
   * (a next log or a reading), saving an exchange per fly segment, or on its own before any other command.
   */
  async stopLogging(channel: number, opts: StopLoggingOptions = {}): Promise<void> {
    const a = this.address(channel);
    if (opts.deferred) {
      this.owedStops.add(channel);
      return;
    }
    this.owedStops.delete(channel);
    return writeTolerant(this.session, `:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT LOGG,STOP`);
  }

  /** The owed stops of `channels` as message units to lead the next message with (and no longer owed). */
  private owedStopUnits(channels: readonly number[]): string[] {
    const out: string[] = [];
    for (const ch of channels) {
      if (!this.owedStops.delete(ch)) continue;
      const a = this.address(ch);
      out.push(`:SENS${a.slot}:CHAN${a.chan}:FUNC:STAT LOGG,STOP`);
    }
    return out;
  }

  /** Sends the stops still owed (before a command that cannot carry them). */
  private async payOwedStops(channels: readonly number[] = [...this.owedStops]): Promise<void> {
    for (const ch of channels) if (this.owedStops.has(ch)) await this.stopLogging(ch);
  }

  /** Over-range samples (NaN, or above 1e20 W, as the meter marks them) come back as +Infinity W. */
  async fetchLog_W(channel: number): Promise<number[]> {
    const a = this.address(channel);
    // 4 bytes a sample over the link, and the meter's time to assemble them; a log this driver did not
    // start may hold the most the meter logs.
    const samples = this.logSamples.get(channel) ?? MAX_LOG_SAMPLES;
    const timeout_ms = transferTimeout_ms(this.session, 4 * samples, logAssembly_s(samples));
    const values = await this.session.queryFloats(`:SENS${a.slot}:CHAN${a.chan}:FUNC:RES?`, { type: 'float32', byteOrder: 'little', timeout_ms });
    return values.map((v) => (isOverRange(v) ? Infinity : v));
  }

  /** Stops the logging function on every channel (a meter has nothing hazardous to switch off). */
  safe(): Promise<void> {
    this.owedStops.clear();
    return runSafeSteps(this.session.resource, this.channels.map((ch) => [`stop logging on channel ${ch}`, () => this.stopLogging(ch)] as const));
  }

  async close(): Promise<void> {
    // A finished log left holding the function would refuse the next program's readings.
    await this.payOwedStops().catch(() => undefined);
    return this.session.close();
  }

  /** New (READ) or last (FETC) readings with the unit each channel reports in; one round trip. */
  private async readings(verb: 'READ' | 'FETC', channels: readonly number[]): Promise<Reading[]> {
    const addrs = channels.map((ch) => this.address(ch));
    const queries = addrs.flatMap((a) => [`:SENS${a.slot}:CHAN${a.chan}:POW:UNIT?`, `:${verb}${a.slot}:CHAN${a.chan}:POW?`]);
    // A deferred log stop leads the message (a finished log refuses readings), confirmed by the error query.
    const stops = this.owedStopUnits(channels);
    const opts = { timeout_ms: this.readTimeout_ms(channels, verb) };
    const replies = stops.length > 0 ? await sendChained(this.session, [...stops, ...queries], opts) : await queryChained(this.session, queries, opts);
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

  /** The switch to absolute for logged ports found in relative mode (put at the head of the logging message). */
  private async absoluteBeforeLogging(channels: readonly number[]): Promise<string[]> {
    const relative = await relativeChannels(this.session, this.ported(channels));
    if (relative.length === 0) return [];
    this.tell(relativeNotice(this.session.resource, relative, 'before logging'));
    return relative.map((ch) => absoluteCommand(this.address(ch)));
  }

  private ported(channels: readonly number[]): Array<[number, ChannelAddress]> {
    return channels.map((ch) => [ch, this.address(ch)]);
  }

  private tell(message: string): void {
    this.notices.push(message);
    this.notify(message);
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
