// run.json: the test record of one run (steps, measurements, fits, limits, pass/fail, identities, software,
// timings). Held in memory and rewritten atomically whenever a step starts or ends.
import type { LimitResult } from '../events.ts';
import type { Plan } from '../plan/plan-types.ts';
import type { FitRecord, Measurement } from '../step.ts';
import type { WaferRecord } from '../wafer/die-records.ts';
import { tableFileNames, tableKey } from './run-folder.ts';

export interface BenchRecordInfo {
  name: string;
  simulated: boolean;
  identities: Record<string, string>;
}

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
  tables: RecordedTable[];
}

/** A table written by a re-run step, beside the step's own tables. */
export interface RecordedTable {
  name: string;
  file: string;
  columns: string[];
  rows: number;
}

/**
 * What a resumed run did to put the bench back before continuing: the settings and stage positions applied
 * again and, when the next step stands on an alignment, that alignment run again (its readings in their own
 * `resume-<n>.*.csv` tables, so the earlier step's records stay as they were).
 */
export interface RestorationRecord {
  /** Which resume of the run (1 for the first). */
  resume: number;
  time: string;
  /** The step the resumed run continued with. */
  before: string;
  /** Settings and moves applied again: `laser.power=13`, `stage X=12500 µm, Y=12500 µm`. */
  applied: string[];
  rerun?: {
    stepId: string;
    kind: string;
    /** The body it was re-run with (its tracking removed). */
    params: unknown;
    status: 'running' | 'done' | 'error' | 'aborted';
    duration_s?: number;
    measurements: Record<string, Measurement>;
    fits: Record<string, FitRecord>;
    notes: string[];
    warnings: string[];
    error?: string;
    tables: RecordedTable[];
  };
}

export interface RunRecord {
  runId: string;
  status: RunStatus;
  /** null while running or when aborted before the limits could be judged. */
  passed: boolean | null;
  message?: string;
  /** Roles the safe state gave up on when the run stopped: what was not confirmed, since when, the last error. */
  unsafe?: { role: string; what: string; since: string; attempts: number; error: string }[];
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
  /** One entry per resume that restored the bench (absent in runs never resumed). */
  restorations?: RestorationRecord[];
  /** A run with one wafer loop: its map, every die-site's result, the fitted placement (docs/wafer.md). */
  wafer?: WaferRecord;
  /** A run with several wafer loops: one record each, in order. */
  wafers?: WaferRecord[];
}

/** The record of a run about to start: every planned step pending. */
export function initialRecord(runId: string, plan: Plan, bench: BenchRecordInfo, software: RunRecord['software'], started: string): RunRecord {
  const seq = plan.sequence;
  const files = tableFileNames(plan.steps);
  return {
    runId,
    status: 'running',
    passed: null,
    sequence: { name: seq.doc.name, file: seq.file, ...(seq.doc.description ? { description: seq.doc.description } : {}) },
    metadata: { ...seq.metadata },
    parameters: Object.fromEntries([...seq.parameters].map(([k, d]) => [k, d.value])),
    bench: { ...bench },
    software,
    started,
    resumed: [],
    timings: { estimate_s: plan.estimate_s, bench_s: 0, wall_s: 0 },
    steps: plan.steps.map((s): StepRecord => ({
      stepId: s.stepId, kind: s.kind, loop: s.loop, params: s.body, status: 'pending', estimate_s: s.estimate_s,
      measurements: {}, fits: {}, notes: [], warnings: [], reconnects: 0,
      tables: s.tables.map((t) => ({ name: t.name, file: files.get(tableKey(s.stepId, t.name)) ?? '', columns: t.columns, rows: 0 })),
    })),
    limits: [],
  };
}
