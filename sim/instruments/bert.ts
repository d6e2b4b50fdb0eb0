// Bit error ratio tester (pattern generator + error detector). The generator drives the modulator after the
// laser; the detector is the receiver at the end of the chip loopback (sim/world/README.md). Sync needs
// light, the generator's output on, matching patterns, and a BER the detector can lock to; a loss is
// reported, never hidden.
//
// Two command trees, one instrument: 'mp1900a' (default) speaks the Anritsu MP1900A's remote commands and
// answers `*IDN?` as one (bert-mp1900a.ts); 'scpi-bert' speaks INSTRUMENTS.md's placeholder tree, which no
// vendor speaks, under this simulator's own identity (bert-scpi-commands.ts).
import type { BenchClock } from '../clock.ts';
import { ScpiInstrument } from '../scpi/index.ts';
import type { OpticalWorld } from '../world/optical-world.ts';
import { SYNC_LOSS_BER, berAtThreshold, receiverBer } from '../world/receiver-link.ts';
import type { PrbsPattern } from '../world/receiver-link.ts';
import { Timeline } from '../world/timeline.ts';
import { Gate } from './bert-gate.ts';
import type { DetectorView, GateCounts } from './bert-gate.ts';
import { BERT_DEFAULT_RATE_HZ } from './bert-limits.ts';
import { MP1900A_COMMANDS, MP1900A_IDENTITY, Mp1900aSelection } from './bert-mp1900a.ts';
import { SCPI_BERT_COMMANDS, SCPI_BERT_IDENTITY } from './bert-scpi-commands.ts';

export { BERT_RATE_RANGE_HZ } from './bert-limits.ts';
export type BertDialect = 'mp1900a' | 'scpi-bert';
export const BERT_DIALECTS: readonly BertDialect[] = ['mp1900a', 'scpi-bert'];
/** The identity the default BERT answers with (an MP1900A, whose commands it speaks). */
export const BERT_IDENTITY = MP1900A_IDENTITY;
export { SCPI_BERT_IDENTITY };

interface BertConfig {
  readonly genPattern: PrbsPattern;
  readonly detPattern: PrbsPattern;
  readonly rate_Hz: number;
  readonly outputOn: boolean;
  /** Fault: the detector cannot hold sync whatever it receives. */
  readonly forcedLoss: boolean;
  /** The ED's decision threshold from the eye's centre, V. */
  readonly threshold_V: number;
}

const DEFAULT_CONFIG: BertConfig = { genPattern: 'PRBS31', detPattern: 'PRBS31', rate_Hz: BERT_DEFAULT_RATE_HZ, outputOn: false, forcedLoss: false, threshold_V: 0 };

export class Bert extends ScpiInstrument {
  /** Generator and detector settings over bench time: a gate evaluated late still sees each moment's. */
  readonly config = new Timeline<BertConfig>(DEFAULT_CONFIG);
  /** TIME: a gate of gatePeriod_s; BITS: of gateBits (the MP1900A's clock-count unit). */
  gateMode: 'TIME' | 'BITS' = 'TIME';
  /** MP1900A `:SENS:MEAS:EAL:MODE UNTimed`: the gate runs until stopped. */
  untimed = false;
  gatePeriod_s = 1;
  gateBits = 1e12;
  gate: Gate | null = null;
  /** The MP1900A's `:UENT:ID` / `:MOD:ID` selection (unused by the scpi-bert tree). */
  readonly selection = new Mp1900aSelection();
  private gates = 0;

  constructor(
    readonly world: OpticalWorld,
    clock: BenchClock,
    readonly dialect: BertDialect = 'mp1900a',
  ) {
    super({ role: 'bert', identity: dialect === 'mp1900a' ? MP1900A_IDENTITY : SCPI_BERT_IDENTITY, clock });
    if (!BERT_DIALECTS.includes(dialect)) throw new RangeError(`simulated BERT: dialect must be one of ${BERT_DIALECTS.join(', ')}, got '${String(dialect)}'`);
    if (dialect === 'mp1900a') this.useCommands(MP1900A_COMMANDS, this);
    else this.useCommands(SCPI_BERT_COMMANDS, this);
  }

  /** What the detector sees at bench time t. */
  view(t_s: number): DetectorView {
    const c = this.config.at(t_s);
    const power_W = this.world.bertInput_W(t_s);
    const ber = berAtThreshold(receiverBer(power_W, c.rate_Hz, c.genPattern, this.world.receiverTruth()), c.threshold_V);
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
    const planned_s = this.untimed ? Infinity : this.gateMode === 'TIME' ? this.gatePeriod_s : this.gateBits / rate;
    this.gates += 1;
    this.gate = new Gate(t, planned_s, (ts) => this.view(ts), this.world.stream(`bert-gate-${this.gates}`));
  }

  stopGate(): void {
    this.gate?.stop(this.clock.now_s());
  }

  running(): boolean {
    return !!this.gate && this.gate.running(this.clock.now_s());
  }

  /**
   * Counts of the current (or last) gate so far. A loss of sync is a result, never an error-queue entry:
   * a real MP1900A queues nothing for it.
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
    this.untimed = false;
    this.gatePeriod_s = 1;
    this.gateBits = 1e12;
    this.selection.reset();
  }

  protected override pendingUntil_s(): number {
    const t = this.clock.now_s();
    return this.gate && this.gate.running(t) && Number.isFinite(this.gate.end_s) ? this.gate.end_s : t;
  }
}
