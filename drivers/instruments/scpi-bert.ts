// This project's own BERT dialect: INSTRUMENTS.md's placeholder tree, which no vendor speaks. Only the
// simulator serves it (`new VirtualBench({ bertDialect: 'scpi-bert' })`), under its own identity; real
// BERTs have their own drivers (anritsu-mp1900a). One pattern generator and one error detector.
// setPattern() sets both, since a loopback test compares the pattern it sends. A sync loss is never
// hidden: results() reports the detector's sync now and the gate's pattern-sync-loss seconds (`PSL?`, the
// MP1900A's PSLoss alarm-interval count), as results: an MP1900A queues no error for a loss of sync.
// PAM4 and the KP4 FEC analysis (`:SOUR1:COD`, `:FETC:SENS1:FEC:…?`) are this tree's own extension too.
import { z } from 'zod';
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { ReplyFormatError } from '../errors.ts';
import { queryChained } from '../properties/chain.ts';
import { BOOLEAN, INTEGER, PLAIN_NUMBER } from '../properties/codecs.ts';
import { DriverOptionError, InvalidSettingError } from '../properties/errors.ts';
import { parseIdentity } from '../properties/identity.ts';
import { parseDriverOptions, rangeOption } from '../properties/options.ts';
import { bindProperties, parseReply } from '../properties/property.ts';
import type { BoundProperties } from '../properties/property.ts';
import { runSafeSteps, writeTolerant } from '../properties/safe-state.ts';
import { writeChecked } from '../properties/send.ts';
import type { Range } from '../properties/validators.ts';
import { pollUntilOrStop } from '../properties/wait.ts';
import { BERT_PATTERNS } from '../roles/bert.ts';
import { BERT_LINE_CODINGS } from '../roles/bert.ts';
import type { Bert, BertFecResults, BertGate, BertLineCoding, BertPattern, BertResults } from '../roles/bert.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { BIT_COUNT, FEC_HISTOGRAM, GATE_MODE, SYNC_LOSS_SECONDS, bertTable } from './scpi-bert-table.ts';
import { SCPI_GATED_DIALECT } from '../session/dialect.ts';

export const SCPI_BERT = 'scpi-bert';

/** The identities that speak this dialect (the simulator's own), with their line-rate ranges in Gb/s. */
const MODELS: ReadonlyArray<[RegExp, RegExp, Range]> = [
  [/^BENCHSIM$/i, /^SIM-BERT$/i, { min: 1, max: 116 }],
];

const optionsSchema = z.object({
  /** Generator/analyzer pair, 1 on a single-channel BERT. */
  channel: z.number().int().min(1).max(8).default(1),
  lineRateRange_Gbps: rangeOption(z.number().positive()).optional(),
}).strict();

export class ScpiBert implements Bert {
  readonly kind = 'bert' as const;
  readonly driverName = SCPI_BERT;
  readonly bitGates = 'any' as const;
  readonly lineCodings = BERT_LINE_CODINGS;
  readonly session: ScpiSession;
  readonly model: string;
  readonly lineRateRange_Gbps: Range;
  readonly props: BoundProperties<ReturnType<typeof bertTable>>;
  readonly at: { ch: number };

  constructor(session: ScpiSession, model: string, channel: number, lineRateRange_Gbps: Range) {
    this.session = session;
    this.model = model;
    this.at = { ch: channel };
    this.lineRateRange_Gbps = lineRateRange_Gbps;
    this.props = bindProperties(session, bertTable(() => this.lineRateRange_Gbps));
  }

  static async create(ctx: DriverContext): Promise<ScpiBert> {
    const options = parseDriverOptions(SCPI_BERT, optionsSchema, ctx.options);
    const { manufacturer, model } = parseIdentity(await ctx.session.query('*IDN?'));
    const known = MODELS.find(([m, re]) => m.test(manufacturer) && re.test(model))?.[2];
    const range = options.lineRateRange_Gbps ? { min: options.lineRateRange_Gbps[0], max: options.lineRateRange_Gbps[1] } : known;
    if (!range) {
      throw new DriverOptionError(SCPI_BERT, 'lineRateRange_Gbps',
        `is needed ([min, max] in Gb/s): the driver does not know the line rates of '${manufacturer},${model}' at ${ctx.session.resource}`);
    }
    return new ScpiBert(ctx.session, model, options.channel, range);
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  /** Generator and detector alike. */
  async setPattern(pattern: BertPattern): Promise<void> {
    if (!BERT_PATTERNS.includes(pattern)) throw new InvalidSettingError(this.session.resource, 'pattern', pattern, `one of ${BERT_PATTERNS.join(', ')}`);
    const detector = this.props.detectorPattern.command(pattern, this.at);
    await this.props.generatorPattern.set(pattern, this.at);
    await writeChecked(this.session, detector);
  }

  pattern(): Promise<BertPattern> {
    return this.props.generatorPattern.get(this.at);
  }

  setLineRate_Gbps(rate_Gbps: number): Promise<void> {
    return this.props.lineRate_Gbps.set(rate_Gbps, this.at);
  }

  lineRate_Gbps(): Promise<number> {
    return this.props.lineRate_Gbps.get(this.at);
  }

  setOutput(on: boolean): Promise<void> {
    return this.props.output.set(on, this.at);
  }

  output(): Promise<boolean> {
    return this.props.output.get(this.at);
  }

  async setGate(gate: BertGate): Promise<void> {
    const p = this.props;
    const mode = gate?.mode;
    let length: string;
    if (mode === 'time') length = p.gatePeriod_s.command(gate.period_s, this.at);
    else if (mode === 'bits') length = p.gateBits.command(gate.bits, this.at);
    else throw new InvalidSettingError(this.session.resource, 'gate.mode', mode, "'time' (with period_s) or 'bits' (with bits)");
    await p.gateMode.set(mode, this.at);
    await writeChecked(this.session, length);
  }

  async gate(): Promise<BertGate> {
    const ch = this.at.ch;
    const queries = [`:SENS${ch}:GATE:MODE?`, `:SENS${ch}:GATE:PER?`, `:SENS${ch}:GATE:BITS?`];
    const [mode = '', period = '', bits = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    return parseReply(this.session.resource, command, mode, GATE_MODE) === 'time'
      ? { mode: 'time', period_s: parseReply(this.session.resource, command, period, PLAIN_NUMBER) }
      : { mode: 'bits', bits: parseReply(this.session.resource, command, bits, BIT_COUNT) };
  }

  startGate(): Promise<void> {
    return writeChecked(this.session, `:SENS${this.at.ch}:GATE:STAT 1`);
  }

  stopGate(): Promise<void> {
    return writeChecked(this.session, `:SENS${this.at.ch}:GATE:STAT 0`);
  }

  gateRunning(): Promise<boolean> {
    return this.props.gateRunning.get(this.at);
  }

  waitGate(timeout_s: number): Promise<void> {
    return pollUntilOrStop({
      resource: this.session.resource, what: 'the BER gate', timeout_s,
      done: async () => !(await this.gateRunning()),
      stop: () => writeTolerant(this.session, `:SENS${this.at.ch}:GATE:STAT 0`),
    });
  }

  /** Counts, BER, sync now and the gate's sync-loss seconds, in one round trip. */
  async results(): Promise<BertResults> {
    const ch = this.at.ch;
    const queries = [`:FETC:SENS${ch}:BITS?`, `:FETC:SENS${ch}:ERR?`, `:FETC:SENS${ch}:BER?`, `:SENS${ch}:SYNC?`, `:FETC:SENS${ch}:PSL?`];
    const replies = await queryChained(this.session, queries);
    const command = queries.join(';');
    const [bits = '', errors = '', ber = '', sync = '', psl = ''] = replies;
    const r = this.session.resource;
    const syncLoss_s = parseReply(r, command, psl, SYNC_LOSS_SECONDS);
    return {
      bits: parseReply(r, command, bits, BIT_COUNT),
      errors: parseReply(r, command, errors, INTEGER),
      ber: parseReply(r, command, ber, PLAIN_NUMBER),
      sync: parseReply(r, command, sync, BOOLEAN),
      // Sync may be back by the time the gate is read: the loss seconds say the counts are not all valid.
      syncLost: syncLoss_s > 0,
      syncLoss_s,
    };
  }

  synced(): Promise<boolean> {
    return this.props.synced.get(this.at);
  }

  setLineCoding(coding: BertLineCoding): Promise<void> {
    return this.props.lineCoding.set(coding, this.at);
  }

  lineCoding(): Promise<BertLineCoding> {
    return this.props.lineCoding.get(this.at);
  }

  /** Bits, errors, the FEC analysis and sync of the same gate, in one round trip (the detector refuses it on NRZ: -221). */
  async fecResults(): Promise<BertFecResults> {
    const ch = this.at.ch;
    const queries = [`:FETC:SENS${ch}:BITS?`, `:FETC:SENS${ch}:ERR?`, `:FETC:SENS${ch}:FEC:COD?`, `:FETC:SENS${ch}:FEC:SYMB?`,
      `:FETC:SENS${ch}:FEC:UNC?`, `:FETC:SENS${ch}:FEC:HIST?`, `:SENS${ch}:SYNC?`, `:FETC:SENS${ch}:PSL?`];
    const [bits = '', errors = '', codewords = '', symbols = '', unc = '', hist = '', sync = '', psl = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    const r = this.session.resource;
    const histogram = parseReply(r, command, hist, FEC_HISTOGRAM);
    const result: BertFecResults = {
      bits: parseReply(r, command, bits, BIT_COUNT),
      errors: parseReply(r, command, errors, INTEGER),
      codewords: parseReply(r, command, codewords, INTEGER),
      symbolErrors: parseReply(r, command, symbols, INTEGER),
      uncorrectable: parseReply(r, command, unc, INTEGER),
      histogram,
      sync: parseReply(r, command, sync, BOOLEAN),
      syncLost: parseReply(r, command, psl, SYNC_LOSS_SECONDS) > 0,
    };
    const binned = histogram.reduce((a, b) => a + b, 0);
    if (binned !== result.codewords || histogram[16] !== result.uncorrectable) {
      throw new ReplyFormatError(r, command, `${codewords};${unc};${hist}`, 'a histogram that sums to the codeword count, its last bin the uncorrectable count');
    }
    return result;
  }

  insertError(): Promise<void> {
    return writeChecked(this.session, `:SOUR${this.at.ch}:EINS:ONCE`);
  }

  /** Stops the gate and switches the generator output off (nothing then drives the DUT), then checks the gate. */
  safe(): Promise<void> {
    const ch = this.at.ch;
    return runSafeSteps(this.session.resource, [
      ['stop the gate', () => writeTolerant(this.session, `:SENS${ch}:GATE:STAT 0`)],
      ['switch the generator output off', () => writeTolerant(this.session, `:OUTP${ch}:STAT 0`)],
      ['confirm the gate is stopped', async () => {
        if (await this.gateRunning()) throw new Error('the gate still reports running');
      }],
    ]);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

export const scpiBertDescriptor: DriverDescriptor<ScpiBert> = {
  name: SCPI_BERT,
  kind: 'bert',
  description: "this project's own BERT dialect (the simulator's scpi-bert tree; no vendor speaks it)",
  sessionDefaults: { readTermination: '\n', writeTermination: '\n', timeout_ms: 5000, dialect: SCPI_GATED_DIALECT },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return MODELS.some(([m, re]) => m.test(manufacturer) && re.test(model));
  },
  checkOptions(options) {
    parseDriverOptions(SCPI_BERT, optionsSchema, options);
  },
  create: (ctx) => ScpiBert.create(ctx),
};
