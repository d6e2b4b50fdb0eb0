// The step contract: every step kind (set, measure, wait, log, script here; align by F2; sweep and ber by F3)
// is one StepDefinition in the registry (sequences/steps/index.ts). The engine parses the step's YAML body
// with `schema`, asks `validate` and `estimate_s` before anything moves, then calls `run` with a context that
// records points durably, honours pause/abort and lets the step resume after a crash.
import type { ZodType } from 'zod';
import type { Bench } from './bench-port.ts';
import type { RoleKind, StageRamp } from '../drivers/driver.ts';

export type { Bench } from './bench-port.ts';

/** One table a step writes: a CSV in the run folder. Column names carry their unit: 'wavelength_nm'. */
export interface TableSpec {
  name: string;
  columns: string[];
  /** One line for the CSV's metadata and the UI. */
  description?: string;
}

/** A declared range of an instrument setting, in the unit carried by its key (wavelength_nm, power_dBm, ...). */
export interface Range {
  min: number;
  max: number;
}

/** What the sequencer knows about one bench role before touching it (bench file + driver model limits). */
export interface RoleInfo {
  kind: RoleKind;
  driver: string;
  resource?: string;
  /** Declared ranges by setting name with unit: wavelength_nm, power_dBm, sweepSpeed_nm_s, attenuation_dB, lineRate_Gbps. */
  ranges: Record<string, Range>;
  /**
   * Stages: soft limits per logical axis (µm), and the most velocity and acceleration the controller
   * accepts where its driver read them at open (absent from a bench file alone).
   */
  axes?: Record<string, { min_um: number; max_um: number; maxVelocity_um_s?: number; maxAcceleration_um_s2?: number }>;
  /** Stages whose driver sets only some ramps (a hexapod: velocity); absent: both. */
  ramps?: StageRamp[];
  /** Meters: channel numbers. */
  channels?: number[];
  /** Hexapods carrying a fiber array: the chip's loopback pairs the bench file declares (fiber numbers). */
  loopbacks?: [number, number][];
  /** Stages: the trigger output cabled to a meter's trigger input (options.trigger_output), if any. */
  triggerOutput?: number;
  /** BERTs: the line codings the driver offers (NRZ only unless it says more); unknown from a bench file alone. */
  lineCodings?: string[];
}

/** The bench's declared capabilities: what `validate` and `estimate_s` may look at. */
export interface BenchInfo {
  name: string;
  roles: Record<string, RoleInfo>;
  /** True for an in-process VirtualBench (fast or realtime); steps must not branch on it for behaviour. */
  simulated: boolean;
}

/** A problem found before the run; `field` is the path inside the step body ('start', 'sites.0.X'). */
export interface ValidationIssue {
  field: string;
  message: string;
}

/** A fitted model for records and plots: parameters with units and standard uncertainties, plus goodness of fit. */
export interface FitRecord {
  parameters: Record<string, { value: number; sigma?: number; unit: string }>;
  rSquared?: number;
  reducedChiSquare?: number;
  points?: number;
  /** Anything else worth keeping (extrapolated: true, method: 'loglog', ...). */
  extra?: Record<string, number | string | boolean>;
}

export interface Measurement {
  value: number;
  unit: string;
}

export type Row = Record<string, number | string | boolean>;

export interface ResumeInfo {
  /** Points already recorded by this step instance (all tables together). */
  completedPoints: number;
  /** The same, per table. */
  pointsByTable: Record<string, number>;
  /** The last state the step saved with saveState(). */
  state?: unknown;
  /**
   * The rows already recorded, per table, as read back from the records (numbers, booleans, text; the
   * recorder reads a table's file when this is first looked at). A step that needs its earlier points (for
   * a fit, or to compare with after the interruption) takes them from here instead of saving them all in
   * its state. Absent where the context cannot provide them (hand-made test contexts).
   */
  rows?: Record<string, Row[]>;
}

export interface StepContext {
  bench: Bench;
  /** Unique per step instance in the plan, e.g. 'sites[B]/align'. */
  stepId: string;
  /** Loop variables in scope: site name, site offset_um {X, Y}, channel, value. */
  loop: Record<string, unknown>;
  /** Bench time (the sim's clock when simulated, wall time otherwise). */
  now_s(): number;
  /** Aborted → stop promptly; the engine then makes the bench safe. */
  signal: AbortSignal;
  /** Call between points: waits while paused, throws (AbortError) when aborted. */
  checkpoint(): Promise<void>;
  /** Records a row; durable (written to the CSV) before it resolves. */
  point(table: string, row: Row): Promise<void>;
  /**
   * Records a burst of rows of one table (a fly line's logged samples) in one write, durable before it
   * resolves; each is still a point event. Awaiting point() row by row costs one write per row. Optional
   * so hand-made test contexts need not provide it; the engine always does.
   */
  points?(table: string, rows: readonly Row[]): Promise<void>;
  /** Fitted parameters (+ sigmas, R²) for records and plots. */
  fit(model: string, result: FitRecord): void;
  log(message: string): void;
  warn(message: string): void;
  /** Continue after a crash or instrument loss: skip points already recorded. Null on a fresh start. */
  resume: ResumeInfo | null;
  /** Small JSON the step needs to resume (journalled). */
  saveState(state: unknown): Promise<void>;
  /**
   * Lets `duration_s` of bench time pass: free on the simulator's fast clock, real time otherwise; pausing
   * holds it, aborting ends it (throws). Optional so hand-made test contexts need not provide it; the
   * engine always does.
   */
  wait_s?(duration_s: number): Promise<void>;
}

export interface StepOutcome {
  /** Named results; limits refer to them. */
  measurements: Record<string, Measurement>;
  fits?: Record<string, FitRecord>;
  notes?: string[];
}

export interface StepDefinition<P> {
  /** 'align', 'sweep', 'ber', 'set', ... : the key a sequence file writes. */
  kind: string;
  /** One line for `benchctl validate` and error messages. */
  description?: string;
  /** zod schema of the step's YAML body; quantities parsed by the helpers in sequences/schema/q.ts. */
  schema: ZodType<P>;
  /** Tables this step writes (column names carry units). */
  tables(params: P): TableSpec[];
  /**
   * Measurements `run` will report, name → unit (e.g. { power_dBm: 'dBm' }). Optional, but without it a limit
   * on a misspelt measurement is caught only when the run ends; with it, at validation.
   */
  measurements?(params: P): Record<string, string>;
  /** Checks against the bench's declared capabilities before anything moves (laser range, soft limits). */
  validate?(params: P, bench: BenchInfo): ValidationIssue[];
  /** Bench seconds this step should take, for the plan's ETA. */
  estimate_s(params: P, bench: BenchInfo): number;
  /**
   * The estimate again with what the plan knows in run order (the stage ramps the sequence set, a wafer
   * loop's prediction); absent: estimate_s stands.
   */
  estimateInPlan?(params: P, bench: BenchInfo, context: PlanEstimateContext): number;
  run(ctx: StepContext, params: P): Promise<StepOutcome>;
}

export interface PlanEstimateContext {
  /** Acceleration the sequence set on each stage role so far (`stage.acceleration`), µm/s². */
  stageAcceleration_um_s2: Readonly<Record<string, number>>;
  /** The step starts at a predicted optimum: a predicting wafer loop's die-site after its first three. */
  predicted: boolean;
}

/** A registry entry: a definition whose parameter type is known only to itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStepDefinition = StepDefinition<any>;
