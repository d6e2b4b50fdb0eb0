// One measurement gate of the BERT's error detector. The gate is cut into up to 1000 segments; each
// segment's errors are a Poisson draw with mean BER × bits at the line rate, the BER taken from the
// received power at the segment's middle (so drift, VOA steps and a moving fiber show up). Short gates at
// low BER honestly show zero errors. While the detector has no pattern sync, the bits it compares are
// random: a BER of 0.5, and the gate remembers the loss, counted in
// sync-loss seconds (1-s alarm intervals from the gate's start with any loss, as the MP1900A counts them). Completed segments are cached, so counts only grow.
import type { SeededRandom } from '../random.ts';

const MAX_SEGMENTS = 1000;
const MIN_SEGMENT_S = 1e-3;

/** What the detector sees at one instant. */
export interface DetectorView {
  synced: boolean;
  /** BER of the received signal when synced. */
  ber: number;
  rate_Hz: number;
}

export interface GateCounts {
  bits: number;
  errors: number;
  /** Sync was lost at some point of the gate so far. */
  syncLost: boolean;
  /** Pattern-sync-loss seconds: how many 1-s intervals of the gate (from its start) saw any loss of sync. */
  syncLoss_s: number;
}

/** The alarm interval the detector counts sync-loss seconds in. */
const ALARM_INTERVAL_S = 1;

export class Gate {
  private readonly seg_s: number;
  private readonly cached: { bits: number; errors: number; synced: boolean }[] = [];
  private last: { bits: number; errors: number; synced: boolean } | null = null;
  private readonly insertions: number[] = [];
  private stopped_s: number | null = null;

  constructor(
    readonly start_s: number,
    private readonly planned_s: number,
    private readonly view: (t_s: number) => DetectorView,
    private readonly rng: SeededRandom,
  ) {
    this.seg_s = Math.max(MIN_SEGMENT_S, planned_s / MAX_SEGMENTS);
  }

  /** When the gate ends (planned, or when it was stopped). */
  get end_s(): number {
    return Math.min(this.start_s + this.planned_s, this.stopped_s ?? Infinity);
  }

  running(t_s: number): boolean {
    return t_s >= this.start_s && t_s < this.end_s;
  }

  stop(t_s: number): void {
    if (t_s < this.end_s) this.stopped_s = Math.max(t_s, this.start_s);
  }

  /** One error inserted into the transmitted pattern at t (counted when the gate runs and is synced then). */
  insertError(t_s: number): void {
    if (this.running(t_s)) this.insertions.push(t_s);
  }

  /** Counts accumulated by bench time t. */
  countsAt(t_s: number): GateCounts {
    const te = Math.min(t_s, this.end_s);
    let bits = 0;
    let errors = 0;
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
    if (te > this.start_s) {
      const full = Math.floor((te - this.start_s) / this.seg_s + 1e-9);
      for (let i = 0; i < full; i++) {
        const s = this.segment(i);
        bits += s.bits;
        errors += s.errors;
        if (!s.synced) lost(this.start_s + i * this.seg_s, this.start_s + (i + 1) * this.seg_s);
      }
      const partialFrom = this.start_s + full * this.seg_s;
      const partial_s = te - partialFrom;
      if (partial_s > 1e-12) {
        if (te >= this.end_s) {
          // The gate's last, shorter segment: final, so drawn like the others.
          this.last ??= this.segmentOver(full, partialFrom, te);
          const s = this.last;
          bits += s.bits;
          errors += s.errors;
          if (!s.synced) lost(partialFrom, te);
        } else {
          // Mid-segment (real time): the expected count so far, never a peek at the future.
          const v = this.view(te);
          const b = v.rate_Hz * partial_s;
          bits += b;
          errors += Math.floor((v.synced ? v.ber : 0.5) * b);
          if (!v.synced) lost(partialFrom, te);
        }
      }
    }
    for (const t of this.insertions) if (t <= te && this.view(t).synced) errors += 1;
    return { bits: Math.round(bits), errors, syncLost: lossSeconds > 0, syncLoss_s: lossSeconds };
  }

  private segment(i: number): { bits: number; errors: number; synced: boolean } {
    const a = this.start_s + i * this.seg_s;
    return this.segmentOver(i, a, a + this.seg_s);
  }

  private segmentOver(i: number, a: number, b: number): { bits: number; errors: number; synced: boolean } {
    const full = Math.abs(b - a - this.seg_s) < 1e-12;
    const hit = this.cached[i];
    if (hit && full) return hit;
    while (this.cached.length < i) this.segment(this.cached.length);
    const v = this.view((a + b) / 2);
    const bits = v.rate_Hz * (b - a);
    const ber = v.synced ? v.ber : 0.5;
    const s = { bits, errors: this.rng.poisson(ber * bits), synced: v.synced };
    if (full) this.cached[i] = s;
    return s;
  }
}
