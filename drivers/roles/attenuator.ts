// The Attenuator role: one VOA channel (the bench file's `options.channel` picks which).
import type { InstrumentDriver } from '../driver.ts';

export interface Attenuator extends InstrumentDriver {
  readonly kind: 'voa';
  /** Whether the model has an output power monitor and so a power-setpoint mode. */
  readonly hasPowerControl: boolean;
  /**
   * Displayed attenuation (the instrument adds the offset to the physical attenuation). The filter takes
   * time to get there (tens of ms); waitSettled() returns once it has.
   */
  setAttenuation_dB(attenuation_dB: number): Promise<void>;
  attenuation_dB(): Promise<number>;
  /** Waits until the last attenuation or power-setpoint change has settled. */
  waitSettled(timeout_s?: number): Promise<void>;
  setOffset_dB(offset_dB: number): Promise<void>;
  offset_dB(): Promise<number>;
  /** The wavelength the attenuation is calibrated for. */
  setWavelength_nm(wavelength_nm: number): Promise<void>;
  wavelength_nm(): Promise<number>;
  /** Output shutter: false blocks the light. */
  setOutput(on: boolean): Promise<void>;
  output(): Promise<boolean>;
  /** Power-setpoint mode (the VOA regulates its output to this power); UnsupportedFeatureError on models without a monitor. */
  setOutputPower_dBm(power_dBm: number): Promise<void>;
  outputPower_dBm(): Promise<number>;
}
