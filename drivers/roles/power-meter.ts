// The PowerMeter role: one or more optical power sensor channels, single readings and the fast logging
// function (arm, trigger, fetch the float32 block).
import type { InstrumentDriver } from '../driver.ts';

export type PowerUnit = 'dBm' | 'W';

/**
 * 'ignore': log free-running from the start command; 'single': one sample per pulse on the trigger input
 * (the laser's trigger output during a sweep); 'continuous': the first pulse starts the whole log, back to
 * back (a stage's trigger output at motion start).
 */
export type LoggingTrigger = 'ignore' | 'single' | 'continuous';

export interface LoggingOptions {
  channel: number;
  samples: number;
  /** Averaging time of each sample. */
  averagingTime_s: number;
  trigger: LoggingTrigger;
}

export interface StopLoggingOptions {
  /**
   * The log is complete and fetched: a driver may leave it in place and send the stop with the next
   * message for the channel (saving an exchange); one that cannot stops it now.
   */
  deferred?: boolean;
}

/** 'idle': no logging function active; 'running': armed or logging; 'complete': results ready. */
export type LoggingState = 'idle' | 'running' | 'complete';

/**
 * Readings below the sensor's noise floor are returned as the meter reports them (its floor, or a tiny
 * or negative linear power); a linear reading ≤ 0 W is -Infinity dBm. No reading is an error for being low.
 */
export interface PowerMeter extends InstrumentDriver {
  readonly kind: 'meter';
  /** The channel numbers methods accept, e.g. [1, 2, 3, 4] on a 4-port meter. */
  readonly channels: readonly number[];
  setWavelength_nm(channel: number, wavelength_nm: number): Promise<void>;
  wavelength_nm(channel: number): Promise<number>;
  setAveragingTime_s(channel: number, averagingTime_s: number): Promise<void>;
  averagingTime_s(channel: number): Promise<number>;
  setAutoRange(channel: number, on: boolean): Promise<void>;
  autoRange(channel: number): Promise<boolean>;
  /** Manual range (turns auto-range off on the instrument). */
  setRange_dBm(channel: number, range_dBm: number): Promise<void>;
  range_dBm(channel: number): Promise<number>;
  /** The unit the instrument displays and reports in; the read methods convert whatever it is. */
  setUnit(channel: number, unit: PowerUnit): Promise<void>;
  unit(channel: number): Promise<PowerUnit>;
  /** Starts a new measurement and returns it. */
  readPower_dBm(channel: number): Promise<number>;
  readPower_W(channel: number): Promise<number>;
  /** The last measured value, without a new measurement. */
  fetchPower_dBm(channel: number): Promise<number>;
  fetchPower_W(channel: number): Promise<number>;
  /** A new measurement on every channel, in `channels` order, in one round trip. */
  readAll_dBm(): Promise<number[]>;
  /** Configures and arms the logging function on one channel. */
  startLogging(options: LoggingOptions): Promise<void>;
  loggingState(channel: number): Promise<LoggingState>;
  /** Polls until the log is complete; WaitTimeoutError after `timeout_s` (the logging is then stopped). */
  waitLogging(channel: number, timeout_s: number): Promise<void>;
  stopLogging(channel: number, opts?: StopLoggingOptions): Promise<void>;
  /**
   * Optional: sets the averaging time and takes a new reading in one round trip (what setAveragingTime_s
   * then readPower_dBm do in several).
   */
  readPowerAveraged_dBm?(channel: number, averagingTime_s: number): Promise<number>;
  /** The logged samples in W (the float32 block), oldest first. */
  fetchLog_W(channel: number): Promise<number[]>;
}
