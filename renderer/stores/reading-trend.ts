// The last few minutes of live meter readings per meter channel, for the trend strip under the big
// number (a technician peaking a fiber by hand watches the trend, not only the digits). Fixed-size ring
// buffers of bench time and dBm; a reading below the floor is a gap (NaN).
import type { MeterReading } from '../../service/bench-api.ts';

const DEFAULT_CAPACITY = 600;

class Ring {
  private t: Float64Array;
  private v: Float64Array;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(t_s: number, value: number): void {
    const at = (this.start + this.size) % this.capacity;
    this.t[at] = t_s;
    this.v[at] = value;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first: [times, values] copied out in order. */
  series(): [Float64Array, Float64Array] {
    const t = new Float64Array(this.size), v = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const j = (this.start + i) % this.capacity;
      t[i] = this.t[j] as number;
      v[i] = this.v[j] as number;
    }
    return [t, v];
  }

  get length(): number {
    return this.size;
  }
}

export class ReadingTrend {
  private rings = new Map<string, Ring>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  add(r: MeterReading): void {
    for (const c of r.channels) {
      const key = `${r.role}:${c.channel}`;
      let ring = this.rings.get(key);
      if (!ring) {
        ring = new Ring(this.capacity);
        this.rings.set(key, ring);
      }
      ring.push(r.benchTime_s, c.power_dBm ?? Number.NaN);
    }
  }

  /** [bench seconds, dBm] of one channel, oldest first (empty when never read). */
  series(role: string, channel: number): [Float64Array, Float64Array] {
    return this.rings.get(`${role}:${channel}`)?.series() ?? [new Float64Array(0), new Float64Array(0)];
  }

  clear(): void {
    this.rings.clear();
  }
}
