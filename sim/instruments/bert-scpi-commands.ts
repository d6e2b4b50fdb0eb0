// The `scpi-bert` dialect: INSTRUMENTS.md's placeholder command tree, this project's own. No vendor speaks
// it, so a BERT serving it answers `*IDN?` with this simulator's own identity (SCPI_BERT_IDENTITY), never a
// real instrument's. The default simulated BERT speaks the Anritsu MP1900A's tree (bert-mp1900a.ts).
//
// PAM4 and FEC analysis, this tree's own extension (sim/README.md "PAM4 and KP4 FEC"): `:SOUR1:COD NRZ|PAM4`
// sets the line coding of generator and detector; on PAM4 the detector cuts the PRBS into virtual KP4
// RS(544,514) codewords, and `:FETC:SENS1:FEC:COD?` (codewords), `:FEC:SYMB?` (symbol errors),
// `:FEC:UNC?` (uncorrectable codewords) and `:FEC:HIST?` (17 counts: codewords with 0 … 15 symbol errors,
// then more than 15) read the current (or last) gate's analysis, beside its bits and errors.
import { CommandTable, ScpiError, ScpiErrorCode, formatBoolean, formatNR1, formatNR3, parseBoolean, parseEnum, parseNumeric } from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import { settingHandlers, noParams, param, suffix } from '../scpi/index.ts';
import type { NumericLimits } from '../scpi/index.ts';
import { PRBS_PATTERNS } from '../world/receiver-link.ts';
import type { PrbsPattern } from '../world/receiver-link.ts';
import type { Bert } from './bert.ts';
import type { LineCoding } from '../../models/kp4-fec.ts';
import { emptyFec } from './bert-fec.ts';
import type { FecCounts } from './bert-fec.ts';
import { BERT_RATE_RANGE_HZ } from './bert-limits.ts';

export const SCPI_BERT_IDENTITY = 'BENCHSIM,SIM-BERT,SIM00002,1.0.0';

const { setOrQuery, numericSetting } = settingHandlers(checkOne);

/** Line rate (NRZ: bit rate = clock frequency), Hz; `FREQ? MIN|MAX|DEF` and `RATE? MIN|MAX|DEF` answer these. */
const RATE_HZ: NumericLimits = { min: BERT_RATE_RANGE_HZ[0], max: BERT_RATE_RANGE_HZ[1], default: 25.78125e9 };
const GATE_PERIOD_S: NumericLimits = { min: 1e-3, max: 1e6, default: 1 };
const GATE_BITS: NumericLimits = { min: 1e3, max: 1e17, default: 1e12 };

function checkOne(a: HandlerArgs): void {
  a.match.suffixes.forEach((_, i) => suffix(a, i, 1, 1));
}

function setRate(b: Bert, token: string): void {
  b.configure({ rate_Hz: parseNumeric(token, { unit: 'HZ', ...RATE_HZ }) });
}

function patternParam(token: string): PrbsPattern {
  return parseEnum(token, PRBS_PATTERNS);
}

const nr3 = (v: number): string => formatNR3(v);

/** The current gate's FEC analysis; refused while the line is NRZ (there are no codewords to count). */
function fecOf(b: Bert, a: HandlerArgs): FecCounts {
  checkOne(a);
  noParams(a);
  if (b.config.current.coding !== 'PAM4') throw new ScpiError(ScpiErrorCode.SettingsConflict, 'FEC analysis needs PAM4 line coding (:SOUR1:COD PAM4)');
  return b.counts().fec ?? emptyFec();
}

export const SCPI_BERT_COMMANDS = new CommandTable<Bert>()
  .add(':SOURce#:PATTern[:SELect][?]', (b, a) => setOrQuery(a, () => b.config.current.genPattern, (t) => b.configure({ genPattern: patternParam(t) })))
  // NRZ: the clock frequency is the bit rate, so FREQ and RATE are one setting in two names (INSTRUMENTS.md).
  .add(':SOURce#:FREQuency[?]', (b, a) => numericSetting(a, RATE_HZ, () => b.config.current.rate_Hz, nr3, (t) => setRate(b, t)))
  .add(':SOURce#:RATE[?]', (b, a) => numericSetting(a, RATE_HZ, () => b.config.current.rate_Hz, nr3, (t) => setRate(b, t)))
  .add(':SOURce#:CODing[?]', (b, a) => setOrQuery(a, () => b.config.current.coding, (t) => b.configure({ coding: parseEnum<LineCoding>(t, ['NRZ', 'PAM4']) })))
  .add(':FETCh:SENSe#:FEC:CODewords?', (b, a) => formatNR1(fecOf(b, a).codewords))
  .add(':FETCh:SENSe#:FEC:SYMBols?', (b, a) => formatNR1(fecOf(b, a).symbolErrors))
  .add(':FETCh:SENSe#:FEC:UNCorrectable?', (b, a) => formatNR1(fecOf(b, a).uncorrectable))
  .add(':FETCh:SENSe#:FEC:HISTogram?', (b, a) => fecOf(b, a).histogram.map((c) => formatNR1(c)).join(','))
  .add(':SOURce#:EINSertion:ONCE', (b, a) => {
    checkOne(a);
    noParams(a);
    if (!b.config.current.outputOn) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'generator output is off: no error can be inserted');
    b.gate?.insertError(b.clock.now_s());
    return undefined;
  })
  .add(':OUTPut#[:STATe][?]', (b, a) => setOrQuery(a, () => formatBoolean(b.config.current.outputOn), (t) => b.configure({ outputOn: parseBoolean(t) })))
  .add(':SENSe#:PATTern[:SELect][?]', (b, a) => setOrQuery(a, () => b.config.current.detPattern, (t) => b.configure({ detPattern: patternParam(t) })))
  .add(':SENSe#:GATE:MODE[?]', (b, a) => setOrQuery(a, () => b.gateMode, (t) => (b.gateMode = parseEnum(t, ['TIME', 'BITS']))))
  .add(':SENSe#:GATE:PERiod[?]', (b, a) => numericSetting(a, GATE_PERIOD_S, () => b.gatePeriod_s, nr3, (t) => (b.gatePeriod_s = parseNumeric(t, { unit: 'S', ...GATE_PERIOD_S }))))
  .add(':SENSe#:GATE:BITS[?]', (b, a) => numericSetting(a, GATE_BITS, () => b.gateBits, nr3, (t) => (b.gateBits = Math.round(parseNumeric(t, GATE_BITS)))))
  .add(':SENSe#:GATE[:STATe]?', async (b, a) => {
    checkOne(a);
    noParams(a);
    const g = b.gate;
    // Fast mode: waiting is free; polling a running gate jumps to its end.
    if (g && b.clock.mode === 'fast' && g.running(b.clock.now_s())) await b.clock.advanceTo(g.end_s);
    return formatBoolean(!!g && g.running(b.clock.now_s()));
  })
  .add(':SENSe#:GATE[:STATe]', (b, a) => {
    checkOne(a);
    if (parseBoolean(param(a))) b.startGate();
    else b.stopGate();
    return undefined;
  })
  .add(':SENSe#:SYNC?', (b, a) => {
    checkOne(a);
    noParams(a);
    return formatBoolean(b.view(b.clock.now_s()).synced);
  })
  .add(':FETCh:SENSe#:BITS?', (b, a) => {
    checkOne(a);
    noParams(a);
    return formatNR3(b.counts().bits);
  })
  .add(':FETCh:SENSe#:ERRors?', (b, a) => {
    checkOne(a);
    noParams(a);
    return formatNR1(b.counts().errors);
  })
  // Pattern-sync-loss seconds of the current (or last) gate: the number of its 1-s intervals, counted from
  // the gate's start, in which the detector was out of sync at all — the MP1800A/MP1900A error detector's
  // "PSLoss" alarm-interval result (`:CALC:DATA:EALarm? "CURRent:AINTerval:PSLoss"`), in INSTRUMENTS.md's
  // FETCh form. 0 for a clean gate; the loss is reported here, not hidden and not queued as an error.
  .add(':FETCh:SENSe#:PSLoss?', (b, a) => {
    checkOne(a);
    noParams(a);
    return formatNR1(b.counts().syncLoss_s);
  })
  .add(':FETCh:SENSe#:BER?', (b, a) => {
    checkOne(a);
    noParams(a);
    const c = b.counts();
    return formatNR3(c.bits > 0 ? c.errors / c.bits : Number.NaN);
  });
