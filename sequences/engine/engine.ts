// The run engine: runs a validated plan step by step on an open bench, emitting the typed events of
// events.ts. pause()/resume()/abort() work at any point; abort, a failing step or an instrument that does
// not come back by the deadline leave the bench safe (bench.safe()) before the records are closed.
// An instrument loss pauses the run, reconnects with backoff and re-runs the step from its last point.
// A resumed run first puts the bench back as the finished steps left it (resume-restore.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SAFE_DEADLINE_S, insistSafe, type UnsafeRole } from '../../drivers/bench/safe-insist.ts';
import type { Bench } from '../bench-port.ts';
import type { RunEvent, RunEventBody, RunEventListener } from '../events.ts';
import { evaluateLimits } from '../plan/limits.ts';
import type { Plan, PlannedStep } from '../plan/plan-types.ts';
import type { StepEnd } from '../records/recorder.ts';
import type { FitRecord, Measurement, StepContext } from '../step.ts';
import { errorMessage, RunAbortedError, StepFailedError } from './errors.ts';
import type { RecoveryPolicy } from './link-loss.ts';
import { LostInstruments } from './lost-instruments.ts';
import { MemoryRecords, type RunRecords } from './records-port.ts';
import { restoreForResume } from './resume-restore.ts';
import { RunControl } from './run-control.ts';
import { makeStepContext, type ContextDeps } from './step-context.ts';
import { isSafetyFault } from '../wafer/faults.ts';
import { expectedOutputs, laserFoundOff } from './output-state.ts';
import { WaferRun } from '../wafer/wafer-run.ts';
import type { EngineOptions, EngineState, RunResult, RunStatus } from './engine-types.ts';

export type { EngineOptions, EngineState, RunResult, RunStatus } from './engine-types.ts';

export class RunEngine {
  private readonly plan: Plan;
  private readonly bench: Bench;
  private readonly records: RunRecords;
  private readonly control = new RunControl(() => this.held());
  private readonly listeners = new Set<RunEventListener>();
  private readonly recovery: RecoveryPolicy;
  private readonly now_s: () => number;
  private readonly wallNow_ms: () => number;
  private readonly sleep_ms: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly abortGrace_s: number;
  private readonly benchWait: (duration_s: number, signal: AbortSignal) => Promise<void>;
  private readonly safeTimeout_s: number;
  private readonly opts: EngineOptions;
  private readonly runId: string;
  private readonly lost: LostInstruments;
  private readonly measured = new Map<string, Record<string, Measurement>>();
  private t0 = 0;
  private current: string | null = null;
  private stateValue: EngineState = 'idle';
  private running: Promise<void> | null = null;
  private currentStart_s = 0;
  /** Held by an instrument loss (the 'paused' state then is the reconnect's, not the operator's). */
  private reconnecting = false;
  /** The plan's wafer loops: predictions, bins, die results (absent without a wafer loop). */
  private wafer: WaferRun | undefined;

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
    this.opts = opts;
    this.benchWait = opts.benchWait ?? ((d, signal) => sleep(d * 1000, undefined, { signal }));
    this.runId = opts.runId ?? (this.records.folder ? this.records.folder.split(/[\\/]/).pop() ?? 'run' : 'run');
    this.lost = new LostInstruments({
      bench: this.bench, recovery: this.recovery, signal: this.control.signal, now_ms: this.wallNow_ms, sleep_ms: this.sleep_ms,
      emit: (body) => this.emit(body),
      finishedSteps: () => this.finishedSteps(),
      currentStep: () => this.plan.steps.find((s) => s.stepId === this.current),
      enterPause: () => {
        this.reconnecting = true;
        this.stateValue = 'paused';
      },
      leavePause: (stepId) => {
        this.reconnecting = false;
        // A pause asked before (or during) the outage still stands: it takes effect at the next checkpoint.
        if (this.control.isPaused) {
          this.stateValue = 'pausing';
          this.emit({ type: 'pausing', reason: 'user', stepId });
        } else {
          this.stateValue = 'running';
          this.emit({ type: 'resumed', stepId });
        }
      },
    });
  }

  get state(): EngineState {
    return this.stateValue;
  }

  on(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Pauses at the step's next checkpoint (or before the next step): 'pausing' now, 'paused' once the run
   * really holds there — the measurement under way finishes first and its readings still arrive.
   */
  pause(): void {
    if (this.stateValue !== 'running' || !this.control.pause()) return;
    this.stateValue = 'pausing';
    this.emit({ type: 'pausing', reason: 'user', stepId: this.current });
  }

  /** Lets a paused run go on; while still pausing, withdraws the pause (the run never held). */
  resume(): void {
    if ((this.stateValue !== 'paused' && this.stateValue !== 'pausing') || !this.control.resume()) return;
    // Held by a lost instrument: the pause asked before is withdrawn, but the run waits for the instrument.
    if (this.reconnecting) return;
    this.stateValue = 'running';
    this.emit({ type: 'resumed', stepId: this.current });
  }

  /** A checkpoint started waiting on the pause: the run holds now. */
  private held(): void {
    if (this.stateValue !== 'pausing') return;
    this.stateValue = 'paused';
    this.emit({ type: 'paused', reason: 'user', stepId: this.current });
  }

  /** Stops the run as soon as possible; the bench is made safe first. */
  abort(message = 'aborted by the operator'): void {
    this.control.abort('user', message);
  }

  async run(): Promise<RunResult> {
    if (this.stateValue !== 'idle') throw new Error('RunEngine.run() may be called once');
    this.stateValue = 'running';
    this.t0 = this.now_s();
    const unwatch = this.lost.watch();
    const completed = this.records.completedSteps();
    this.emit({
      type: 'run-started', sequence: this.plan.sequence.doc.name, dut: this.plan.sequence.metadata.dut,
      runFolder: this.records.folder, estimate_s: this.plan.estimate_s, resumed: completed.size > 0,
      steps: this.plan.steps.map((s) => ({ stepId: s.stepId, kind: s.kind, estimate_s: s.estimate_s })),
      completed: [...completed.keys()],
    });
    try {
      if (this.plan.wafers) {
        this.wafer = new WaferRun({ plan: this.plan, emit: (body) => this.emit(body), records: this.records, measured: this.measured });
        this.wafer.start();
      }
      if (completed.size > 0) await this.restore(new Set(completed.keys()));
      for (const [index, step] of this.plan.steps.entries()) {
        const done = completed.get(step.stepId);
        if (done) {
          this.measured.set(step.stepId, done.measurements);
          // A die-site whose last step ended just before the run stopped is finished now.
          this.wafer?.stepDone(step);
          continue;
        }
        // A die-site measured before a resume, or binned by a step that failed: not measured (again).
        if (this.wafer?.settled(step)) continue;
        await this.betweenSteps();
        await this.runStep(step, index);
      }
    } catch (err) {
      return await this.stopEarly(err);
    } finally {
      unwatch();
    }
    // Die-sites are judged into bins as they end; the run's verdict is on the limits outside wafer loops.
    const limits = evaluateLimits(this.runLimits(), this.measured);
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

  private async betweenSteps(): Promise<void> {
    // On the in-process simulator's fast clock a step never waits on I/O, so a run is one long promise chain:
    // without a turn of the event loop between steps, nothing else runs until it ends (an Abort call, a
    // SIGTERM to `benchctl serve`, the UI's timers).
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.control.checkpoint();
    await this.lost.recoverAll(null);
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
    const params = this.wafer?.paramsFor(step) ?? step.params;
    let outcome;
    try {
      outcome = await this.withRecovery(step.stepId, () => {
        const ctx = this.context(step, fits, continuing);
        continuing = true;
        return step.definition.run(ctx, params);
      }, (err) => new StepFailedError(step.stepId, err), () => this.records.incrementReconnects(step.stepId));
    } catch (err) {
      if (err instanceof StepFailedError && !isSafetyFault(err.cause)) await this.blameLaserOff(step, err);
      // In a wafer loop a step's own failure bins its die-site and the run goes on; safety faults stop it.
      if (!this.wafer || !step.wafer || !(err instanceof StepFailedError) || isSafetyFault(err.cause)) throw err;
      await this.dieStepFailed(step, started_s, err);
      return;
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
    this.wafer?.stepDone(step);
  }

  /**
   * A step that failed while a laser the sequence left on reads off failed for that (an interlock trip):
   * the run stops, resumable, naming the laser, instead of the step's error — and a wafer loop does not
   * go on to bin every die after it for want of light.
   */
  private async blameLaserOff(step: PlannedStep, err: StepFailedError): Promise<void> {
    const role = await laserFoundOff(this.bench, expectedOutputs(this.finishedSteps(), step));
    if (role === null) return;
    throw new RunAbortedError('instrument-lost', `${role} output found off, where the sequence left it on (an interlock trip, a key switch ` +
      `or a power cycle?), when step ${step.stepId} failed (${errorMessage(err.cause)}): not switched on again unasked — check the laser, ` +
      'then resume the run', { cause: err });
  }

  /** The steps finished so far, in plan order: the outputs they left are what the bench should show. */
  private finishedSteps(): PlannedStep[] {
    return this.plan.steps.filter((s) => this.measured.has(s.stepId));
  }

  /** A die-site's step failed: recorded as an error, its die-site binned; the run goes on. */
  private async dieStepFailed(step: PlannedStep, started_s: number, err: StepFailedError): Promise<void> {
    const message = errorMessage(err.cause);
    const duration_s = roundTime(this.now_s() - started_s);
    await this.records.endStep(step.stepId, { status: 'error', duration_s, measurements: {}, fits: {}, notes: [], error: message }, this.elapsed());
    this.emit({ type: 'step-finished', stepId: step.stepId, kind: step.kind, status: 'error', duration_s, measurements: {}, error: message });
    this.current = null;
    this.wafer?.stepFailed(step, err.cause);
  }

  /** The plan's limits on the steps outside wafer loops (a die-site's limits give its bin instead). */
  private runLimits(): Plan['limits'] {
    if (!this.plan.wafers) return this.plan.limits;
    const inWafer = new Set(this.plan.steps.filter((s) => s.wafer).map((s) => s.stepId));
    return this.plan.limits
      .map((l) => ({ ...l, stepIds: l.stepIds.filter((id) => !inWafer.has(id)), maybeStepIds: l.maybeStepIds.filter((id) => !inWafer.has(id)) }))
      .filter((l) => l.stepIds.length + l.maybeStepIds.length > 0);
  }

  /**
   * Runs `attempt` (a step, or the restoration of a resumed run); when an instrument is lost under it,
   * reconnects (or aborts past the deadline) and runs it again. Any other failure is thrown as `failed(err)`.
   */
  private async withRecovery<T>(stepId: string | null, attempt: () => Promise<T>, failed: (err: unknown) => Error,
    onRecovered?: () => void): Promise<T> {
    for (;;) {
      try {
        return await this.raceAbort(attempt());
      } catch (err) {
        if (this.control.aborted) throw this.control.abortError;
        if (!this.lost.claim(err)) throw failed(err);
        // A recurrence of the same stall is not another reconnect in the records.
        if (await this.lost.recoverAll(stepId) > 0) onRecovered?.();
      }
    }
  }

  /** A resumed run: the caller's hook, then the bench put back as the finished steps left it. */
  private async restore(completed: ReadonlySet<string>): Promise<void> {
    if (this.opts.onResume) {
      await this.opts.onResume(this.plan.steps.filter((s) => completed.has(s.stepId)), this.bench,
        (message) => this.emit({ type: 'log', stepId: null, message }));
    }
    if (!this.opts.restoreOnResume) return;
    const deps = {
      ...this.contextDeps(), records: this.records, emit: (body: RunEventBody) => this.emit(body),
      race: <T>(p: Promise<T>) => this.raceAbort(p),
    };
    await this.withRecovery(null, () => restoreForResume(deps, this.plan.steps, completed), (err) => (err instanceof Error ? err : new Error(String(err))));
  }

  /** A step that ignores its signal still lets the engine act on abort at once. */
  private async raceAbort<T>(p: Promise<T>): Promise<T> {
    // After an abort the step may still fail later (its instruments were made safe under it): expected.
    this.running = p.then(() => undefined, () => undefined);
    const r = await Promise.race([p.then((value) => ({ value })), this.control.whenAborted().then((abort) => ({ abort }))]);
    if ('abort' in r) throw r.abort;
    return r.value;
  }

  private contextDeps(): ContextDeps {
    return { bench: this.bench, control: this.control, now_s: () => this.now_s(), lostRoles: this.lost.roles, benchWait: this.benchWait };
  }

  private context(step: PlannedStep, fits: Record<string, FitRecord>, continuing: boolean): StepContext {
    const { stepId } = step;
    const resume = continuing ? this.records.resumeInfo(stepId) : null;
    const counts: Record<string, number> = { ...(resume?.pointsByTable ?? {}) };
    return makeStepContext(this.contextDeps(), step, resume, {
      point: async (table, row) => {
        await this.records.point(stepId, table, row);
        this.lost.progress();
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
      saveState: async (state) => {
        this.records.saveState(stepId, state);
      },
    });
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
    await this.records.finish(status, [], this.elapsed(), `${message}${safe.ok ? '' : `; ${safe.error}`}`, safe.unsafeRoles);
    this.stateValue = 'finished';
    const { unsafeRoles, ...safeSummary } = safe;
    const unsafe = unsafeRoles?.map((u) => ({ role: u.role, what: u.what, since: u.since }));
    this.emit({ type: 'aborted', reason, message, stepId, safe: { ...safeSummary, ...(unsafe && unsafe.length > 0 ? { unsafe } : {}) } });
    return { status, passed: null, limits: [], measurements: this.measured, message, folder: this.records.folder };
  }

  /** Insists: a role that fails is tried again with backoff until the safe deadline (safe-insist.ts). */
  private async makeSafe(): Promise<{ ok: boolean; error?: string; unsafeRoles?: UnsafeRole[] }> {
    const deadline_s = this.recovery.safeDeadline_s ?? DEFAULT_SAFE_DEADLINE_S;
    try {
      const report = await insistSafe(this.bench, {
        deadline_s, timeout_s: this.safeTimeout_s, backoff_s: this.recovery.backoff_s, maxBackoff_s: this.recovery.maxBackoff_s,
        onProgress: ({ pending, message }) => {
          if (pending.length === 0) return;
          this.emit({
            type: 'making-safe', message, deadline_s,
            pending: pending.map((p) => ({ role: p.role, what: p.what, since: p.since, error: p.error, attempts: p.attempts })),
          });
        },
      });
      return report.ok ? { ok: true } : { ok: false, error: report.message, unsafeRoles: report.unsafe };
    } catch (e) {
      return { ok: false, error: errorMessage(e) };
    }
  }
}

function roundTime(t_s: number): number {
  return Math.round(t_s * 1e6) / 1e6;
}
