// The BNC cables into the meter's trigger input: from the laser's trigger output and from the PI stage
// controller's trigger output (its rising edge at motion start, pi-gcs-trigger.ts). The laser posts the
// pulse times of a sweep when it starts (they are deterministic); a stop truncates them. The meter
// asks which pulses arrived after it armed. Times are bench seconds.

interface Burst {
  times: Float64Array;
  /** Pulses after this time never fired (the sweep was stopped or the laser tripped). */
  cutoff_s: number;
}

/** Bursts kept; older ones can no longer matter to a meter armed recently. */
const MAX_BURSTS = 64;

export class TriggerLine {
  private bursts: Burst[] = [];

  /** Posts the pulse times of a sweep (chronological). */
  post(times: Float64Array): void {
    this.bursts.push({ times, cutoff_s: Infinity });
    if (this.bursts.length > MAX_BURSTS) this.bursts.shift();
  }

  /** No pulse after t_s fires from the bursts posted so far. */
  cut(t_s: number): void {
    for (const b of this.bursts) b.cutoff_s = Math.min(b.cutoff_s, t_s);
  }

  /**
   * Pulses at or after `from_s`, chronological, at most `max` of them, as known now
   * (pulses of a running sweep are known in advance; a later stop may cancel future ones).
   */
  pulsesFrom(from_s: number, max: number): number[] {
    const out: number[] = [];
    for (const b of this.bursts) {
      if (out.length >= max) break;
      let i = lowerBound(b.times, from_s);
      for (; i < b.times.length && out.length < max; i++) {
        const t = b.times[i] as number;
        if (t > b.cutoff_s) break;
        out.push(t);
      }
    }
    return out.sort((a, b) => a - b).slice(0, max);
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
