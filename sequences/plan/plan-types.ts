// What a plan holds: every step instance with its id, parsed parameters, tables and estimate, and the limits.
import type { FieldPath } from '../schema/errors.ts';
import type { LoadedSequence } from '../schema/load.ts';
import type { AnyStepDefinition, TableSpec } from '../step.ts';
import type { WaferLoopPlan, WaferStepRef } from '../wafer/wafer-plan.ts';

export interface PlannedStep {
  /** Unique and stable across runs of the same file and parameters: 'sites[B]/align'. */
  stepId: string;
  /** The id without loop keys: 'sites/align'. Limits may name it. */
  templateId: string;
  kind: string;
  definition: AnyStepDefinition;
  /** The body after parameter and loop substitution, as JSON (journalled, shown by validate). */
  body: unknown;
  /** The body parsed by the step's schema. */
  params: unknown;
  loop: Record<string, unknown>;
  /** Where the step sits in the file. */
  path: FieldPath;
  tables: TableSpec[];
  /** Declared measurements name → unit, when the step declares them. */
  measurements?: Record<string, string>;
  estimate_s: number;
  /** The die-site this step belongs to, in a wafer loop. */
  wafer?: WaferStepRef;
}

export interface PlannedLimit {
  label: string;
  measurement: string;
  /** The `step:` selector as written, if any. */
  step?: string;
  /** Bounds in `unit`. */
  min?: number;
  max?: number;
  unit: string;
  /** Step instances this limit judges: each must report the measurement. */
  stepIds: string[];
  /** Instances that declare no measurements: judged only when they report it. */
  maybeStepIds: string[];
  path: FieldPath;
}

export interface Plan {
  sequence: LoadedSequence;
  steps: PlannedStep[];
  limits: PlannedLimit[];
  estimate_s: number;
  /** The plan's wafer loops (absent when it has none). */
  wafers?: WaferLoopPlan[];
}
