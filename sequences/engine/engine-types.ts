// The options and results of a RunEngine (engine.ts), apart so that callers and the engine read them in one place.
import type { Bench } from '../bench-port.ts';
import type { LimitResult } from '../events.ts';
import type { Plan, PlannedStep } from '../plan/plan-types.ts';
import type { Measurement } from '../step.ts';
import type { RecoveryPolicy } from './link-loss.ts';
import type { RunRecords } from './records-port.ts';

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
  /**
   * Before a resumed run continues, put the bench back as the finished steps left it: their settings, the
   * stage at the current site, the alignment the next step stands on run again (resume-restore.ts). After
   * `onResume` when both are given. Default false (the runner turns it on for `benchctl resume`).
   */
  restoreOnResume?: boolean;
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

/** 'pausing': pause() was asked and the step has not reached its next checkpoint yet. */
export type EngineState = 'idle' | 'running' | 'pausing' | 'paused' | 'finished';
