// Bit error ratio tester (pattern generator + error detector), modeled on the MP1900A / J-BERT class in
// INSTRUMENTS.md's command set. The generator drives the modulator after the laser; the detector is the
// receiver at the end of the chip loopback (sim/world/README.md). Sync needs light, the generator's
// output on, matching patterns, and a BER the detector can lock to; a loss is reported, never hidden.
import { CommandTable, ScpiError, ScpiErrorCode, formatBoolean, formatNR1, formatNR3, parseBoolean, parseEnum, parseNumeric } from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import { ScpiInstrument, settingHandlers, noParams, param, suffix } from '../scpi/index.ts';
import type { NumericLimits } from '../scpi/index.ts';
import type { OpticalWorld } from '../world/optical-world.ts';
import { PRBS_PATTERNS, SYNC_LOSS_BER, receiverBer } from '../world/receiver-link.ts';
import type { PrbsPattern } from '../world/receiver-link.ts';
import { Timeline } from '../world/timeline.ts';
import { Gate } from './bert-gate.ts';
import type { DetectorView, GateCounts } from './bert-gate.ts';

const { setOrQuery, numericSetting } = settingHandlers(checkOne);

export const BERT_IDENTITY = 'Anritsu,MP1900A,6201900123,2.05.00';
export const BERT_RATE_RANGE_HZ = [1e9, 116e9] as const;
/** Line rate (NRZ: bit rate = clock frequency), Hz; `FREQ? MIN|MAX|DEF` and `RATE? MIN|MAX|DEF` answer these. */
const RATE_HZ: NumericLimits = { min: BERT_RATE_RANGE_HZ[0], max: BERT_RATE_RANGE_HZ[1], default: 25.78125e9 };
const GATE_PERIOD_S: NumericLimits = { min: 1e-3, max: 1e6, default: 1 };
const GATE_BITS: NumericLimits = { min: 1e3, max: 1e17, default: 1e12 };

interface BertConfig {
  readonly genPattern: PrbsPattern;
  readonly detPattern: PrbsPattern;
  readonly rate_Hz: number;
  readonly outputOn: boolean;
  /** Fault: the detector cannot hold sync whatever it receives. */
  readonly forcedLoss: boolean;
}

const DEFAULT_CONFIG: BertConfig = { genPattern: 'PRBS31', detPattern: 'PRBS31', rate_Hz: 25.78125e9, outputOn: false, forcedLoss: false };

export class Bert extends ScpiInstrument {
  /** Generator and detector settings over bench time: a gate evaluated late still sees each moment's. */
  readonly config = new Timeline<BertConfig>(DEFAULT_CONFIG);
  gateMode: 'TIME' | 'BITS' = 'TIME';
  gatePeriod_s = 1;
  gateBits = 1e12;
  gate: Gate | null = null;
  private gates = 0;

  constructor(
    readonly world: OpticalWorld,
    clock: BenchClock,
    identity = BERT_IDENTITY,
  ) {
    super({ role: 'bert', identity, clock });
    this.useCommands(BERT_COMMANDS, this);
  }

  /** What the detector sees at bench time t. */
  view(t_s: number): DetectorView {
    const c = this.config.at(t_s);
    const power_W = this.world.bertInput_W(t_s);
    const ber = receiverBer(power_W, c.rate_Hz, c.genPattern, this.world.receiverTruth());
    const synced = c.outputOn && !c.forcedLoss && c.genPattern === c.detPattern && power_W > 0 && ber < SYNC_LOSS_BER;
    return { synced, ber, rate_Hz: c.rate_Hz };
  }

  configure(change: Partial<BertConfig>): void {
    this.config.update(this.clock.now_s(), (c) => ({ ...c, ...change }));
  }

  /** Fault: lose pattern sync (until restored) — the detector reports it. */
  loseSync(): void {
    this.configure({ forcedLoss: true });
  }

  restoreSync(): void {
    this.configure({ forcedLoss: false });
  }

  startGate(): void {
    const t = this.clock.now_s();
    this.gate?.stop(t);
    const rate = this.config.at(t).rate_Hz;
    const planned_s = this.gateMode === 'TIME' ? this.gatePeriod_s : this.gateBits / rate;
    this.gates += 1;
    this.gate = new Gate(t, planned_s, (ts) => this.view(ts), this.world.stream(`bert-gate-${this.gates}`));
  }

  /**
   * Counts of the current (or last) gate so far. A loss of sync is a result (`SYNC?`, `PSL?`), never an
   * error-queue entry: a real MP1900A queues nothing for it.
   */
  counts(): GateCounts {
    if (!this.gate) return { bits: 0, errors: 0, syncLost: false, syncLoss_s: 0 };
    return this.gate.countsAt(this.clock.now_s());
  }

  protected override reset(): void {
    this.gate?.stop(this.clock.now_s());
    const forcedLoss = this.config.current.forcedLoss;
    this.config.set(this.clock.now_s(), { ...DEFAULT_CONFIG, forcedLoss });
    this.gateMode = 'TIME';
    this.gatePeriod_s = 1;
    this.gateBits = 1e12;
  }

  protected override pendingUntil_s(): number {
    const t = this.clock.now_s();
    return this.gate && this.gate.running(t) ? this.gate.end_s : t;
  }
}

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

const BERT_COMMANDS = new CommandTable<Bert>()
  .add(':SOURce#:PATTern[:SELect][?]', (b, a) => setOrQuery(a, () => b.config.current.genPattern, (t) => b.configure({ genPattern: patternParam(t) })))
  // NRZ: the clock frequency is the bit rate, so FREQ and RATE are one setting in two names (INSTRUMENTS.md).
  .add(':SOURce#:FREQuency[?]', (b, a) => numericSetting(a, RATE_HZ, () => b.config.current.rate_Hz, nr3, (t) => setRate(b, t)))
  .add(':SOURce#:RATE[?]', (b, a) => numericSetting(a, RATE_HZ, () => b.config.current.rate_Hz, nr3, (t) => setRate(b, t)))
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
    else b.gate?.stop(b.clock.now_s());
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
