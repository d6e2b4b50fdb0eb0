// What the engine needs of the records: RunRecorder (a run folder) implements it; MemoryRecords keeps
// counts and states in memory for runs without a folder (tests, rehearsals that record nothing).
import type { UnsafeRole } from '../../drivers/bench/safe-insist.ts';
import type { LimitResult } from '../events.ts';
import type { PlannedStep } from '../plan/plan-types.ts';
import { RecordError } from '../records/csv-table.ts';
import type { StepEnd } from '../records/recorder.ts';
import type { RestoreEnd, RestoreRecords, RestoreStart } from '../records/restore-tables.ts';
import type { FitRecord, ResumeInfo, Row } from '../step.ts';
import type { DieResult } from '../wafer/die-records.ts';
import type { WaferRecordsPort } from '../wafer/wafer-run.ts';

export type { RestoreEnd, RestoreRecords, RestoreStart } from '../records/restore-tables.ts';

export interface RunRecords extends WaferRecordsPort {
  readonly folder: string | null;
  completedSteps(): ReadonlyMap<string, StepEnd>;
  beginStep(step: PlannedStep, t_s: number): Promise<void>;
  resumeInfo(stepId: string): ResumeInfo | null;
  point(stepId: string, table: string, row: Row): Promise<void>;
  saveState(stepId: string, state: unknown): void;
  note(stepId: string | null, kind: 'notes' | 'warnings', message: string): void;
  fit(stepId: string, model: string, result: FitRecord): void;
  incrementReconnects(stepId: string): void;
  endStep(stepId: string, end: StepEnd, bench_s: number): Promise<void>;
  /** `unsafe`: the roles making safe gave up on (run.json says which, and since when). */
  finish(status: 'passed' | 'failed' | 'aborted' | 'error', limits: LimitResult[], bench_s: number, message?: string, unsafe?: readonly UnsafeRole[]): Promise<void>;
  /**
   * A resumed run restoring the bench before it continues (settings applied again, an alignment re-run):
   * where that is recorded, apart from the steps' own tables. Records without it keep nothing of it.
   */
  beginRestore?(info: RestoreStart): Promise<RestoreRecords>;
}

export class MemoryRecords implements RunRecords {
  readonly folder = null;
  readonly rows = new Map<string, Row[]>();
  readonly states = new Map<string, unknown>();
  readonly ends = new Map<string, StepEnd>();
  private readonly started = new Set<string>();
  private readonly tables = new Map<string, string[]>();
  finished: { status: string; limits: LimitResult[] } | null = null;
  /** Die-site results of wafer loops, in order. */
  readonly dies: DieResult[] = [];
  /** What each restoration did, with the re-run's rows by table. */
  readonly restorations: { info: RestoreStart; rows: Record<string, Row[]>; end?: RestoreEnd }[] = [];

  completedSteps(): ReadonlyMap<string, StepEnd> {
    return new Map([...this.ends].filter(([, e]) => e.status === 'done'));
  }

  async beginStep(step: PlannedStep): Promise<void> {
    this.started.add(step.stepId);
    this.tables.set(step.stepId, step.tables.map((t) => t.name));
  }

  resumeInfo(stepId: string): ResumeInfo | null {
    if (!this.started.has(stepId)) return null;
    const pointsByTable = Object.fromEntries((this.tables.get(stepId) ?? []).map((t) => [t, this.rows.get(`${stepId}/${t}`)?.length ?? 0]));
    const completedPoints = Object.values(pointsByTable).reduce((a, b) => a + b, 0);
    const rows = Object.fromEntries(Object.keys(pointsByTable).map((t) => [t, [...(this.rows.get(`${stepId}/${t}`) ?? [])]]));
    return { completedPoints, pointsByTable, rows, ...(this.states.has(stepId) ? { state: this.states.get(stepId) } : {}) };
  }

  async point(stepId: string, table: string, row: Row): Promise<void> {
    if (!this.tables.get(stepId)?.includes(table)) throw new RecordError(`step '${stepId}' has no table '${table}'; it declares ${this.tables.get(stepId)?.join(', ') || 'no tables'}`);
    const key = `${stepId}/${table}`;
    const list = this.rows.get(key) ?? [];
    list.push(row);
    this.rows.set(key, list);
  }

  saveState(stepId: string, state: unknown): void {
    this.states.set(stepId, state);
  }

  dieFinished(result: DieResult): void {
    this.dies.push(result);
  }

  note(): void {}
  fit(): void {}
  incrementReconnects(): void {}

  async endStep(stepId: string, end: StepEnd): Promise<void> {
    this.ends.set(stepId, end);
  }

  async finish(status: string, limits: LimitResult[]): Promise<void> {
    this.finished = { status, limits };
  }

  async beginRestore(info: RestoreStart): Promise<RestoreRecords> {
    const entry: (typeof this.restorations)[number] = { info, rows: Object.fromEntries((info.rerun?.tables ?? []).map((t) => [t.name, []])) };
    this.restorations.push(entry);
    return {
      files: Object.fromEntries(Object.keys(entry.rows).map((t) => [t, `(memory) ${t}`])),
      async point(table, row) {
        const list = entry.rows[table];
        if (!list) throw new RecordError(`the re-run of '${info.rerun?.step.stepId ?? '?'}' has no table '${table}'`);
        list.push(row);
      },
      fit() {},
      note() {},
      async end(end) {
        entry.end = end;
      },
    };
  }
}
