// Logging several ports of a multiport power meter at once: every port armed in one program message,
// so one trigger (or the one start command) starts them all, and each port's samples read back as one
// binary block per port. What the fiber-array alignment needs to watch every channel through a move.
import type { LoggingTrigger, PowerMeter } from './power-meter.ts';

export interface MultiPortLoggingOptions {
  channels: readonly number[];
  samples: number;
  averagingTime_s: number;
  trigger: LoggingTrigger;
}

export interface MultiPortLogger extends PowerMeter {
  /** Arms the logging function on every listed channel with one program message and one error check. */
  startLoggingAll(options: MultiPortLoggingOptions): Promise<void>;
  /** Polls until every listed channel's log is complete (stops them all on timeout). */
  waitLoggingAll(channels: readonly number[], timeout_s: number): Promise<void>;
  /** Each channel's samples in W: one float32 block per port, in `channels` order. */
  fetchLogs_W(channels: readonly number[]): Promise<number[][]>;
  stopLoggingAll(channels: readonly number[]): Promise<void>;
}

export function isMultiPortLogger(meter: PowerMeter): meter is MultiPortLogger {
  return typeof (meter as Partial<MultiPortLogger>).startLoggingAll === 'function';
}
