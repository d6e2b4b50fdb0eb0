// Bench time. Every simulated operation spends it; fast mode keeps a virtual clock and never waits,
// real-time mode waits for real, so a benchmark can report how long the same work takes on a real bench.
import { setTimeout as sleep } from 'node:timers/promises';

export type ClockMode = 'fast' | 'realtime';

export interface BenchClock {
  readonly mode: ClockMode;
  /** Bench seconds since the bench was created. */
  now_s(): number;
  /** Spends `duration_s` of bench time: fast mode advances at once, real-time mode waits. */
  advance(duration_s: number): Promise<void>;
  /** Lets bench time pass until `t_s` (no-op when already past). */
  advanceTo(t_s: number): Promise<void>;
}

/** A virtual clock: time moves only when an operation spends it. */
export class FastClock implements BenchClock {
  readonly mode = 'fast' as const;
  private t_s = 0;

  now_s(): number {
    return this.t_s;
  }

  async advance(duration_s: number): Promise<void> {
    if (duration_s > 0) this.t_s += duration_s;
  }

  async advanceTo(t_s: number): Promise<void> {
    if (t_s > this.t_s) this.t_s = t_s;
  }
}

/** Wall-clock time: operations really take as long as on the bench (demos, rehearsal). */
export class RealtimeClock implements BenchClock {
  readonly mode = 'realtime' as const;
  private readonly start_ms = performance.now();

  now_s(): number {
    return (performance.now() - this.start_ms) / 1000;
  }

  async advance(duration_s: number): Promise<void> {
    if (duration_s > 0) await sleep(duration_s * 1000);
  }

  async advanceTo(t_s: number): Promise<void> {
    await this.advance(t_s - this.now_s());
  }
}

export function createClock(mode: ClockMode): BenchClock {
  return mode === 'fast' ? new FastClock() : new RealtimeClock();
}
