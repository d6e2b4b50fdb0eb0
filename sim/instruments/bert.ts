// Bit error ratio tester (pattern generator + error detector). The generator drives the modulator after the
// laser; the detector is the receiver at the end of the chip loopback (sim/world/README.md). Sync needs
// light, the generator's output on, matching patterns, and a BER the detector can lock to; a loss is
// reported, never hidden.
//
// Two command trees, one instrument: 'mp1900a' (default) speaks the Anritsu MP1900A's remote commands and
// answers `*IDN?` as one (bert-mp1900a.ts); 'scpi-bert' speaks INSTRUMENTS.md's placeholder tree, which no
// vendor speaks, under this simulator's own identity (bert-scpi-commands.ts).
//
// Line coding: NRZ, or (scpi-bert tree only) Gray-coded PAM4 with the FEC analysis of virtual KP4 codewords
// (pam4-link.ts, bert-fec.ts). The MP1900A tree has no PAM4 here: the MP1900A's PAM4 and FEC remote commands
// are not in the public sources this project cites (drivers/README.md), so none are made up.
import type { LineCoding } from '../../models/kp4-fec.ts';
import type { BenchClock } from '../clock.ts';
import { ScpiInstrument } from '../scpi/index.ts';
import type { OpticalWorld } from '../world/optical-world.ts';
import { SYNC_LOSS_BER, berAtThreshold, receiverBer } from '../world/receiver-link.ts';
import type { PrbsPattern } from '../world/receiver-link.ts';
import { pam4ReceiverBer } from '../world/pam4-link.ts';
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
  /** The ED's decision threshold from the eye's centre, V (NRZ). */
  readonly threshold_V: number;
  readonly coding: LineCoding;
}

const DEFAULT_CONFIG: BertConfig = { genPattern: 'PRBS31', detPattern: 'PRBS31', rate_Hz: BERT_DEFAULT_RATE_HZ, outputOn: false, forcedLoss: false, threshold_V: 0, coding: 'NRZ' };

export interface BertOptions {
  /** Power-on line coding and rate (a PAM4 BERT starts as one). */
  coding?: LineCoding;
  rate_Hz?: number;
  /** The identity to answer (scpi-bert tree only: a second simulated unit has its own serial number). */
  identity?: string;
}

export class Bert extends ScpiInstrument {
  /** Generator and detector settings over bench time: a gate evaluated late still sees each moment's. */
  readonly config: Timeline<BertConfig>;
  /** Power-on (and *RST) settings. */
  private readonly defaults: BertConfig;
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
    opts: BertOptions & { role?: string } = {},
  ) {
    super({ role: opts.role ?? 'bert', identity: dialect === 'mp1900a' ? MP1900A_IDENTITY : opts.identity ?? SCPI_BERT_IDENTITY, clock });
    if (!BERT_DIALECTS.includes(dialect)) throw new RangeError(`simulated BERT: dialect must be one of ${BERT_DIALECTS.join(', ')}, got '${String(dialect)}'`);
    if (opts.coding !== undefined && opts.coding !== 'NRZ' && opts.coding !== 'PAM4') throw new RangeError(`simulated BERT: coding must be NRZ or PAM4, got '${String(opts.coding)}'`);
    if (dialect === 'mp1900a' && (opts.coding === 'PAM4' || opts.identity !== undefined)) {
      throw new RangeError('simulated BERT: the mp1900a tree serves NRZ under the MP1900A identity only (its PAM4/FEC commands are not in the cited sources); use the scpi-bert tree');
    }
    this.defaults = { ...DEFAULT_CONFIG, ...(opts.coding ? { coding: opts.coding } : {}), ...(opts.rate_Hz !== undefined ? { rate_Hz: opts.rate_Hz } : {}) };
    this.config = new Timeline<BertConfig>(this.defaults);
    if (dialect === 'mp1900a') this.useCommands(MP1900A_COMMANDS, this);
    else this.useCommands(SCPI_BERT_COMMANDS, this);
  }

  /** What the detector sees at bench time t. */
  view(t_s: number): DetectorView {
    const c = this.config.at(t_s);
    const power_W = this.world.bertInput_W(t_s);
    const truth = this.world.receiverTruth();
    // The threshold scan is an NRZ feature here: a PAM4 ED has three thresholds, one per eye.
    const ber = c.coding === 'PAM4' ? pam4ReceiverBer(power_W, c.rate_Hz, c.genPattern, truth)
      : berAtThreshold(receiverBer(power_W, c.rate_Hz, c.genPattern, truth), c.threshold_V);
    const synced = c.outputOn && !c.forcedLoss && c.genPattern === c.detPattern && power_W > 0 && ber < SYNC_LOSS_BER;
    return { synced, ber, rate_Hz: c.rate_Hz, coding: c.coding };
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
    this.config.set(this.clock.now_s(), { ...this.defaults, forcedLoss });
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
