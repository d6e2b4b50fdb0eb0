// The payloads of BenchApi for sequences, runs and the run history: plain JSON shapes that cross IPC and
// the WebSocket (see bench-types.ts for the bench and manual control).
import type { RunRecord } from '../sequences/records/run-record.ts';

// ── sequences ──

export interface SequenceEntry {
  /** The library name (file name without .yaml), what `{ kind: 'library' }` takes. */
  name: string;
  path: string;
  description: string | null;
}

/** Where a sequence comes from, with `--set`-style parameter overrides (name → text with unit). */
export type SequenceSource = (
  | { kind: 'library'; name: string }
  | { kind: 'file'; path: string }
  /** Uploaded text; `name` is the file name shown in messages. */
  | { kind: 'text'; name: string; text: string }
) & { set?: Record<string, string> };

/**
 * loadSequence's request: a sequence, checked against the open bench — or, with `benchFile`, against what
 * that bench file declares (stage soft limits, declared ranges) without opening it (`benchctl validate`).
 */
export type SequenceLoadRequest = SequenceSource & { benchFile?: string };

export interface SequenceIssueInfo {
  file: string;
  /** 1-based; 0 when the problem has no place in the file (an override). */
  line: number;
  col: number;
  /** 'steps[2].sweep.start', '--set wavelength', ... */
  field: string;
  message: string;
}

export interface ParameterInfo {
  name: string;
  /** 'wavelength_nm', 'power_dBm', 'number', 'string', ... */
  kind: string;
  /** As the file (or an override) wrote it, e.g. '1550nm'. */
  value: unknown;
  description: string | null;
  overridden: boolean;
}

export interface PlanStepInfo {
  stepId: string;
  kind: string;
  estimate_s: number;
  loop: Record<string, unknown>;
  tables: { name: string; columns: string[] }[];
}

export interface LimitInfo {
  label: string;
  measurement: string;
  unit: string;
  min?: number;
  max?: number;
  stepIds: string[];
}

export interface SequenceInfo {
  path: string;
  name: string;
  description: string | null;
  metadata: Record<string, unknown>;
  parameters: ParameterInfo[];
  steps: PlanStepInfo[];
  limits: LimitInfo[];
  estimate_s: number;
  /** True when it was also checked against the open bench's ranges and soft limits (or a bench file's). */
  benchChecked: boolean;
  /** The name of the bench it was checked against, when benchChecked. */
  benchName?: string;
}

export type SequenceLoadResult =
  | { ok: true; sequence: SequenceInfo }
  | { ok: false; path: string; issues: SequenceIssueInfo[] };

// ── runs ──

/**
 * 'pausing': pause was asked and the step goes on to its next checkpoint (the measurement under way lands
 * its readings); 'paused': the run holds, nothing moves until resumed. 'stopping': abort was asked.
 */
export type RunPhase = 'idle' | 'running' | 'pausing' | 'paused' | 'stopping' | 'passed' | 'failed' | 'aborted' | 'error';

/** resumeRun's request: which interrupted run (a folder name in the run history) to continue. */
export interface ContinueRunRequest {
  runId: string;
}

export interface RunState {
  phase: RunPhase;
  runId: string | null;
  runFolder: string | null;
  sequence: string | null;
  dut: string | null;
  /** The step running now (or the last one). */
  stepId: string | null;
  /** 0-based index of that step in the plan, and the plan's length. */
  stepIndex: number;
  stepCount: number;
  estimate_s: number;
  /** Bench seconds since the run started. */
  elapsed_s: number;
  /** Bench seconds the plan expects still to run. */
  remaining_s: number;
  /** Events so far (the next index runEvents returns). */
  events: number;
  passed: boolean | null;
  message: string | null;
}

export interface RunSummary {
  runId: string;
  folder: string;
  sequence: string;
  dut: string;
  status: RunRecord['status'] | 'unreadable';
  passed: boolean | null;
  started: string | null;
  finished: string | null;
  /** CSV files in the folder. */
  files: string[];
  /** Why run.json could not be read, for an 'unreadable' run. */
  message?: string;
}

export type Cell = number | string | boolean | null;

export interface RunTable {
  /** The CSV file name in the run folder. */
  file: string;
  /** The `# key: value` metadata lines (step, table, units, ...). */
  metadata: Record<string, string>;
  columns: string[];
  /** Column-major: data[c][r] is row r of columns[c] (what plots want); numbers parsed, empty cells null. */
  data: Cell[][];
  rows: number;
}

export interface RunDetails {
  runId: string;
  folder: string;
  record: RunRecord;
  tables: RunTable[];
}

export interface ExportedFile {
  name: string;
  mimeType: 'text/csv';
  text: string;
}
