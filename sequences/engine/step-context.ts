// The StepContext a step runs with: bench time, pause/abort through the run's control, lost instruments
// surfacing at checkpoints, bench-time waits in slices. Where points, fits and messages go is the caller's
// (a sink): the engine's records and events for a step, the restoration's own tables for a re-run.
import type { Bench } from '../bench-port.ts';
import type { FitRecord, ResumeInfo, Row, StepContext } from '../step.ts';
import type { RunControl } from './run-control.ts';

export interface ContextSink {
  /** Durable before it resolves. */
  point(table: string, row: Row): Promise<void>;
  fit(model: string, result: FitRecord): void;
  log(message: string): void;
  warn(message: string): void;
  saveState(state: unknown): Promise<void>;
}

export interface ContextDeps {
  bench: Bench;
  control: RunControl;
  now_s(): number;
  /** Roles whose loss a session reported; the next checkpoint throws the loss. */
  lostRoles: ReadonlyMap<string, Error>;
  benchWait(duration_s: number, signal: AbortSignal): Promise<void>;
}

/** A pause or an abort takes effect within this much bench time of a long wait, s. */
const WAIT_SLICE_S = 1;

export function makeStepContext(deps: ContextDeps, step: { stepId: string; loop: Record<string, unknown> }, resume: ResumeInfo | null,
  sink: ContextSink): StepContext {
  const { control } = deps;
  return {
    bench: deps.bench,
    stepId: step.stepId,
    loop: { ...step.loop },
    now_s: () => deps.now_s(),
    signal: control.signal,
    checkpoint: async () => {
      await control.checkpoint();
      const [role, err] = deps.lostRoles.entries().next().value ?? [];
      if (role !== undefined && err) throw err;
    },
    point: async (table, row) => {
      control.throwIfAborted();
      await sink.point(table, row);
    },
    // Every append is queued in this tick, so the table writes the burst at once (CsvTable's group commit).
    points: async (table, rows) => {
      control.throwIfAborted();
      await Promise.all(rows.map((row) => sink.point(table, row)));
    },
    fit: (model, result) => sink.fit(model, result),
    log: (message) => sink.log(message),
    warn: (message) => sink.warn(message),
    resume,
    saveState: (state) => sink.saveState(state),
    wait_s: async (duration_s) => {
      let left = duration_s;
      while (left > 0) {
        await control.checkpoint();
        const slice = Math.min(left, WAIT_SLICE_S);
        try {
          await deps.benchWait(slice, control.signal);
        } catch (err) {
          control.throwIfAborted();
          throw err;
        }
        left -= slice;
      }
    },
  };
}
