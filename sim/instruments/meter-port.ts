// One port of the multiport power meter: its settings, its readings and its logging function.
// Readings spend the averaging time on the bench clock; in continuous mode a FETCh returns the window
// that just ended, without waiting.
import { ScpiError, ScpiErrorCode } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import type { SeededRandom } from '../random.ts';
import { measure } from './meter-detector.ts';
import type { DetectorSettings, MeterOptics, Reading } from './meter-detector.ts';
import { MeterLogging } from './meter-logging.ts';
import type { LoggingParams, TriggerInput } from './meter-logging.ts';

export type MeterTriggerOutput = 'DIS' | 'AVG' | 'MEAS';

const DEFAULTS: DetectorSettings = { wavelength_nm: 1550, atime_s: 0.1, autoRange: true, range_dBm: 0 };

export class MeterPortState {
  settings: DetectorSettings = { ...DEFAULTS };
  unitWatts = false;
  /** Relative (dB) mode, `:SENS:POW:REF:STAT 1`: readings and logs are dB relative to `reference_dBm`. */
  relative = false;
  reference_dBm = 0;
  triggerIn: TriggerInput = 'IGN';
  triggerOut: MeterTriggerOutput = 'DIS';
  continuous = true;
  logParams: LoggingParams = { points: 100, atime_s: 1e-4 };
  readonly logging: MeterLogging;
  private last: Reading | null = null;
  private readonly rng: SeededRandom;

  constructor(
    private readonly world: MeterOptics,
    private readonly clock: BenchClock,
    readonly port: number,
  ) {
    this.logging = new MeterLogging(world, port, world.triggers);
    this.rng = world.stream(`meter-port-${port}`);
  }

  reset(): void {
    this.logging.stop(this.clock.now_s());
    this.settings = { ...DEFAULTS };
    this.unitWatts = false;
    this.relative = false;
    this.reference_dBm = 0;
    this.triggerIn = 'IGN';
    this.triggerOut = 'DIS';
    this.continuous = true;
    this.logParams = { points: 100, atime_s: 1e-4 };
    this.last = null;
  }

  /** Changing a measurement setting stops a running logging function, as on the real meter. */
  changeSettings(change: Partial<DetectorSettings>): void {
    this.logging.stop(this.clock.now_s());
    this.settings = { ...this.settings, ...change };
  }

  /** A new measurement: averages for the averaging time (which passes on the bench clock). */
  async read(): Promise<Reading> {
    this.refuseWhileLogging();
    const t0 = this.clock.now_s();
    await this.clock.advance(this.settings.atime_s);
    return this.measureAt(t0);
  }

  /** Measures the window starting at t0 (the caller spends the time; used by READ:POW:ALL). */
  measureAt(t0_s: number): Reading {
    this.last = measure(this.world, this.port, t0_s, this.settings, this.rng);
    return this.last;
  }

  /** The last value: the window that just ended in continuous mode, else the last READ/INIT result. */
  fetch(): Reading {
    if (this.continuous && !this.logging.active) {
      const t = this.clock.now_s();
      return this.measureAt(Math.max(0, t - this.settings.atime_s));
    }
    if (!this.last) throw new ScpiError(-230, `port ${this.port}: no measurement yet; send READ or INIT first`);
    return this.last;
  }

  refuseWhileLogging(): void {
    if (this.logging.active) {
      throw new ScpiError(ScpiErrorCode.SettingsConflict, `port ${this.port}: logging function running; stop it (FUNC:STAT LOGG,STOP) first`);
    }
  }
}
