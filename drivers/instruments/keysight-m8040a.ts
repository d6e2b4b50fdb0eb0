// Keysight M8040A (and M8020A) BERT as a Bert, driven through the M8070 system software: every command
// names what it addresses with a quoted identifier ('M1.DataOut1', 'M2.DataIn', 'M1.ClkGen',
// 'M1.System'), patterns go to the named sequences ('Generator', 'Analyzer'), and the error count comes
// from an Error Ratio measurement the driver creates (`:PLUGin:ERATio`, one named measurement, fixed time).
// Commands and their sources: drivers/README.md, section `keysight-m8040a`.
//
// The measurement runs for a fixed time (FTIM) only: no source this driver follows sets a bit-count end,
// so a 'bits' gate is refused and bitGates is 'decades' (the ber step then reads one running gate).
import { z } from 'zod';
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { ReplyFormatError } from '../errors.ts';
import { queryChained } from '../properties/chain.ts';
import { InvalidSettingError } from '../properties/errors.ts';
import { isKeysightFamily, parseIdentity } from '../properties/identity.ts';
import { parseDriverOptions, rangeOption } from '../properties/options.ts';
import { runSafeSteps, writeTolerant } from '../properties/safe-state.ts';
import { writeChecked } from '../properties/send.ts';
import type { Range } from '../properties/validators.ts';
import { pollUntilOrStop } from '../properties/wait.ts';
import { BERT_PATTERNS } from '../roles/bert.ts';
import type { Bert, BertGate, BertPattern, BertResults } from '../roles/bert.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { parseCatalog, parseErrorRatio, parseFlag, prbsLength, quoted } from './keysight-m8040a-codecs.ts';

export const KEYSIGHT_M8040A = 'keysight-m8040a';

const identifier = z.string().regex(/^M\d+\.[A-Za-z]+\d*$/, "must be an M8070 identifier such as 'M1.DataOut1' or 'M2.DataIn'");
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_ -]{0,63}$/, 'must be a name of letters, digits, _ or - (at most 64)');

const optionsSchema = z.object({
  /** The pattern generator's data output, the error detector's data input, the clock and the system. */
  generator: identifier.default('M1.DataOut1'),
  analyzer: identifier.default('M2.DataIn'),
  clock: identifier.default('M1.ClkGen'),
  system: identifier.default('M1.System'),
  /** The M8070 sequences bound to generator and analyzer (M8070's defaults). */
  generatorSequence: name.default('Generator'),
  analyzerSequence: name.default('Analyzer'),
  /** The Error Ratio measurement this driver creates (or reuses) for its gates. */
  measurement: name.default('benchctl'),
  lineRateRange_Gbps: rangeOption(z.number().positive()).optional(),
}).strict();
type Options = z.output<typeof optionsSchema>;

/** The M8040A's NRZ data rates, Gb/s (2 … 64 GBd); the bench file may narrow them. */
const DEFAULT_RANGE_GBPS: Range = { min: 2, max: 64 };

export class KeysightM8040a implements Bert {
  readonly kind = 'bert' as const;
  readonly driverName = KEYSIGHT_M8040A;
  readonly bitGates = 'decades' as const;
  readonly session: ScpiSession;
  readonly model: string;
  readonly lineRateRange_Gbps: Range;
  private readonly o: Options;
  /** The measurement's quoted name, the first argument of every `:PLUG:ERAT` command. */
  private readonly m: string;

  constructor(session: ScpiSession, model: string, options: Options) {
    this.session = session;
    this.model = model;
    this.o = options;
    this.m = quoted(options.measurement);
    const r = options.lineRateRange_Gbps;
    this.lineRateRange_Gbps = r ? { min: r[0], max: r[1] } : DEFAULT_RANGE_GBPS;
  }

  /** Identifies the instrument, then creates the Error Ratio measurement on the analyzer unless it exists. */
  static async create(ctx: DriverContext): Promise<KeysightM8040a> {
    const options = parseDriverOptions(KEYSIGHT_M8040A, optionsSchema, ctx.options);
    const { model } = parseIdentity(await ctx.session.query('*IDN?'));
    const bert = new KeysightM8040a(ctx.session, model, options);
    await bert.prepareMeasurement();
    return bert;
  }

  private async prepareMeasurement(): Promise<void> {
    const command = ':PLUG:ERAT:CAT?';
    const existing = parseCatalog(await this.session.query(command));
    const setup = [
      ...(existing.includes(this.o.measurement) ? [] : [`:PLUG:ERAT:NEW ${this.m}`]),
      `:PLUG:ERAT:ACQ:ALOC ${this.m},${quoted(this.o.analyzer)}`,
    ];
    await writeChecked(this.session, setup.join(';'));
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  private refuse(setting: string, value: unknown, expected: string): never {
    throw new InvalidSettingError(this.session.resource, setting, value, expected);
  }

  /** Generator and analyzer alike (a loopback compares what it sends), each its own checked message. */
  async setPattern(pattern: BertPattern): Promise<void> {
    if (!BERT_PATTERNS.includes(pattern)) this.refuse('pattern', pattern, `one of ${BERT_PATTERNS.join(', ')}`);
    const polynomial = quoted(`2^${pattern.slice(4)}-1`);
    await writeChecked(this.session, `:DATA:SEQ:SET ${quoted(this.o.generatorSequence)},PRBS,${polynomial}`);
    await writeChecked(this.session, `:DATA:SEQ:SET ${quoted(this.o.analyzerSequence)},PRBS,${polynomial}`);
  }

  async pattern(): Promise<BertPattern> {
    const command = `:DATA:SEQ:SET? ${quoted(this.o.generatorSequence)}`;
    const reply = await this.session.query(command);
    const p = `PRBS${prbsLength(reply) ?? ''}` as BertPattern;
    if (!BERT_PATTERNS.includes(p)) throw new ReplyFormatError(this.session.resource, command, reply, `PRBS,"2^n-1" with n one of ${BERT_PATTERNS.map((x) => x.slice(4)).join(', ')}`);
    return p;
  }

  /** NRZ: the clock generator runs at the bit rate (Hz on the wire). */
  async setLineRate_Gbps(rate_Gbps: number): Promise<void> {
    const { min, max } = this.lineRateRange_Gbps;
    if (!(typeof rate_Gbps === 'number' && rate_Gbps >= min && rate_Gbps <= max)) this.refuse('lineRate_Gbps', rate_Gbps, `${min}…${max} Gb/s`);
    await writeChecked(this.session, `:SOUR:FREQ ${quoted(this.o.clock)},${Number((rate_Gbps * 1e9).toFixed(3))}`);
  }

  async lineRate_Gbps(): Promise<number> {
    const command = `:SOUR:FREQ? ${quoted(this.o.clock)}`;
    const reply = await this.session.query(command);
    const hz = Number(reply.trim());
    if (!(Number.isFinite(hz) && hz > 0)) throw new ReplyFormatError(this.session.resource, command, reply, 'a clock frequency in Hz (e.g. 2.578125E+10)');
    return hz / 1e9;
  }

  /** The data output and the global output switch together (both must be on for a signal). */
  async setOutput(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') this.refuse('output', on, 'true or false');
    const v = on ? 1 : 0;
    await writeChecked(this.session, `:OUTP:STAT ${quoted(this.o.generator)},${v};:OUTP:GLOB ${quoted(this.o.system)},${v}`);
  }

  async output(): Promise<boolean> {
    const command = `:OUTP:STAT? ${quoted(this.o.generator)}`;
    return parseFlag(this.session.resource, command, await this.session.query(command));
  }

  async setGate(gate: BertGate): Promise<void> {
    const mode = gate?.mode;
    if (mode === 'bits') this.refuse('gate.mode', mode, "'time': the M8070 Error Ratio measurement is driven for a fixed time (FTIM); no bit-count end is in the sources this driver follows");
    if (mode !== 'time') this.refuse('gate.mode', mode, "'time' (with period_s)");
    const { period_s } = gate;
    if (!(typeof period_s === 'number' && period_s >= 0.001 && period_s <= 8.64e6)) this.refuse('gate.period_s', period_s, '0.001 s … 100 days');
    await writeChecked(this.session, `:PLUG:ERAT:ACQ:DUR ${this.m},FTIM;:PLUG:ERAT:ACQ:TIME ${this.m},${Number(period_s.toFixed(3))}`);
  }

  async gate(): Promise<BertGate> {
    const queries = [`:PLUG:ERAT:ACQ:DUR? ${this.m}`, `:PLUG:ERAT:ACQ:TIME? ${this.m}`];
    const [duration = '', time = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    if (!/^"?FTIM(E)?"?$/i.test(duration.trim())) throw new ReplyFormatError(this.session.resource, command, duration, 'FTIM (a fixed-time measurement; IND runs until stopped)');
    const period_s = Number(time.trim());
    if (!(Number.isFinite(period_s) && period_s > 0)) throw new ReplyFormatError(this.session.resource, command, time, 'an accumulation time in s');
    return { mode: 'time', period_s };
  }

  /** Clears the last results and starts the measurement. */
  startGate(): Promise<void> {
    return writeChecked(this.session, `:PLUG:ERAT:RES ${this.m};:PLUG:ERAT:STAR ${this.m}`);
  }

  stopGate(): Promise<void> {
    return writeChecked(this.session, `:PLUG:ERAT:STOP ${this.m}`);
  }

  async gateRunning(): Promise<boolean> {
    const command = `:PLUG:ERAT:RUN? ${this.m}`;
    return parseFlag(this.session.resource, command, await this.session.query(command));
  }

  waitGate(timeout_s: number): Promise<void> {
    return pollUntilOrStop({
      resource: this.session.resource, what: 'the error ratio measurement', timeout_s,
      done: async () => !(await this.gateRunning()),
      stop: () => writeTolerant(this.session, `:PLUG:ERAT:STOP ${this.m}`),
    });
  }

  /**
   * Counts of the current or last measurement and sync now, in one round trip. The sources give no
   * count of sync-loss seconds over a gate, so syncLost is the loss seen now (no syncLoss_s).
   */
  async results(): Promise<BertResults> {
    const queries = [`:PLUG:ERAT:FETC? ${this.m}`, `:STAT:INST:SLOS? ${quoted(this.o.analyzer)}`];
    const [fetched = '', slos = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    const { bits, errors } = parseErrorRatio(this.session.resource, command, fetched);
    const lost = parseFlag(this.session.resource, command, slos);
    return { bits, errors, ber: bits > 0 ? errors / bits : Number.NaN, sync: !lost, syncLost: lost };
  }

  async synced(): Promise<boolean> {
    const command = `:STAT:INST:SLOS? ${quoted(this.o.analyzer)}`;
    return !parseFlag(this.session.resource, command, await this.session.query(command));
  }

  insertError(): Promise<void> {
    return writeChecked(this.session, `:OUTP:EINS:ONCE ${quoted(this.o.generator)}`);
  }

  /** Stops the measurement, switches the data output and the global outputs off, then checks the measurement. */
  safe(): Promise<void> {
    return runSafeSteps(this.session.resource, [
      ['stop the measurement', () => writeTolerant(this.session, `:PLUG:ERAT:STOP ${this.m}`)],
      ['switch the outputs off', () => writeTolerant(this.session, `:OUTP:STAT ${quoted(this.o.generator)},0;:OUTP:GLOB ${quoted(this.o.system)},0`)],
      ['confirm the measurement is stopped', async () => {
        if (await this.gateRunning()) throw new Error('the error ratio measurement still reports running');
      }],
    ]);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

export const keysightM8040aDescriptor: DriverDescriptor<KeysightM8040a> = {
  name: KEYSIGHT_M8040A,
  kind: 'bert',
  description: 'Keysight M8040A BERT through M8070 (quoted identifiers, Error Ratio measurement)',
  sessionDefaults: { readTermination: '\n', writeTermination: '\n', timeout_ms: 10000 },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return isKeysightFamily(manufacturer) && /^(M8040A|M8070[AB])$/i.test(model);
  },
  checkOptions(options) {
    parseDriverOptions(KEYSIGHT_M8040A, optionsSchema, options);
  },
  create: (ctx) => KeysightM8040a.create(ctx),
};
