// The safe state that insists. One try is not enough when an instrument is hung or its link stalled for a
// while: the laser would be left emitting once it answers again. Each role that has not reached its safe
// state (laser off and confirmed off by read-back, stages stopped, BERT gate stopped) is tried again with
// backoff until it does or the deadline passes; the roles go on in parallel, so one hung box never holds
// the others. A try still pending (the box took the bytes and hangs) is never doubled behind itself: two
// safe states queued behind each other would only time out twice. Past its time the session is renewed
// (the hung exchange dropped with its connection) where the session can, else the try is waited for. A
// lost link is reopened first.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bench, BenchInstrument, SafeReport, SafeResult } from './bench.ts';
import { SafeStateError } from '../properties/safe-state.ts';

export const DEFAULT_SAFE_DEADLINE_S = 60;

/** A role not safe yet, as the progress and the final report give it. */
export interface UnsafeRole {
  role: string;
  kind: string;
  /** ISO time the making safe began: the role has not been known safe since. */
  since: string;
  /** The last try's failure. */
  error: string;
  failedSteps?: readonly string[];
  attempts: number;
  /** `laser not confirmed off`, `stage not confirmed stopped`, ... */
  what: string;
}

export interface InsistProgress {
  /** Roles still not safe after their last try. */
  pending: UnsafeRole[];
  /** `making safe… (laser not confirmed off)`. */
  message: string;
}

export interface InsistOptions {
  /** Give up after this long (default 60 s); the roles still not safe are reported unsafe. */
  deadline_s?: number;
  /** How long one try of one role may take before it counts as failed (default 10 s; it is still waited for). */
  timeout_s?: number;
  /** First wait between tries of a role; doubles up to maxBackoff_s (defaults 0.5 s and 5 s). */
  backoff_s?: number;
  maxBackoff_s?: number;
  /** After each failed round: what is still not safe. */
  onProgress?(progress: InsistProgress): void;
  /** Injectable for tests. */
  now_ms?(): number;
  sleep_ms?(ms: number): Promise<void>;
}

export interface InsistReport extends SafeReport {
  /** Roles that stayed unsafe past the deadline (empty when ok). */
  unsafe: UnsafeRole[];
  /** Seconds it took, first try to the end. */
  elapsed_s: number;
}

/** What is not confirmed yet for a role of this kind, in the words the UI and CLI show. */
export function unsafeWhat(role: string, kind: string): string {
  switch (kind) {
    case 'laser': return `${role} not confirmed off`;
    case 'stage': return `${role} not confirmed stopped`;
    case 'bert': return `${role} gate not confirmed stopped`;
    default: return `${role} not confirmed safe`;
  }
}

export function makingSafeMessage(pending: readonly UnsafeRole[]): string {
  return `making safe… (${pending.map((p) => p.what).join(', ')})`;
}

/** One line naming each unsafe role and since when: for stderr, the run record and the aborted event. */
export function unsafeMessage(unsafe: readonly UnsafeRole[], deadline_s: number): string {
  return `bench NOT SAFE after ${deadline_s} s of trying: ${unsafe.map((u) =>
    `${u.what} since ${u.since} (${u.attempts} tries; last: ${u.error})`).join('; ')}`;
}

/**
 * A try that got no answer within its time is stuck on an exchange the box will never answer (its bytes
 * lost in a stall, a reply swallowed): waiting on it again would hold the role unsafe for good. A session
 * that can renew drops that connection (the hung exchange fails at once) and opens a fresh one, so the
 * next try starts clean; one that cannot is left to its hanging try, which is waited for. True if renewed.
 */
async function renewHung(inst: BenchInstrument, limit_ms: number): Promise<boolean> {
  const session = inst.driver.session as { renew?: (reason: string) => Promise<void> } | undefined;
  if (!session || typeof session.renew !== 'function') return false;
  const renewed = session.renew(`the safe state got no answer within ${Number((limit_ms / 1000).toFixed(3))} s; a fresh connection`)
    .then(() => true, () => true);
  // Even the new connection may not open at once (the box still stalled): the next try reopens it.
  return (await raceTimeout(renewed, limit_ms, () => true)).value;
}

type TryOutcome = { ok: true } | { ok: false; error: Error; failedSteps?: readonly string[] };

async function tryOnce(inst: BenchInstrument): Promise<TryOutcome> {
  try {
    const session = inst.driver.session as { isOpen?: boolean; reopen?: () => Promise<void> } | undefined;
    // A dropped link fails every call at once; the safe state needs the link back first.
    if (session && session.isOpen === false && typeof session.reopen === 'function') await session.reopen();
    await inst.driver.safe();
    return { ok: true };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    return { ok: false, error, ...(err instanceof SafeStateError ? { failedSteps: err.failures.map((f) => f.step) } : {}) };
  }
}

/**
 * Every instrument to its safe state, trying again with backoff the ones that failed, until all are safe
 * or the deadline passes. Never throws; the report lists the unsafe roles and since when.
 */
export async function insistSafe(bench: Bench, opts: InsistOptions = {}): Promise<InsistReport> {
  const deadline_s = opts.deadline_s ?? DEFAULT_SAFE_DEADLINE_S;
  const timeout_s = opts.timeout_s ?? 10;
  const now = opts.now_ms ?? (() => performance.now());
  const wait = opts.sleep_ms ?? ((ms: number) => sleep(ms));
  const start = now();
  const since = new Date().toISOString();
  const left_ms = () => deadline_s * 1000 - (now() - start);
  const pending = new Map<string, UnsafeRole>();
  const report = () => opts.onProgress?.({ pending: [...pending.values()], message: makingSafeMessage([...pending.values()]) });

  const insistRole = async (inst: BenchInstrument): Promise<SafeResult & { unsafe?: UnsafeRole }> => {
    let delay_ms = (opts.backoff_s ?? 0.5) * 1000;
    let running: Promise<TryOutcome> | null = null;
    let attempts = 0;
    for (;;) {
      if (!running) {
        attempts++;
        running = tryOnce(inst);
      }
      const limit_ms = Math.max(Math.min(timeout_s * 1000, left_ms()), 1);
      const outcome = await raceTimeout(running, limit_ms,
        () => ({ ok: false, error: new Error(`${inst.role} (${inst.driverName}) did not reach its safe state within ${Number((limit_ms / 1000).toFixed(3))} s`) }) as TryOutcome);
      if (outcome.settled) running = null;
      else if (await renewHung(inst, limit_ms)) running = null;
      const r = outcome.value;
      if (r.ok) {
        if (pending.delete(inst.role) && pending.size > 0) report();
        return { role: inst.role, ok: true };
      }
      const unsafe: UnsafeRole = {
        role: inst.role, kind: inst.kind, since, error: r.error.message, attempts, what: unsafeWhat(inst.role, inst.kind),
        ...(r.failedSteps ? { failedSteps: r.failedSteps } : {}),
      };
      pending.set(inst.role, unsafe);
      if (left_ms() <= 0) {
        return { role: inst.role, ok: false, error: r.error, unsafe, ...(r.failedSteps ? { failedSteps: r.failedSteps } : {}) };
      }
      report();
      await wait(Math.max(0, Math.min(delay_ms, left_ms())));
      delay_ms = Math.min(delay_ms * 2, (opts.maxBackoff_s ?? 5) * 1000);
    }
  };

  const results = await Promise.all(bench.instruments().map(insistRole));
  const failures = results.filter((r) => !r.ok);
  const unsafe = failures.flatMap((f) => (f.unsafe ? [f.unsafe] : []));
  const plain: SafeResult[] = results.map(({ unsafe: _u, ...r }) => r);
  const message = failures.length === 0 ? `all ${results.length} instruments safe` : unsafeMessage(unsafe, deadline_s);
  return { ok: failures.length === 0, results: plain, failures: plain.filter((r) => !r.ok), message, unsafe, elapsed_s: (now() - start) / 1000 };
}

/** The promise's outcome, or `late()` after `ms` with settled false (the promise is left running). */
async function raceTimeout<T>(p: Promise<T>, ms: number, late: () => T): Promise<{ settled: boolean; value: T }> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      p.then((value) => ({ settled: true, value })),
      sleep(ms, undefined, { signal: timer.signal }).then(() => ({ settled: false, value: late() }), () => new Promise<never>(() => {})),
    ]);
  } finally {
    timer.abort();
  }
}
