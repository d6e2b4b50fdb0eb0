// The run engine: runs a validated plan step by step on an open bench, emitting the typed events of
// events.ts. pause()/resume()/abort() work at any point; abort, a failing step or an instrument that does
// not come back by the deadline leave the bench safe (bench.safe()) before the records are closed.
// An instrument loss pauses the run, reconnects with backoff and re-runs the step from its last point.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bench } from '../bench-port.ts';
import type { LimitResult, RunEvent, RunEventBody, RunEventListener } from '../events.ts';
import { evaluateLimits } from '../plan/limits.ts';
import type { Plan, PlannedStep } from '../plan/plan-types.ts';
import type { StepEnd } from '../records/recorder.ts';
import type { FitRecord, Measurement, StepContext, StepOutcome } from '../step.ts';
import { errorMessage, RunAbortedError, StepFailedError } from './errors.ts';
import { linkLossOf, reconnect, roleOfResource, type RecoveryPolicy } from './link-loss.ts';
import { MemoryRecords, type RunRecords } from './records-port.ts';
import { RunControl } from './run-control.ts';

export interface EngineOptions {
  plan: Plan;
  bench: Bench;
  /** Bench seconds: the sim's clock when simulated, wall time otherwise. */
  now_s: () => number;
  records?: RunRecords;
  runId?: string;
  /** Default: the sequence's `recovery:` settings. */
  recovery?: RecoveryPolicy;
  /** Wall clock and sleep for reconnect backoff (injectable for tests). */
  wallNow_ms?: () => number;
  sleep_ms?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How long to let an aborted step settle after the bench was made safe. */
  abortGrace_s?: number;
  /**
   * Lets bench time pass (ctx.wait_s): on the simulator's fast clock, advance it; otherwise sleep. Default:
   * a real sleep.
   */
  benchWait?: (duration_s: number, signal: AbortSignal) => Promise<void>;
  /** Per instrument, how long bench.safe() may take before that instrument counts as failed (default 10 s). */
  safeTimeout_s?: number;
  /**
   * Runs before the first step of a resumed run (some steps already finished), e.g. to apply again the
   * instrument settings those steps made; `log` emits log events.
   */
  onResume?: (completed: PlannedStep[], bench: Bench, log: (message: string) => void) => Promise<void>;
}

export type RunStatus = 'passed' | 'failed' | 'aborted' | 'error';

export interface RunResult {
  status: RunStatus;
  passed: boolean | null;
  limits: LimitResult[];
  measurements: Map<string, Record<string, Measurement>>;
  message?: string;
  folder: string | null;
}

export type EngineState = 'idle' | 'running' | 'paused' | 'finished';

export class RunEngine {
  private readonly plan: Plan;
  private readonly bench: Bench;
  private readonly records: RunRecords;
  private readonly control = new RunControl();
  private readonly listeners = new Set<RunEventListener>();
  private readonly recovery: RecoveryPolicy;
  private readonly now_s: () => number;
  private readonly wallNow_ms: () => number;
  private readonly sleep_ms: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly abortGrace_s: number;
  private readonly benchWait: (duration_s: number, signal: AbortSignal) => Promise<void>;
  private readonly safeTimeout_s: number;
  private readonly onResume: EngineOptions['onResume'];
  private readonly runId: string;
  private readonly lostRoles = new Map<string, Error>();
  private readonly measured = new Map<string, Record<string, Measurement>>();
  private t0 = 0;
  private current: string | null = null;
  private stateValue: EngineState = 'idle';
  private unsubscribeLost: (() => void)[] = [];
  private running: Promise<void> | null = null;
  private currentStart_s = 0;

  constructor(opts: EngineOptions) {
    this.plan = opts.plan;
    this.bench = opts.bench;
    this.records = opts.records ?? new MemoryRecords();
    this.now_s = opts.now_s;
    this.recovery = opts.recovery ?? this.plan.sequence.doc.recovery;
    this.wallNow_ms = opts.wallNow_ms ?? (() => performance.now());
    this.sleep_ms = opts.sleep_ms ?? ((ms, signal) => sleep(ms, undefined, { signal }));
    this.abortGrace_s = opts.abortGrace_s ?? 5;
    this.safeTimeout_s = opts.safeTimeout_s ?? 10;
    this.onResume = opts.onResume;
    this.benchWait = opts.benchWait ?? ((d, signal) => sleep(d * 1000, undefined, { signal }));
    this.runId = opts.runId ?? (this.records.folder ? this.records.folder.split(/[\\/]/).pop() ?? 'run' : 'run');
  }

  get state(): EngineState {
    return this.stateValue;
  }

  on(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pauses at the step's next checkpoint (or before the next step). */
  pause(): void {
    if (this.stateValue !== 'running' || !this.control.pause()) return;
    this.stateValue = 'paused';
    this.emit({ type: 'paused', reason: 'user', stepId: this.current });
  }

  resume(): void {
    if (this.stateValue !== 'paused' || !this.control.resume()) return;
    this.stateValue = 'running';
    this.emit({ type: 'resumed', stepId: this.current });
  }

  /** Stops the run as soon as possible; the bench is made safe first. */
  abort(message = 'aborted by the operator'): void {
    this.control.abort('user', message);
  }

  async run(): Promise<RunResult> {
    if (this.stateValue !== 'idle') throw new Error('RunEngine.run() may be called once');
    this.stateValue = 'running';
    this.t0 = this.now_s();
    this.watchSessions();
    const completed = this.records.completedSteps();
    this.emit({
      type: 'run-started', sequence: this.plan.sequence.doc.name, dut: this.plan.sequence.metadata.dut,
      runFolder: this.records.folder, estimate_s: this.plan.estimate_s, resumed: completed.size > 0,
      steps: this.plan.steps.map((s) => ({ stepId: s.stepId, kind: s.kind, estimate_s: s.estimate_s })),
      completed: [...completed.keys()],
    });
    try {
      if (completed.size > 0 && this.onResume) {
        await this.onResume(this.plan.steps.filter((s) => completed.has(s.stepId)), this.bench,
          (message) => this.emit({ type: 'log', stepId: null, message }));
      }
      for (const [index, step] of this.plan.steps.entries()) {
        const done = completed.get(step.stepId);
        if (done) {
          this.measured.set(step.stepId, done.measurements);
          continue;
        }
        await this.betweenSteps();
        await this.runStep(step, index);
      }
    } catch (err) {
      return await this.stopEarly(err);
    } finally {
      for (const off of this.unsubscribeLost) off();
    }
    const limits = evaluateLimits(this.plan.limits, this.measured);
    const passed = limits.every((l) => l.passed);
    const status: RunStatus = passed ? 'passed' : 'failed';
    await this.records.finish(status, limits, this.elapsed());
    this.stateValue = 'finished';
    this.emit({ type: 'finished', passed, limits, duration_s: this.elapsed() });
    return { status, passed, limits, measurements: this.measured, folder: this.records.folder };
  }

  /** Bench seconds since the run started, to the microsecond (no 0.011000000000000001 in the records). */
  private elapsed(): number {
    return roundTime(this.now_s() - this.t0);
  }

  private emit(body: RunEventBody): void {
    const event = { ...body, runId: this.runId, t_s: this.elapsed(), time: new Date().toISOString() } as RunEvent;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A failing listener (a UI gone away) must not stop the run.
      }
    }
  }

  /** Sessions report a loss even between exchanges; the next checkpoint acts on it. */
  private watchSessions(): void {
    for (const inst of this.bench.instruments()) {
      const session = inst.driver.session;
      if (typeof session?.on !== 'function') continue;
      const onLost = (err: Error) => {
        this.lostRoles.set(inst.role, err);
      };
      session.on('lost', onLost);
      this.unsubscribeLost.push(() => session.off('lost', onLost));
    }
  }

  private async betweenSteps(): Promise<void> {
    await this.control.checkpoint();
    while (this.lostRoles.size > 0) await this.recoverLost(null);
  }

  private async runStep(step: PlannedStep, index: number): Promise<void> {
    const remaining = this.plan.steps.slice(index).reduce((s, p) => s + p.estimate_s, 0);
    this.current = step.stepId;
    this.emit({
      type: 'step-started', stepId: step.stepId, kind: step.kind, index, total: this.plan.steps.length,
      estimate_s: step.estimate_s, remaining_s: remaining, loop: step.loop,
    });
    const started_s = this.now_s();
    this.currentStart_s = started_s;
    // A step that never ran before starts fresh (resume null); one interrupted before continues.
    let continuing = this.records.resumeInfo(step.stepId) !== null;
    await this.records.beginStep(step, this.elapsed());
    const fits: Record<string, FitRecord> = {};
    let outcome: StepOutcome;
    for (;;) {
      const ctx = this.context(step, fits, continuing);
      continuing = true;
      try {
        outcome = await this.raceAbort(step.definition.run(ctx, step.params));
        break;
      } catch (err) {
        if (this.control.aborted) throw this.control.abortError;
        const loss = linkLossOf(err);
        if (!loss && this.lostRoles.size === 0) throw new StepFailedError(step.stepId, err);
        if (loss) {
          const role = roleOfResource(this.bench, loss.resource);
          if (role && !this.lostRoles.has(role)) this.lostRoles.set(role, loss);
          if (!role) throw new StepFailedError(step.stepId, err);
        }
        while (this.lostRoles.size > 0) await this.recoverLost(step.stepId);
        this.records.incrementReconnects(step.stepId);
      }
    }
    const measurements = outcome.measurements ?? {};
    this.measured.set(step.stepId, measurements);
    const end: StepEnd = {
      status: 'done', duration_s: roundTime(this.now_s() - started_s), measurements,
      fits: { ...fits, ...(outcome.fits ?? {}) }, notes: outcome.notes ?? [],
    };
    await this.records.endStep(step.stepId, end, this.elapsed());
    this.emit({ type: 'step-finished', stepId: step.stepId, kind: step.kind, status: 'done', duration_s: end.duration_s, measurements });
    this.current = null;
  }

  /** A step that ignores its signal still lets the engine act on abort at once. */
  private async raceAbort<T>(p: Promise<T>): Promise<T> {
    // After an abort the step may still fail later (its instruments were made safe under it): expected.
    this.running = p.then(() => undefined, () => undefined);
    const r = await Promise.race([p.then((value) => ({ value })), this.control.whenAborted().then((abort) => ({ abort }))]);
    if ('abort' in r) throw r.abort;
    return r.value;
  }

  private context(step: PlannedStep, fits: Record<string, FitRecord>, continuing: boolean): StepContext {
    const { stepId } = step;
    const resume = continuing ? this.records.resumeInfo(stepId) : null;
    const counts: Record<string, number> = { ...(resume?.pointsByTable ?? {}) };
    return {
      bench: this.bench,
      stepId,
      loop: { ...step.loop },
      now_s: () => this.now_s(),
      signal: this.control.signal,
      checkpoint: async () => {
        await this.control.checkpoint();
        const [role, err] = this.lostRoles.entries().next().value ?? [];
        if (role !== undefined && err) throw err;
      },
      point: async (table, row) => {
        this.control.throwIfAborted();
        await this.records.point(stepId, table, row);
        const index = counts[table] ?? 0;
        counts[table] = index + 1;
        this.emit({ type: 'point', stepId, table, index, row });
      },
      fit: (model, result) => {
        fits[model] = result;
        this.records.fit(stepId, model, result);
        this.emit({ type: 'fit', stepId, model, result });
      },
      log: (message) => {
        this.records.note(stepId, 'notes', message);
        this.emit({ type: 'log', stepId, message });
      },
      warn: (message) => {
        this.records.note(stepId, 'warnings', message);
        this.emit({ type: 'warning', stepId, message });
      },
      resume,
      saveState: async (state) => {
        this.records.saveState(stepId, state);
      },
      wait_s: async (duration_s) => {
        // In slices, so a pause or an abort takes effect within a second of a long wait.
        let left = duration_s;
        while (left > 0) {
          await this.control.checkpoint();
          const slice = Math.min(left, 1);
          try {
            await this.benchWait(slice, this.control.signal);
          } catch (err) {
            this.control.throwIfAborted();
            throw err;
          }
          left -= slice;
        }
      },
    };
  }

  private async recoverLost(stepId: string | null): Promise<void> {
    const [role, err] = this.lostRoles.entries().next().value as [string, Error];
    const resource = this.bench.instrument(role).resource;
    const wasPaused = this.stateValue === 'paused';
    this.stateValue = 'paused';
    this.emit({ type: 'instrument-lost', role, resource, error: errorMessage(err), deadline_s: this.recovery.deadline_s });
    this.emit({ type: 'paused', reason: 'instrument-lost', stepId });
    const result = await reconnect(this.bench, role, this.recovery, {
      now_ms: this.wallNow_ms, sleep_ms: this.sleep_ms, signal: this.control.signal,
      onAttemptFailed: (n, e) => this.emit({ type: 'warning', stepId, message: `reconnect attempt ${n} to ${role} (${resource}) failed: ${errorMessage(e)}` }),
    });
    if (!result.ok) {
      this.control.throwIfAborted();
      throw new RunAbortedError('instrument-lost',
        `${role} (${resource}) did not come back within ${this.recovery.deadline_s} s (${result.attempts} attempts; last: ${result.lastError})`, { cause: err });
    }
    this.lostRoles.delete(role);
    this.emit({ type: 'instrument-restored', role, identity: result.identity, attempts: result.attempts, outage_s: result.outage_s });
    this.stateValue = wasPaused ? 'paused' : 'running';
    if (!wasPaused) this.emit({ type: 'resumed', stepId });
  }

  /** Abort, a failed step or a lost instrument: bench safe first, then the step's and the run's records. */
  private async stopEarly(err: unknown): Promise<RunResult> {
    const aborted = err instanceof RunAbortedError ? err : undefined;
    const reason = aborted?.reason ?? 'error';
    const message = errorMessage(err);
    if (!this.control.aborted) this.control.abort(reason, message, err);
    const safe = await this.makeSafe();
    // Let a step that ignored its signal wind down (its calls now fail fast) before its tables close.
    if (this.running) {
      const grace = new AbortController();
      await Promise.race([this.running, sleep(this.abortGrace_s * 1000, undefined, { signal: grace.signal }).catch(() => undefined)]);
      grace.abort();
    }
    const stepId = this.current;
    if (stepId) {
      const status = reason === 'error' ? 'error' : 'aborted';
      const duration_s = roundTime(this.now_s() - this.currentStart_s);
      await this.records.endStep(stepId, { status, duration_s, measurements: {}, fits: {}, notes: [], error: message }, this.elapsed());
      const kind = this.plan.steps.find((s) => s.stepId === stepId)?.kind ?? '';
      this.emit({ type: 'step-finished', stepId, kind, status, duration_s, measurements: {}, error: message });
    }
    const status: RunStatus = reason === 'error' ? 'error' : 'aborted';
    await this.records.finish(status, [], this.elapsed(), `${message}${safe.ok ? '' : `; ${safe.error}`}`);
    this.stateValue = 'finished';
    this.emit({ type: 'aborted', reason, message, stepId, safe });
    return { status, passed: null, limits: [], measurements: this.measured, message, folder: this.records.folder };
  }

  private async makeSafe(): Promise<{ ok: boolean; error?: string }> {
    try {
      const report = await this.bench.safe({ timeout_s: this.safeTimeout_s });
      return report.ok ? { ok: true } : { ok: false, error: report.message };
    } catch (e) {
      return { ok: false, error: errorMessage(e) };
    }
  }
}

function roundTime(t_s: number): number {
  return Math.round(t_s * 1e6) / 1e6;
}
