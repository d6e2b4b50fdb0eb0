// The TunableLaser role: wavelength, power, output, a step sweep driven from here and the laser's own
// continuous sweep with its wavelength log. Limits are the model's, checked before anything is sent.
import type { InstrumentDriver } from '../driver.ts';
import { InvalidSettingError } from '../properties/errors.ts';
import type { Range } from '../properties/validators.ts';

export type SweepMode = 'continuous' | 'step';

/** When the trigger output pulses: never, at each step, once at the sweep's start, or once at its end. */
export type TriggerOutput = 'disabled' | 'step' | 'start' | 'stop';

export interface SweepConfig {
  start_nm: number;
  stop_nm: number;
  /** Step between logged points (continuous) or wavelength steps (step mode). */
  step_nm: number;
  speed_nm_s: number;
  mode: SweepMode;
  /** Record the wavelength at each trigger (lambda logging), fetched with fetchWavelengthLog_nm(). */
  logWavelengths: boolean;
  triggerOutput: TriggerOutput;
}

export type SweepCheck = { ok: true } | { ok: false; code: number | null; reason: string };

export interface LaserLimits {
  wavelength_nm: Range;
  power_dBm: Range;
  speed_nm_s: Range;
}

export interface TunableLaser extends InstrumentDriver {
  readonly kind: 'laser';
  /** The model's limits (or the bench file's narrower ones); every setter checks against them first. */
  readonly limits: LaserLimits;
  setWavelength_nm(wavelength_nm: number): Promise<void>;
  wavelength_nm(): Promise<number>;
  setPower_dBm(power_dBm: number): Promise<void>;
  power_dBm(): Promise<number>;
  setOutput(on: boolean): Promise<void>;
  output(): Promise<boolean>;
  /** Waits until the last wavelength or power change has settled. */
  waitSettled(timeout_s?: number): Promise<void>;
  configureSweep(config: SweepConfig): Promise<void>;
  /** The instrument's verdict on the configured sweep (or the driver's, where the model has no check). */
  checkSweep(): Promise<SweepCheck>;
  /** Trigger pulses the configured sweep will emit (= samples a triggered meter must log). */
  expectedTriggers(): Promise<number>;
  /**
   * Starts the configured sweep. When it is over the laser rests at the sweep's start wavelength (as the
   * N777x and TSL do), not at the one it had before: set the wavelength again for CW work after a sweep.
   */
  startSweep(): Promise<void>;
  stopSweep(): Promise<void>;
  sweepRunning(): Promise<boolean>;
  /** Polls until the sweep ends; WaitTimeoutError after `timeout_s` (the sweep is then stopped). */
  waitSweep(timeout_s: number): Promise<void>;
  /** The wavelength at each trigger of the last sweep with logging on, nm. */
  fetchWavelengthLog_nm(): Promise<number[]>;
}

/** A sweep must go up: refused before anything is sent (InvalidSettingError naming resource and value). */
export function checkSweepSpan(resource: string, config: Pick<SweepConfig, 'start_nm' | 'stop_nm'>): void {
  const { start_nm, stop_nm } = config;
  if (!(start_nm < stop_nm)) throw new InvalidSettingError(resource, 'configureSweep.stop_nm', stop_nm, `a wavelength above start_nm (${start_nm} nm)`);
}

export interface StepPlan {
  start_nm: number;
  stop_nm: number;
  step_nm: number;
}

/** Wavelengths of a step sweep from start to stop inclusive (the last step may be short of stop by < step). */
export function stepWavelengths_nm(plan: StepPlan): number[] {
  const { start_nm, stop_nm, step_nm } = plan;
  if (!(Number.isFinite(start_nm) && Number.isFinite(stop_nm) && start_nm <= stop_nm)) {
    throw new RangeError(`step sweep: start_nm (${start_nm}) must be a finite number ≤ stop_nm (${stop_nm})`);
  }
  if (!(Number.isFinite(step_nm) && step_nm > 0)) throw new RangeError(`step sweep: step_nm must be a finite number > 0, got ${step_nm}`);
  const n = Math.floor((stop_nm - start_nm) / step_nm + 1e-9) + 1;
  // Each point from start by multiplication, so rounding does not accumulate over thousands of steps.
  return Array.from({ length: n }, (_, k) => Number((start_nm + k * step_nm).toFixed(9)));
}

/**
 * The step sweep driven from the controller: sets each wavelength, waits for it to settle, then yields it
 * so the caller measures. Every wavelength is checked against the laser's limits before the first is set.
 */
export async function* stepSweep(laser: TunableLaser, plan: StepPlan): AsyncGenerator<number, void, void> {
  const points = stepWavelengths_nm(plan);
  const { min, max } = laser.limits.wavelength_nm;
  const first = points[0] ?? plan.start_nm;
  const last = points.at(-1) ?? plan.stop_nm;
  if (first < min || last > max) {
    throw new InvalidSettingError(laser.session.resource, 'stepSweep', `${first}…${last} nm`, `wavelengths within the laser's ${min}…${max} nm`);
  }
  for (const wavelength_nm of points) {
    await laser.setWavelength_nm(wavelength_nm);
    await laser.waitSettled();
    yield wavelength_nm;
  }
}
