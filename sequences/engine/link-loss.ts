// Instrument loss: which role a LinkLostError belongs to, and getting it back — reopen the session and
// re-identify, with exponential backoff, until a deadline. Like a suspender in Bluesky's RunEngine, the
// engine pauses the run meanwhile and resumes the step from its last committed point.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bench } from '../bench-port.ts';
import { LinkLostError } from '../../drivers/errors.ts';
import { errorMessage } from './errors.ts';

/** The LinkLostError behind `err` (itself, or in its cause chain: a truncated block cut by a loss). */
export function linkLossOf(err: unknown): LinkLostError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof LinkLostError) return e;
  }
  return undefined;
}

/** The bench role whose resource is `resource`. */
export function roleOfResource(bench: Bench, resource: string): string | undefined {
  return bench.instruments().find((i) => i.resource === resource || i.driver.session?.resource === resource)?.role;
}

export interface RecoveryPolicy {
  /** Give up (abort the run safely) when the instrument is not back after this long. */
  deadline_s: number;
  /** First wait between attempts; doubles up to maxBackoff_s. */
  backoff_s: number;
  maxBackoff_s: number;
  /** Making the bench safe keeps trying a role that failed until this long has passed (default 60 s). */
  safeDeadline_s?: number;
}

export interface ReconnectHooks {
  /** Wall-clock milliseconds (injectable for tests). */
  now_ms(): number;
  /** When the outage began (default: now); the deadline counts from here (a recurring stall keeps its first start). */
  since_ms?: number;
  /**
   * After the identity answered, within the same attempt: re-read what the instrument was doing (a stall
   * may have let a move finish, or not); a failure fails the attempt. Returns a line for the log. It is not
   * held to the attempt's bound (waiting out a long move is legitimate; it bounds that wait itself, by
   * polling) but to `left_s`, what is left of the deadline.
   */
  afterIdentify?(left_s: number): Promise<string | null>;
  sleep_ms(ms: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
  onAttemptFailed?(attempt: number, err: unknown): void;
}

export type ReconnectResult =
  | { ok: true; identity: string; attempts: number; outage_s: number; state: string | null }
  | { ok: false; attempts: number; outage_s: number; lastError: string };

/** How long the fresh connection for the safe state may take to open, past the deadline, s. */
const RENEW_AT_END_S = 5;

/** Shortest time an attempt is given, however close the deadline. */
const MIN_ATTEMPT_S = 0.2;

/** An attempt's reconnect and identify are given at least this long (a resync, then `*IDN?`), s. */
const ATTEMPT_FLOOR_S = 5;

/**
 * How long one attempt's reconnect + identify may take: min(left, max(2 × reply timeout, 5 s)). Not the
 * whole deadline: a stall that returns during the attempt (or a sync query swallowed by the hung box) would
 * hold that attempt to the end, and no later attempt could find the instrument back.
 */
export function attemptBound_s(replyTimeout_ms: number | undefined, left_s: number): number {
  const own_s = Math.max(2 * (replyTimeout_ms ?? 0) / 1000, ATTEMPT_FLOOR_S);
  return Math.max(Math.min(left_s, own_s), MIN_ATTEMPT_S);
}

/** Real time, not the injectable sleep: the attempt is real I/O against a real read timeout. */
async function withinSeconds<T>(limit_s: number, f: () => Promise<T>): Promise<T> {
  const timer = new AbortController();
  const attempt = f();
  attempt.catch(() => undefined);
  const expired = sleep(limit_s * 1000, undefined, { signal: timer.signal }).then(() => {
    throw new Error(`no answer within ${Number(limit_s.toFixed(3))} s`);
  }, () => new Promise<never>(() => {}));
  try {
    return await Promise.race([attempt, expired]);
  } finally {
    timer.abort();
  }
}

/** Reopens the role's session and asks its identity, retrying with backoff until the deadline. */
export async function reconnect(bench: Bench, role: string, policy: RecoveryPolicy, hooks: ReconnectHooks): Promise<ReconnectResult> {
  const driver = bench.get(role);
  const start = hooks.since_ms ?? hooks.now_ms();
  let delay_s = policy.backoff_s;
  let attempts = 0;
  let lastError: string;
  for (;;) {
    if (hooks.signal.aborted) return { ok: false, attempts, outage_s: (hooks.now_ms() - start) / 1000, lastError: 'aborted' };
    attempts++;
    try {
      // An attempt may not outlive the deadline (a hung box answers nothing for a whole read timeout), nor
      // its own bound: a stall that comes back during it costs that attempt, not every later one.
      const left_s = () => Math.max(policy.deadline_s - (hooks.now_ms() - start) / 1000, MIN_ATTEMPT_S);
      const renew = attempts > 1 && driver.session.isOpen && typeof driver.session.renew === 'function';
      const identity = await withinSeconds(attemptBound_s(driver.session.options?.timeout_ms, left_s()), async () => {
        // The last attempt got nowhere on this connection (its sync query swallowed, or an exchange still
        // hanging in front of it): a fresh one, so this attempt waits on nothing the last one left.
        if (renew) await driver.session.renew('no answer on the old connection; reconnecting');
        await driver.session.reopen();
        return driver.identify();
      });
      const after = hooks.afterIdentify;
      const state = after ? await withinSeconds(left_s(), () => after(left_s())) : null;
      return { ok: true, identity, attempts, outage_s: (hooks.now_ms() - start) / 1000, state };
    } catch (err) {
      lastError = errorMessage(err);
      hooks.onAttemptFailed?.(attempts, err);
    }
    const elapsed_s = (hooks.now_ms() - start) / 1000;
    if (elapsed_s >= policy.deadline_s) {
      // The safe state comes next: it must not queue behind an attempt still hanging on this connection.
      if (driver.session.isOpen && typeof driver.session.renew === 'function') {
        await withinSeconds(RENEW_AT_END_S, () => driver.session.renew('not back by the deadline; a fresh connection for the safe state')).catch(() => undefined);
      }
      return { ok: false, attempts, outage_s: elapsed_s, lastError };
    }
    const wait_s = Math.min(delay_s, policy.deadline_s - elapsed_s);
    try {
      await hooks.sleep_ms(wait_s * 1000, hooks.signal);
    } catch {
      // Aborted while waiting: the loop's check reports it.
    }
    delay_s = Math.min(delay_s * 2, policy.maxBackoff_s);
  }
}
