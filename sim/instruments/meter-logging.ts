// The meter's logging function for one port: n samples of one averaging time each. With the trigger
// input ignored (IGN) it samples back to back from the start command; with SME each trigger pulse starts
// one sample (pulses arriving while a sample is being averaged are ignored, as on the real meter); with
// CME the first pulse starts back-to-back sampling. Samples are computed lazily from the world, which is
// a function of bench time, so a sample means the light at its own time.
import type { SeededRandom } from '../random.ts';
import type { TriggerLine } from '../world/trigger-line.ts';
import { measure } from './meter-detector.ts';
import type { DetectorSettings, MeterOptics } from './meter-detector.ts';

export type TriggerInput = 'IGN' | 'SME' | 'CME';

export const MAX_LOGGING_POINTS = 1_000_000;

export interface LoggingParams {
  points: number;
  atime_s: number;
}

export type LoggingState = 'none' | 'progress' | 'complete';

/** What a timing profile adds to a log (sim/timing): zero on the ideal bench. */
export interface LoggingTiming {
  /** Gap between one averaging window and the next, s. */
  deadTime_s: number;
  /** From the start command (IGN) or the trigger pulse (SME, CME) to the window it opens, s. */
  startLatency_s: number;
}

interface Run {
  readonly points: number;
  readonly settings: DetectorSettings;
  readonly armed_s: number;
  readonly trigger: TriggerInput;
  readonly rng: SeededRandom;
  readonly values: Float32Array;
  computed: number;
  stopped_s: number | null;
}

export class MeterLogging {
  private run: Run | null = null;
  private runs = 0;
  private timing: LoggingTiming = { deadTime_s: 0, startLatency_s: 0 };

  constructor(
    private readonly world: MeterOptics,
    private readonly port: number,
    private readonly triggers: TriggerLine,
  ) {}

  setTiming(timing: LoggingTiming): void {
    this.timing = { ...timing };
  }

  get active(): boolean {
    return this.run !== null && this.run.stopped_s === null;
  }

  start(params: LoggingParams, settings: DetectorSettings, trigger: TriggerInput, t_s: number): void {
    this.runs += 1;
    this.run = {
      points: params.points,
      settings: { ...settings, atime_s: params.atime_s },
      armed_s: t_s,
      trigger,
      rng: this.world.stream(`meter-log-${this.port}-${this.runs}`),
      values: new Float32Array(params.points),
      computed: 0,
      stopped_s: null,
    };
  }

  /** Stops the function; samples already averaged are kept. */
  stop(t_s: number): void {
    if (this.run && this.run.stopped_s === null) {
      this.compute(t_s);
      this.run.stopped_s = t_s;
    }
  }

  /** Bench time the last sample is complete; null while it depends on trigger pulses not yet known. */
  doneAt_s(): number | null {
    const r = this.run;
    if (!r || r.stopped_s !== null) return null;
    const w = this.windows(r);
    if (w.length < r.points) return null;
    return (w[r.points - 1] as number) + r.settings.atime_s;
  }

  state(t_s: number): LoggingState {
    const r = this.run;
    if (!r || r.stopped_s !== null) return 'none';
    const done = this.doneAt_s();
    return done !== null && t_s >= done ? 'complete' : 'progress';
  }

  /** Samples averaged by bench time t, W (all n once complete). */
  results(t_s: number): Float32Array {
    const r = this.run;
    if (!r) return new Float32Array(0);
    this.compute(r.stopped_s ?? t_s);
    return r.values.slice(0, r.computed);
  }

  /** Start times of the sample windows known now (up to n). */
  private windows(r: Run): number[] {
    const atime = r.settings.atime_s;
    const { deadTime_s: dead, startLatency_s: lat } = this.timing;
    const out: number[] = [];
    if (r.trigger === 'IGN') {
      for (let k = 0; k < r.points; k++) out.push(r.armed_s + lat + k * (atime + dead));
    } else if (r.trigger === 'CME') {
      const first = this.triggers.pulsesFrom(r.armed_s, 1)[0];
      if (first !== undefined) for (let k = 0; k < r.points; k++) out.push(first + lat + k * (atime + dead));
    } else {
      let from = r.armed_s;
      let free = -Infinity;
      while (out.length < r.points) {
        const batch = this.triggers.pulsesFrom(from, r.points - out.length + 256);
        if (batch.length === 0) break;
        for (const t of batch) {
          // A pulse during a window or the dead time after it is ignored, as on the real meter.
          if (t + lat >= free - 1e-9 && out.length < r.points) {
            out.push(t + lat);
            free = t + lat + atime + dead;
          }
        }
        from = (batch[batch.length - 1] as number) + 1e-12;
      }
    }
    if (r.stopped_s !== null) {
      const stop = r.stopped_s;
      return out.filter((t) => t + atime <= stop);
    }
    return out;
  }

  /** Averages, in order, every sample whose window has ended by t. */
  private compute(t_s: number): void {
    const r = this.run;
    if (!r || r.stopped_s !== null) return;
    const w = this.windows(r);
    const atime = r.settings.atime_s;
    while (r.computed < w.length && (w[r.computed] as number) + atime <= t_s) {
      const reading = measure(this.world, this.port, w[r.computed] as number, r.settings, r.rng);
      r.values[r.computed] = reading.overrange ? Number.NaN : reading.power_W;
      r.computed += 1;
    }
  }
}
