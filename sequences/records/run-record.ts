// run.json: the test record of one run (steps, measurements, fits, limits, pass/fail, identities, software,
// timings). Held in memory and rewritten atomically whenever a step starts or ends.
import type { LimitResult } from '../events.ts';
import type { FitRecord, Measurement } from '../step.ts';

export type RunStatus = 'running' | 'passed' | 'failed' | 'aborted' | 'error';
export type StepRecordStatus = 'pending' | 'running' | 'done' | 'error' | 'aborted';

export interface StepRecord {
  stepId: string;
  kind: string;
  loop: Record<string, unknown>;
  /** The step body after substitution (what it was asked to do). */
  params: unknown;
  status: StepRecordStatus;
  started?: string;
  finished?: string;
  /** Bench seconds the step took (over all its attempts). */
  duration_s?: number;
  estimate_s: number;
  measurements: Record<string, Measurement>;
  fits: Record<string, FitRecord>;
  notes: string[];
  warnings: string[];
  error?: string;
  /** Instrument losses recovered during the step. */
  reconnects: number;
  tables: { name: string; file: string; columns: string[]; rows: number }[];
}

export interface RunRecord {
  runId: string;
  status: RunStatus;
  /** null while running or when aborted before the limits could be judged. */
  passed: boolean | null;
  message?: string;
  sequence: { name: string; file: string; description?: string };
  metadata: Record<string, unknown>;
  parameters: Record<string, unknown>;
  bench: { name: string; simulated: boolean; identities: Record<string, string> };
  software: { name: string; version: string; node: string };
  started: string;
  finished?: string;
  resumed: string[];
  timings: { estimate_s: number; bench_s: number; wall_s: number };
  steps: StepRecord[];
  limits: LimitResult[];
}
