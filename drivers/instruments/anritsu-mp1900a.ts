// Anritsu MP1900A signal quality analyzer as a BERT: one pulse pattern generator (PPG) module and one error
// detector (ED) module, each addressed by unit and module number (`:UENT:ID u;:MOD:ID m`). Every program
// message starts with its module's selection, so nothing depends on what an earlier client selected.
// Commands and their sources: drivers/README.md, section `anritsu-mp1900a`.
//
// The ED's gate is a gating period in whole seconds (d,h,m,s) or a clock count of 10^n: it cannot end on
// an arbitrary bit count (bitGates: 'decades'), so the ber step reads one running gate instead of chaining
// gates (sequences/steps/ber/counting.ts). Results come as quoted strings from `:CALC:DATA:EAL?`.
import { z } from 'zod';
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { ReplyFormatError } from '../errors.ts';
import { queryChained } from '../properties/chain.ts';
import { InvalidSettingError } from '../properties/errors.ts';
import { parseIdentity } from '../properties/identity.ts';
import { parseDriverOptions, rangeOption } from '../properties/options.ts';
import { runSafeSteps, writeTolerant } from '../properties/safe-state.ts';
import { writeChecked } from '../properties/send.ts';
import type { Range } from '../properties/validators.ts';
import { pollUntilOrStop } from '../properties/wait.ts';
import { BERT_PATTERNS } from '../roles/bert.ts';
import type { Bert, BertGate, BertPattern, BertResults } from '../roles/bert.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { clockCountText, eyeValue, gatePeriodText, parseClockCount, parseGatePeriod, parseOnOff } from './anritsu-mp1900a-codecs.ts';
import { SCPI_GATED_DIALECT } from '../session/dialect.ts';

export const ANRITSU_MP1900A = 'anritsu-mp1900a';

const optionsSchema = z.object({
  /** The MP1900A unit (mainframe) holding both modules. */
  unit: z.number().int().min(1).max(4).default(1),
  /** Module number of the PPG and of the ED (the slot they occupy). */
  ppgModule: z.number().int().min(1).max(8).default(1),
  edModule: z.number().int().min(1).max(8).default(2),
  lineRateRange_Gbps: rangeOption(z.number().positive()).optional(),
}).strict();
type Options = z.output<typeof optionsSchema>;

/** The MP1900A's data rates across its PPG/ED modules (MU195020A … MU196040B), Gb/s. */
const DEFAULT_RANGE_GBPS: Range = { min: 1, max: 116 };

export class AnritsuMp1900a implements Bert {
  readonly kind = 'bert' as const;
  readonly driverName = ANRITSU_MP1900A;
  readonly bitGates = 'decades' as const;
  readonly session: ScpiSession;
  readonly model: string;
  readonly lineRateRange_Gbps: Range;
  private readonly ppg: string;
  private readonly ed: string;

  constructor(session: ScpiSession, model: string, options: Options) {
    this.session = session;
    this.model = model;
    const r = options.lineRateRange_Gbps;
    this.lineRateRange_Gbps = r ? { min: r[0], max: r[1] } : DEFAULT_RANGE_GBPS;
    this.ppg = `:UENT:ID ${options.unit};:MOD:ID ${options.ppgModule}`;
    this.ed = `:UENT:ID ${options.unit};:MOD:ID ${options.edModule}`;
  }

  static async create(ctx: DriverContext): Promise<AnritsuMp1900a> {
    const options = parseDriverOptions(ANRITSU_MP1900A, optionsSchema, ctx.options);
    if (options.ppgModule === options.edModule) throw new InvalidSettingError(ctx.session.resource, 'options.edModule', options.edModule, 'a module other than the PPG\'s');
    const { model } = parseIdentity(await ctx.session.query('*IDN?'));
    return new AnritsuMp1900a(ctx.session, model, options);
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  private refuse(setting: string, value: unknown, expected: string): never {
    throw new InvalidSettingError(this.session.resource, setting, value, expected);
  }

  private async ask(module: string, queries: readonly string[]): Promise<string[]> {
    const [first = '', ...rest] = queries;
    return queryChained(this.session, [`${module};${first}`, ...rest]);
  }

  private reply(command: string, reply: string, expected: string): never {
    throw new ReplyFormatError(this.session.resource, command, reply, expected);
  }

  /** Generator and detector alike: a loopback compares the pattern it sends. */
  async setPattern(pattern: BertPattern): Promise<void> {
    if (!BERT_PATTERNS.includes(pattern)) this.refuse('pattern', pattern, `one of ${BERT_PATTERNS.join(', ')}`);
    const length = pattern.slice(4);
    await writeChecked(this.session, `${this.ppg};:SOUR:PATT:TYPE PRBS;:SOUR:PATT:PRBS:LENG ${length}`);
    await writeChecked(this.session, `${this.ed};:SENS:PATT:TYPE PRBS;:SENS:PATT:PRBS:LENG ${length}`);
  }

  async pattern(): Promise<BertPattern> {
    const [type = '', length = ''] = await this.ask(this.ppg, [':SOUR:PATT:TYPE?', ':SOUR:PATT:PRBS:LENG?']);
    const p = `PRBS${Number(length)}` as BertPattern;
    if (type.trim().toUpperCase() !== 'PRBS' || !BERT_PATTERNS.includes(p)) {
      this.reply(':SOUR:PATT:TYPE?;:SOUR:PATT:PRBS:LENG?', `${type};${length}`, `PRBS;<length> with a length of ${BERT_PATTERNS.map((x) => x.slice(4)).join(', ')}`);
    }
    return p;
  }

  async setLineRate_Gbps(rate_Gbps: number): Promise<void> {
    const { min, max } = this.lineRateRange_Gbps;
    if (!(typeof rate_Gbps === 'number' && rate_Gbps >= min && rate_Gbps <= max)) this.refuse('lineRate_Gbps', rate_Gbps, `${min}…${max} Gb/s`);
    await writeChecked(this.session, `${this.ppg};:OUTP:DATA:BITR ${Number(rate_Gbps.toFixed(6))}`);
  }

  async lineRate_Gbps(): Promise<number> {
    const [r = ''] = await this.ask(this.ppg, [':OUTP:DATA:BITR?']);
    const v = Number(r.trim());
    if (!(Number.isFinite(v) && v > 0)) this.reply(':OUTP:DATA:BITR?', r, 'a bit rate in Gbit/s (e.g. 25.781250)');
    return v;
  }

  setOutput(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') this.refuse('output', on, 'true or false');
    return writeChecked(this.session, `${this.ppg};:SOUR:OUTP:ASET ${on ? 'ON' : 'OFF'}`);
  }

  async output(): Promise<boolean> {
    const [r = ''] = await this.ask(this.ppg, [':SOUR:OUTP:ASET?']);
    return parseOnOff(this.session.resource, ':SOUR:OUTP:ASET?', r);
  }

  async setGate(gate: BertGate): Promise<void> {
    const mode = gate?.mode;
    let length: string;
    if (mode === 'time') {
      const text = gatePeriodText(gate.period_s);
      if (text === null) this.refuse('gate.period_s', gate.period_s, 'a whole number of seconds from 1 s to 99 days (the ED\'s gating period is d,h,m,s)');
      length = `:SENS:MEAS:EAL:UNIT TIME;:SENS:MEAS:EAL:PER ${text}`;
    } else if (mode === 'bits') {
      const text = clockCountText(gate.bits);
      if (text === null) this.refuse('gate.bits', gate.bits, 'a power of ten from 1e3 to 1e16 (the ED counts clocks in E_n steps)');
      length = `:SENS:MEAS:EAL:UNIT CLOC;:SENS:MEAS:EAL:CLOC ${text}`;
    } else {
      this.refuse('gate.mode', mode, "'time' (with period_s) or 'bits' (with bits)");
    }
    await writeChecked(this.session, `${this.ed};:SENS:MEAS:EAL:MODE SING;${length}`);
  }

  async gate(): Promise<BertGate> {
    const queries = [':SENS:MEAS:EAL:UNIT?', ':SENS:MEAS:EAL:PER?', ':SENS:MEAS:EAL:CLOC?'];
    const [unit = '', period = '', clocks = ''] = await this.ask(this.ed, queries);
    const command = queries.join(';');
    const u = unit.trim().toUpperCase();
    if (u === 'TIME') return { mode: 'time', period_s: parseGatePeriod(this.session.resource, command, period) };
    if (u === 'CLOC' || u === 'CLOCK') return { mode: 'bits', bits: parseClockCount(this.session.resource, command, clocks) };
    return this.reply(command, unit, 'TIME or CLOC');
  }

  startGate(): Promise<void> {
    return writeChecked(this.session, `${this.ed};:SENS:MEAS:STAR`);
  }

  stopGate(): Promise<void> {
    return writeChecked(this.session, `${this.ed};:SENS:MEAS:STOP`);
  }

  async gateRunning(): Promise<boolean> {
    const [r = ''] = await this.ask(this.ed, [':SENS:MEAS:EAL:STAT?']);
    return parseOnOff(this.session.resource, ':SENS:MEAS:EAL:STAT?', r);
  }

  waitGate(timeout_s: number): Promise<void> {
    return pollUntilOrStop({
      resource: this.session.resource, what: 'the BER measurement', timeout_s,
      done: async () => !(await this.gateRunning()),
      stop: () => writeTolerant(this.session, `${this.ed};:SENS:MEAS:STOP`),
    });
  }

  /** Clock count, error count, error rate, sync now and the gate's sync-loss seconds, in one round trip. */
  async results(): Promise<BertResults> {
    const queries = [':CALC:DATA:EAL? "CURR:CC:TOT"', ':CALC:DATA:EAL? "CURR:EC:TOT"', ':CALC:DATA:EAL? "CURR:ER:TOT"',
      ':CALC:DATA:MON? "PSL"', ':CALC:DATA:EAL? "CURR:AINT:PSL"'];
    const [cc = '', ec = '', er = '', mon = '', psl = ''] = await this.ask(this.ed, queries);
    const command = queries.join(';');
    const count = (reply: string, what: string): number => {
      const v = eyeValue(reply);
      if (!(Number.isInteger(v) && v >= 0)) this.reply(command, reply, `${what} (a quoted whole number ≥ 0)`);
      return v;
    };
    const bits = count(cc, 'a clock count');
    const errors = count(ec, 'an error count');
    const syncLoss_s = count(psl, 'a count of sync-loss seconds');
    const ber = bits > 0 ? eyeValue(er) : Number.NaN;
    if (bits > 0 && !(ber >= 0 && ber <= 1)) this.reply(command, er, 'an error rate (a quoted number in [0, 1])');
    return { bits, errors, ber, sync: !isOccur(mon), syncLost: syncLoss_s > 0, syncLoss_s };
  }

  async synced(): Promise<boolean> {
    const [r = ''] = await this.ask(this.ed, [':CALC:DATA:MON? "PSL"']);
    return !isOccur(r);
  }

  insertError(): Promise<void> {
    return writeChecked(this.session, `${this.ppg};:SOUR:PATT:EADD:SING`);
  }

  /** The data input's decision threshold, V (−3.5 … 3.3 V). */
  async setDecisionThreshold_V(threshold_V: number): Promise<void> {
    if (!(typeof threshold_V === 'number' && threshold_V >= -3.5 && threshold_V <= 3.3)) this.refuse('decisionThreshold_V', threshold_V, '−3.5 … 3.3 V');
    await writeChecked(this.session, `${this.ed};:INP:DATA:THR DATA,${Number(threshold_V.toFixed(4))}`);
  }

  async decisionThreshold_V(): Promise<number> {
    const [r = ''] = await this.ask(this.ed, [':INP:DATA:THR? DATA']);
    const v = Number(r.trim());
    if (!Number.isFinite(v)) this.reply(':INP:DATA:THR? DATA', r, 'a threshold in V (e.g. 0.000)');
    return v;
  }

  /** Stops the measurement and switches every output off (nothing then drives the DUT), then checks the measurement. */
  safe(): Promise<void> {
    return runSafeSteps(this.session.resource, [
      ['stop the measurement', () => writeTolerant(this.session, `${this.ed};:SENS:MEAS:STOP`)],
      ['switch the outputs off', () => writeTolerant(this.session, `${this.ppg};:SOUR:OUTP:ASET OFF`)],
      ['confirm the measurement is stopped', async () => {
        if (await this.gateRunning()) throw new Error('the measurement still reports running');
      }],
    ]);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/** `:CALC:DATA:MON? "PSL"` answers Occur while pattern sync is lost (quoted or not). */
function isOccur(reply: string): boolean {
  return reply.trim().replace(/^"(.*)"$/, '$1').trim().toUpperCase() === 'OCCUR';
}

export const anritsuMp1900aDescriptor: DriverDescriptor<AnritsuMp1900a> = {
  name: ANRITSU_MP1900A,
  kind: 'bert',
  description: 'Anritsu MP1900A BERT (PPG + ED modules, :UENT:ID/:MOD:ID selection)',
  sessionDefaults: { readTermination: '\n', writeTermination: '\n', timeout_ms: 5000, dialect: SCPI_GATED_DIALECT },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return /^anritsu/i.test(manufacturer) && /^MP1900A$/i.test(model);
  },
  checkOptions(options) {
    parseDriverOptions(ANRITSU_MP1900A, optionsSchema, options);
  },
  create: (ctx) => AnritsuMp1900a.create(ctx),
};
