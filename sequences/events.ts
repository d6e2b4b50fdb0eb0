// The one typed event union of a run (ARCHITECTURE.md): what the engine emits and what the records writer,
// the CLI progress, the service/IPC and the web bridge consume. Plain JSON, so `--json` prints it as it is.
import type { FitRecord, Measurement } from './step.ts';
import type { DieFinishedEventBody, WaferMapEventBody } from './wafer-events.ts';

/** Fields every event carries. */
export interface EventBase {
  runId: string;
  /** Bench seconds since the run started (the sim's clock when simulated, wall time otherwise). */
  t_s: number;
  /** Wall-clock ISO timestamp. */
  time: string;
}

export interface PlannedStepSummary {
  stepId: string;
  kind: string;
  estimate_s: number;
}

export interface RunStartedEvent extends EventBase {
  type: 'run-started';
  sequence: string;
  dut: string;
  runFolder: string | null;
  steps: PlannedStepSummary[];
  estimate_s: number;
  /** True when continuing an interrupted run (`benchctl resume`). */
  resumed: boolean;
  /** Steps finished by the interrupted run, skipped now. */
  completed: string[];
}

export interface StepStartedEvent extends EventBase {
  type: 'step-started';
  stepId: string;
  kind: string;
  /** 0-based position in the plan, and the plan's length. */
  index: number;
  total: number;
  estimate_s: number;
  /** Bench seconds the plan expects still to run, this step included. */
  remaining_s: number;
  loop: Record<string, unknown>;
}

export interface PointEvent extends EventBase {
  type: 'point';
  stepId: string;
  table: string;
  /** 0-based index of the row within its table for this step instance. */
  index: number;
  row: Record<string, number | string | boolean>;
}

export interface FitEvent extends EventBase {
  type: 'fit';
  stepId: string;
  model: string;
  result: FitRecord;
}

export interface LogEvent extends EventBase {
  type: 'log';
  stepId: string | null;
  message: string;
}

export interface WarningEvent extends EventBase {
  type: 'warning';
  stepId: string | null;
  message: string;
}

export type StepStatus = 'passed' | 'failed' | 'done' | 'error' | 'aborted' | 'skipped';

export interface StepFinishedEvent extends EventBase {
  type: 'step-finished';
  stepId: string;
  kind: string;
  /** done: ran to the end (limits are evaluated at the run's end); error/aborted: did not. */
  status: 'done' | 'error' | 'aborted';
  duration_s: number;
  measurements: Record<string, Measurement>;
  error?: string;
}

/**
 * pause() was asked: the step goes on to its next checkpoint (a fly line under way lands its readings, a
 * sample in hand is written), then the run holds and 'paused' follows. After a reconnect, a pause asked
 * before the loss is announced again with this event: it takes effect at the next checkpoint.
 */
export interface PausingEvent extends EventBase {
  type: 'pausing';
  reason: 'user';
  stepId: string | null;
}

/** The run holds: nothing moves and no reading is taken until 'resumed' (or an abort). */
export interface PausedEvent extends EventBase {
  type: 'paused';
  /** 'user': the run reached a checkpoint after pause(); 'instrument-lost': held while reconnecting. */
  reason: 'user' | 'instrument-lost';
  stepId: string | null;
}

export interface ResumedEvent extends EventBase {
  type: 'resumed';
  stepId: string | null;
}

export interface InstrumentLostEvent extends EventBase {
  type: 'instrument-lost';
  role: string;
  resource: string;
  error: string;
  /** Bench seconds the engine keeps trying before aborting. */
  deadline_s: number;
  /**
   * 'link lost': the connection dropped; 'not answering': a reply timed out (a hung box, a stalled network);
   * 'garbled reply': a reply came back malformed (noise on the line, a confused box).
   */
  reason?: 'link lost' | 'not answering' | 'garbled reply';
  /** The fault's number in the run (1, 2, ...). */
  fault?: number;
  /** Set when the same command timed out again right after a successful resync: the same fault, its deadline unchanged. */
  recurrence?: number;
}

export interface InstrumentRestoredEvent extends EventBase {
  type: 'instrument-restored';
  role: string;
  identity: string;
  attempts: number;
  /** Seconds between the loss and the restore. */
  outage_s: number;
  reason?: 'link lost' | 'not answering' | 'garbled reply';
  fault?: number;
}

export interface LimitResult {
  measurement: string;
  /** The step instance whose measurement was judged. */
  stepId: string;
  value: number | null;
  unit: string;
  min?: number;
  max?: number;
  passed: boolean;
  /** Why it failed when no value was there to judge (step did not run or failed). */
  reason?: string;
}

export interface FinishedEvent extends EventBase {
  type: 'finished';
  passed: boolean;
  limits: LimitResult[];
  duration_s: number;
}

export interface AbortedEvent extends EventBase {
  type: 'aborted';
  /** 'user' (abort(), Ctrl-C), 'error' (a step failed), 'instrument-lost' (reconnect deadline passed). */
  reason: 'user' | 'error' | 'instrument-lost';
  message: string;
  stepId: string | null;
  /** Whether the bench reached its safe state, what failed if not, and which roles stayed unsafe since when. */
  safe: { ok: boolean; error?: string; unsafe?: { role: string; what: string; since: string }[] };
}

/**
 * Making the bench safe failed for some roles and is being tried again (until the safe deadline): the UI and
 * CLI show `message` — `making safe… (laser not confirmed off)` — until the run's last event.
 */
export interface MakingSafeEvent extends EventBase {
  type: 'making-safe';
  message: string;
  pending: { role: string; what: string; since: string; error: string; attempts: number }[];
  deadline_s: number;
}

export type RunEvent =
  | RunStartedEvent
  | StepStartedEvent
  | PointEvent
  | FitEvent
  | LogEvent
  | WarningEvent
  | StepFinishedEvent
  | PausingEvent
  | PausedEvent
  | ResumedEvent
  | InstrumentLostEvent
  | InstrumentRestoredEvent
  | FinishedEvent
  | MakingSafeEvent
  | AbortedEvent
  | WaferMapEvent
  | DieFinishedEvent;

/** The wafer loop's map, once when the loop starts (wafer-events.ts). */
export interface WaferMapEvent extends EventBase, WaferMapEventBody {}

/** One die and site ended (wafer-events.ts). */
export interface DieFinishedEvent extends EventBase, DieFinishedEventBody {}

export type RunEventType = RunEvent['type'];

/** An event without the base fields, as emitters write it; the engine stamps runId/t_s/time. */
export type RunEventBody = RunEvent extends infer E ? E extends RunEvent ? Omit<E, keyof EventBase> : never : never;

export type RunEventListener = (event: RunEvent) => void;
