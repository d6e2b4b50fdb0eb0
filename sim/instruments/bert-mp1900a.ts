// The Anritsu MP1900A's remote commands, as the simulated BERT serves them: unit and module selection
// (`:UENTry:ID`, `:MODule:ID`), the pulse pattern generator (PPG) in module 1 and the error detector (ED)
// in module 2 of unit 1. Commands are the ones public MP1800A/MP1900A/MP2100A drivers send (the table in
// drivers/README.md, section `anritsu-mp1900a`, names each source); a PPG command with the ED selected (or
// the reverse) is refused with -221, as a module that lacks the function would be.
//   PPG  :SOURce:PATTern:TYPE PRBS, :SOURce:PATTern:PRBS:LENGth 7|15|23|31, :OUTPut:DATA:BITRate <Gb/s>,
//        :SOURce:OUTPut:ASET ON|OFF (all outputs), :SOURce:PATTern:EADDition:SINGle (one error)
//   ED   :SENSe:PATTern:TYPE / :PRBS:LENGth, :SENSe:MEASure:EALarm:MODE SINGle|UNTimed,
//        :SENSe:MEASure:EALarm:UNIT TIME|CLOCk, :SENSe:MEASure:EALarm:PERiod d,h,m,s,
//        :SENSe:MEASure:EALarm:CLOCkcnt E_n, :SENSe:MEASure:STARt|STOP, :SENSe:MEASure:EALarm:STATe?,
//        :CALCulate:DATA:EALarm? "CURRent:EC|ER|CC:TOTal" | "CURRent:AINTerval:PSLoss" (quoted replies),
//        :CALCulate:DATA:MONitor? "PSLoss" (Occur while sync is lost now), :INPut:DATA:THReshold DATA,<V>
import { CommandTable, ScpiError, ScpiErrorCode, formatBoolean, parseBoolean, parseEnum, parseNumeric, parseString } from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import { noParams, param, params, settingHandlers } from '../scpi/index.ts';
import type { PrbsPattern } from '../world/receiver-link.ts';
import type { Bert } from './bert.ts';
import { BERT_RATE_RANGE_HZ } from './bert-limits.ts';

export const MP1900A_IDENTITY = 'ANRITSU,MP1900A,6201900123,2.05.00';
/** Where the simulated modules sit: unit 1, PPG in module 1, ED in module 2. */
export const MP1900A_LAYOUT = { unit: 1, ppg: 1, ed: 2 } as const;

const PRBS_LENGTHS: Readonly<Record<string, PrbsPattern>> = { '7': 'PRBS7', '15': 'PRBS15', '23': 'PRBS23', '31': 'PRBS31' };
/** Longest gating period the ED takes: 99 days, 23:59:59. */
const MAX_PERIOD_S = 99 * 86400 + 86399;
/** Clock-count gates the ED takes: E_3 … E_16 (10^3 … 10^16 clocks). */
const CLOCK_EXPONENTS = { min: 3, max: 16 };

/** Which unit and module the next command goes to. */
export class Mp1900aSelection {
  unit: number = MP1900A_LAYOUT.unit;
  module: number = MP1900A_LAYOUT.ppg;

  reset(): void {
    this.unit = MP1900A_LAYOUT.unit;
    this.module = MP1900A_LAYOUT.ppg;
  }
}

const { setOrQuery } = settingHandlers();

function requireModule(b: Bert, a: HandlerArgs, which: 'ppg' | 'ed'): void {
  const s = b.selection;
  const wanted = MP1900A_LAYOUT[which];
  if (s.unit !== MP1900A_LAYOUT.unit || s.module !== wanted) {
    throw new ScpiError(ScpiErrorCode.SettingsConflict, `${a.cmd.header} needs the ${which === 'ppg' ? 'PPG' : 'ED'} ` +
      `(:UENT:ID ${MP1900A_LAYOUT.unit};:MOD:ID ${wanted}); unit ${s.unit} module ${s.module} is selected`);
  }
}

function prbsLength(token: string): PrbsPattern {
  const p = PRBS_LENGTHS[String(Math.round(parseNumeric(token, { integer: true })))];
  if (!p) throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `PRBS length '${token}': this simulator has 7, 15, 23 and 31`);
  return p;
}

function patternType(token: string): void {
  // DATA, ZSUBstitution, … exist on the instrument; this simulator generates PRBS only.
  parseEnum(token, ['PRBS']);
}

function periodToWire(s: number): string {
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return `${d},${h},${m},${s % 60}`;
}

function periodFromWire(a: HandlerArgs): number {
  const [d, h, m, s] = params(a, 4).map((t) => parseNumeric(t, { integer: true, min: 0 }));
  if ((h ?? 0) > 23 || (m ?? 0) > 59 || (s ?? 0) > 59 || (d ?? 0) > 99) {
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `gating period ${a.params.join(',')}: expected days 0-99, hours 0-23, minutes 0-59, seconds 0-59`);
  }
  const total = (d ?? 0) * 86400 + (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
  if (total < 1 || total > MAX_PERIOD_S) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `gating period ${a.params.join(',')}: at least 1 s`);
  return total;
}

function clockCount(token: string): number {
  const m = /^E_(\d+)$/i.exec(token.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= CLOCK_EXPONENTS.min && n <= CLOCK_EXPONENTS.max)) {
    throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `clock count '${token}': expected E_${CLOCK_EXPONENTS.min} … E_${CLOCK_EXPONENTS.max} (10^n clocks)`);
  }
  return 10 ** n;
}

/** Result items of `:CALC:DATA:EAL?`, long and short forms, as the manual's node names. */
function resultItem(a: HandlerArgs): 'EC' | 'ER' | 'CC' | 'PSL' {
  const item = parseString(param(a)).toUpperCase().split(':');
  const node = (n: string | undefined, long: string) => n !== undefined && (n === long || n === long.replace(/[a-z]/g, '').toUpperCase() || n === long.toUpperCase());
  if (node(item[0], 'CURRent')) {
    if (item.length === 3 && node(item[2], 'TOTal')) {
      if (item[1] === 'EC' || item[1] === 'ER' || item[1] === 'CC') return item[1];
    }
    if (item.length === 3 && node(item[1], 'AINTerval') && node(item[2], 'PSLoss')) return 'PSL';
  }
  throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `result "${item.join(':')}": this simulator answers "CURRent:EC:TOTal", ` +
    '"CURRent:ER:TOTal", "CURRent:CC:TOTal" and "CURRent:AINTerval:PSLoss"');
}

/** The ED's error rate as it displays it: 4 decimals, two-digit exponent. */
function formatRate(r: number): string {
  const [m = '0', e = '0'] = r.toExponential(4).split('e');
  const n = Number(e);
  return `${m}E${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

const quoted = (s: string): string => `"${s}"`;

export const MP1900A_COMMANDS = new CommandTable<Bert>()
  .add(':UENTry:ID[?]', (b, a) => setOrQuery(a, () => String(b.selection.unit), (t) => {
    const n = parseNumeric(t, { integer: true, min: 1, max: 4 });
    if (n !== MP1900A_LAYOUT.unit) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `unit ${n} is not connected (this MP1900A is unit 1)`);
    b.selection.unit = n;
  }))
  .add(':MODule:ID[?]', (b, a) => setOrQuery(a, () => String(b.selection.module), (t) => {
    const n = parseNumeric(t, { integer: true, min: 1, max: 8 });
    if (n !== MP1900A_LAYOUT.ppg && n !== MP1900A_LAYOUT.ed) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `module ${n} is empty (PPG in 1, ED in 2)`);
    b.selection.module = n;
  }))
  // PPG
  .add(':SOURce:PATTern:TYPE[?]', (b, a) => (requireModule(b, a, 'ppg'), setOrQuery(a, () => 'PRBS', patternType)))
  .add(':SOURce:PATTern:PRBS:LENGth[?]', (b, a) => (requireModule(b, a, 'ppg'),
  setOrQuery(a, () => b.config.current.genPattern.slice(4), (t) => b.configure({ genPattern: prbsLength(t) }))))
  // Bit rate in Gbit/s (NRZ: the clock in GHz).
  .add(':OUTPut:DATA:BITRate[?]', (b, a) => (requireModule(b, a, 'ppg'), setOrQuery(a, () => (b.config.current.rate_Hz / 1e9).toFixed(6),
    (t) => b.configure({ rate_Hz: parseNumeric(t, { min: BERT_RATE_RANGE_HZ[0] / 1e9, max: BERT_RATE_RANGE_HZ[1] / 1e9 }) * 1e9 }))))
  .add(':SOURce:OUTPut:ASET[?]', (b, a) => (requireModule(b, a, 'ppg'),
  setOrQuery(a, () => formatBoolean(b.config.current.outputOn), (t) => b.configure({ outputOn: parseBoolean(t) }))))
  .add(':SOURce:PATTern:EADDition:SINGle', (b, a) => {
    requireModule(b, a, 'ppg');
    noParams(a);
    if (!b.config.current.outputOn) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'outputs are off: no error can be added');
    b.gate?.insertError(b.clock.now_s());
    return undefined;
  })
  // ED
  .add(':SENSe:PATTern:TYPE[?]', (b, a) => (requireModule(b, a, 'ed'), setOrQuery(a, () => 'PRBS', patternType)))
  .add(':SENSe:PATTern:PRBS:LENGth[?]', (b, a) => (requireModule(b, a, 'ed'),
  setOrQuery(a, () => b.config.current.detPattern.slice(4), (t) => b.configure({ detPattern: prbsLength(t) }))))
  .add(':SENSe:MEASure:EALarm:MODE[?]', (b, a) => (requireModule(b, a, 'ed'), setOrQuery(a, () => (b.untimed ? 'UNT' : 'SING'),
    (t) => (b.untimed = parseEnum(t, ['SINGle', 'UNTimed']) === 'UNTimed'))))
  .add(':SENSe:MEASure:EALarm:UNIT[?]', (b, a) => (requireModule(b, a, 'ed'), setOrQuery(a, () => (b.gateMode === 'TIME' ? 'TIME' : 'CLOC'),
    (t) => (b.gateMode = parseEnum(t, ['TIME', 'CLOCk']) === 'TIME' ? 'TIME' : 'BITS'))))
  .add(':SENSe:MEASure:EALarm:PERiod[?]', (b, a) => {
    requireModule(b, a, 'ed');
    if (a.match.query) {
      noParams(a);
      return periodToWire(b.gatePeriod_s);
    }
    b.gatePeriod_s = periodFromWire(a);
    return undefined;
  })
  .add(':SENSe:MEASure:EALarm:CLOCkcnt[?]', (b, a) => (requireModule(b, a, 'ed'), setOrQuery(a, () => `E_${Math.round(Math.log10(b.gateBits))}`,
    (t) => (b.gateBits = clockCount(t)))))
  .add(':SENSe:MEASure:STARt', (b, a) => (requireModule(b, a, 'ed'), noParams(a), b.startGate(), undefined))
  .add(':SENSe:MEASure:STOP', (b, a) => (requireModule(b, a, 'ed'), noParams(a), b.stopGate(), undefined))
  .add(':SENSe:MEASure:EALarm:STATe?', async (b, a) => {
    requireModule(b, a, 'ed');
    noParams(a);
    const g = b.gate;
    // Fast mode: waiting is free; polling a running timed gate jumps to its end.
    if (g && b.clock.mode === 'fast' && b.running() && Number.isFinite(g.end_s)) await b.clock.advanceTo(g.end_s);
    return formatBoolean(b.running());
  })
  // Decision threshold of the data input, V (`DATA` or `XDATA`; the simulator's one input takes either).
  .add(':INPut:DATA:THReshold[?]', (b, a) => {
    requireModule(b, a, 'ed');
    if (a.match.query) {
      parseEnum(param(a), ['DATA', 'XDATA']);
      return b.config.current.threshold_V.toFixed(3);
    }
    const [port, value] = params(a, 2);
    parseEnum(port, ['DATA', 'XDATA']);
    b.configure({ threshold_V: parseNumeric(value, { min: -3.5, max: 3.3 }) });
    return undefined;
  })
  .add(':CALCulate:DATA:EALarm?', (b, a) => {
    requireModule(b, a, 'ed');
    const item = resultItem(a);
    const c = b.counts();
    if (item === 'EC') return quoted(String(c.errors));
    if (item === 'CC') return quoted(String(c.bits));
    if (item === 'PSL') return quoted(String(c.syncLoss_s));
    return quoted(formatRate(c.bits > 0 ? c.errors / c.bits : 0));
  })
  .add(':CALCulate:DATA:MONitor?', (b, a) => {
    requireModule(b, a, 'ed');
    const item = parseString(param(a)).toUpperCase();
    if (item !== 'PSL' && item !== 'PSLOSS') throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `monitor "${item}": this simulator answers "PSLoss"`);
    return quoted(b.view(b.clock.now_s()).synced ? 'NotOccur' : 'Occur');
  });
