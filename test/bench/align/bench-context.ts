// A StepContext for driving the align step outside the engine (benchmark, integration tests): bench time
// from the simulator's clock, points kept in memory, pause and abort through an AbortController.
import type { Bench } from '../../../drivers/bench/index.ts';
import type { FitRecord, Row, StepContext } from '../../../sequences/step.ts';
import type { VirtualBench } from '../../../sim/index.ts';

export interface MemoryContext extends StepContext {
  rows: { table: string; row: Row }[];
  fits: { model: string; result: FitRecord }[];
  logs: string[];
  warnings: string[];
  controller: AbortController;
  /** Resolves the next checkpoint() call's wait (for pause tests). */
  pauseAt?: (checkpoints: number) => boolean;
  checkpoints: number;
}

export function memoryContext(sim: VirtualBench, bench: Bench, opts: { stepId?: string; loop?: Record<string, unknown> } = {}): MemoryContext {
  const controller = new AbortController();
  const ctx: MemoryContext = {
    bench,
    stepId: opts.stepId ?? 'align',
    loop: opts.loop ?? {},
    now_s: () => sim.benchTime_s(),
    signal: controller.signal,
    controller,
    checkpoints: 0,
    async checkpoint() {
      ctx.checkpoints += 1;
      if (controller.signal.aborted) {
        const err = new Error('aborted');
        err.name = 'AbortError';
        throw err;
      }
    },
    rows: [],
    fits: [],
    logs: [],
    warnings: [],
    async point(table, row) {
      ctx.rows.push({ table, row });
    },
    fit(model, result) {
      ctx.fits.push({ model, result });
    },
    log(message) {
      ctx.logs.push(message);
    },
    warn(message) {
      ctx.warnings.push(message);
    },
    resume: null,
    async saveState() {},
  };
  return ctx;
}
