// Waiting for an instrument to finish (a log, a sweep, a gate) by polling its state query. The first poll
// goes out at once (a simulator in fast mode jumps to completion on it); later ones back off to 100 ms.
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidSettingError } from './errors.ts';

/** The instrument did not reach the awaited state within the caller's time limit. */
export class WaitTimeoutError extends Error {
  readonly resource: string;
  /** What was awaited, e.g. 'the power-meter log on channel 1'. */
  readonly what: string;
  readonly timeout_s: number;

  constructor(resource: string, what: string, timeout_s: number) {
    super(`${resource}: ${what} did not finish within ${timeout_s} s`);
    this.name = 'WaitTimeoutError';
    this.resource = resource;
    this.what = what;
    this.timeout_s = timeout_s;
  }
}

export interface PollOptions {
  resource: string;
  what: string;
  timeout_s: number;
  /** Resolves true once done. */
  done: () => Promise<boolean>;
  /** Longest pause between polls. */
  maxInterval_s?: number;
}

const FIRST_INTERVAL_S = 0.005;

export async function pollUntil(opts: PollOptions): Promise<void> {
  const { resource, what, timeout_s, done, maxInterval_s = 0.1 } = opts;
  if (!(typeof timeout_s === 'number' && Number.isFinite(timeout_s) && timeout_s > 0)) {
    throw new InvalidSettingError(resource, 'timeout_s', timeout_s, 'a finite number of seconds > 0');
  }
  const deadline = Date.now() + timeout_s * 1000;
  let interval_s = FIRST_INTERVAL_S;
  for (;;) {
    if (await done()) return;
    const left_ms = deadline - Date.now();
    if (left_ms <= 0) throw new WaitTimeoutError(resource, what, timeout_s);
    await sleep(Math.min(interval_s * 1000, left_ms));
    interval_s = Math.min(interval_s * 2, maxInterval_s);
  }
}

/**
 * pollUntil(), and when it times out, `stop` first (its own failure ignored: the timeout is the news), so a
 * log, sweep or gate left running does not spoil the next measurement.
 */
export async function pollUntilOrStop(opts: PollOptions & { stop: () => Promise<unknown> }): Promise<void> {
  try {
    await pollUntil(opts);
  } catch (err) {
    if (err instanceof WaitTimeoutError) await opts.stop().catch(() => undefined);
    throw err;
  }
}
