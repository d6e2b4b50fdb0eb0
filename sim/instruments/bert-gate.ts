// One measurement gate of the BERT's error detector, drawn piece by piece as bench time passes. Each piece
// (at most a thousandth of a planned gate, 1 s of an untimed one, and cut wherever the counts are read)
// draws its errors from a Poisson law with mean BER × bits at the line rate, the BER taken from the
// received power at the piece's middle (so drift, VOA steps and a moving fiber show up). Cutting a Poisson
// process anywhere leaves it a Poisson process, so a gate read while it runs is as random as one read at
// its end, and counts only grow. Short gates at low BER honestly show zero errors. While the detector has
// no pattern sync, the bits it compares are random: a BER of 0.5, and the gate remembers the loss, counted
// in sync-loss seconds (1-s alarm intervals from the gate's start with any loss, as the MP1900A counts them).
// On a PAM4 line the errors come from the FEC analysis instead (bert-fec.ts): each piece's whole virtual
// codewords are drawn (the bits of a codeword still open at a piece's end carry over to the next), and its
// bit errors are those of the drawn symbol errors, so counts, symbol errors and histogram agree.
import { KP4_CODEWORD_BITS } from '../../models/kp4-fec.ts';
import type { LineCoding } from '../../models/kp4-fec.ts';
import type { SeededRandom } from '../random.ts';
import { CodewordDrawer, addFec, emptyFec, unsyncedCodewords } from './bert-fec.ts';
import type { FecCounts } from './bert-fec.ts';

const MAX_SEGMENTS = 1000;
const MIN_SEGMENT_S = 1e-3;
/** Longest piece of a gate without a planned end (MP1900A UNTimed), s. */
const UNTIMED_SEGMENT_S = 1;

/** What the detector sees at one instant. */
export interface DetectorView {
  synced: boolean;
  /** BER of the received signal when synced. */
  ber: number;
  rate_Hz: number;
  /** The line coding (NRZ when absent); PAM4 gates also count virtual KP4 codewords. */
  coding?: LineCoding;
}

export interface GateCounts {
  bits: number;
  errors: number;
  /** Sync was lost at some point of the gate so far. */
  syncLost: boolean;
  /** Pattern-sync-loss seconds: how many 1-s intervals of the gate (from its start) saw any loss of sync. */
  syncLoss_s: number;
  /** PAM4 gates: the FEC analysis of the same bits. */
  fec?: FecCounts;
}

/** The alarm interval the detector counts sync-loss seconds in. */
const ALARM_INTERVAL_S = 1;

interface Piece {
  from_s: number;
  to_s: number;
  bits: number;
  errors: number;
  synced: boolean;
  fec?: FecCounts;
}

export class Gate {
  private readonly seg_s: number;
  private readonly pieces: Piece[] = [];
  private readonly insertions: number[] = [];
  private stopped_s: number | null = null;
  private readonly codewords: CodewordDrawer;
  /** Bits of the virtual codeword still open at the last piece's end. */
  private openCodewordBits = 0;

  constructor(
    readonly start_s: number,
    private readonly planned_s: number,
    private readonly view: (t_s: number) => DetectorView,
    private readonly rng: SeededRandom,
  ) {
    this.codewords = new CodewordDrawer(rng);
    this.seg_s = Number.isFinite(planned_s) ? Math.max(MIN_SEGMENT_S, planned_s / MAX_SEGMENTS) : UNTIMED_SEGMENT_S;
  }

  /** When the gate ends (planned, or when it was stopped); Infinity while an untimed gate runs. */
  get end_s(): number {
    return Math.min(this.start_s + this.planned_s, this.stopped_s ?? Infinity);
  }

  running(t_s: number): boolean {
    return t_s >= this.start_s && t_s < this.end_s;
  }

  stop(t_s: number): void {
    if (t_s < this.end_s) {
      this.drawUntil(t_s);
      this.stopped_s = Math.max(t_s, this.start_s);
    }
  }

  /** One error inserted into the transmitted pattern at t (counted when the gate runs and is synced then). */
  insertError(t_s: number): void {
    if (this.running(t_s)) this.insertions.push(t_s);
  }

  /** Counts accumulated by bench time t. */
  countsAt(t_s: number): GateCounts {
    const te = Math.min(t_s, this.end_s);
    this.drawUntil(te);
    let bits = 0;
    let errors = 0;
    let fec: FecCounts | undefined;
    // Unsynced stretches come in time order, so each alarm interval is counted once by remembering the last.
    let lossSeconds = 0;
    let lastCounted = -1;
    const lost = (a: number, b: number): void => {
      const from = Math.floor((a - this.start_s) / ALARM_INTERVAL_S + 1e-9);
      const last = Math.max(Math.ceil((b - this.start_s) / ALARM_INTERVAL_S - 1e-9) - 1, from);
      const first = Math.max(from, lastCounted + 1);
      if (last < first) return;
      lossSeconds += last - first + 1;
      lastCounted = last;
    };
    for (const p of this.pieces) {
      if (p.to_s > te + 1e-12) break;
      bits += p.bits;
      errors += p.errors;
      if (p.fec) addFec((fec ??= emptyFec()), p.fec);
      if (!p.synced) lost(p.from_s, p.to_s);
    }
    for (const t of this.insertions) if (t <= te && this.view(t).synced) errors += 1;
    return { bits: Math.round(bits), errors, syncLost: lossSeconds > 0, syncLoss_s: lossSeconds, ...(fec ? { fec } : {}) };
  }

  /** Draws the pieces from the last one's end up to t (never past the gate's end). */
  private drawUntil(t_s: number): void {
    const until = Math.min(t_s, this.end_s);
    let from = this.pieces.at(-1)?.to_s ?? this.start_s;
    while (until - from > 1e-12) {
      // Pieces keep to the gate's grid, so a gate read only at its end is drawn as before.
      const k = Math.floor((from - this.start_s) / this.seg_s + 1e-9);
      const gridEnd = this.start_s + (k + 1) * this.seg_s;
      const to = Math.min(until, gridEnd - from < 1e-12 ? gridEnd + this.seg_s : gridEnd);
      const v = this.view((from + to) / 2);
      const bits = v.rate_Hz * (to - from);
      const ber = v.synced ? v.ber : 0.5;
      if (v.coding === 'PAM4') this.pieces.push({ from_s: from, to_s: to, bits, synced: v.synced, ...this.pam4Piece(bits, v) });
      else this.pieces.push({ from_s: from, to_s: to, bits, errors: this.rng.poisson(ber * bits), synced: v.synced });
      from = to;
    }
  }

  private pam4Piece(bits: number, v: DetectorView): { errors: number; fec: FecCounts } {
    const open = this.openCodewordBits + bits;
    const n = Math.floor(open / KP4_CODEWORD_BITS);
    this.openCodewordBits = open - n * KP4_CODEWORD_BITS;
    if (!v.synced) return { errors: this.rng.poisson(0.5 * bits), fec: unsyncedCodewords(this.rng, n) };
    const d = this.codewords.draw(n, v.ber);
    return { errors: d.bitErrors, fec: d.fec };
  }
}
