// The records of one run: its folder, a CsvTable per step table, the journal and run.json. The engine calls
// it for everything that must survive a crash (points, step starts/ends, step states); a resumed run
// reopens the same folder and continues the same files.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UnsafeRole } from '../../drivers/bench/safe-insist.ts';
import type { LimitResult } from '../events.ts';
import type { Plan, PlannedStep } from '../plan/plan-types.ts';
import type { FitRecord, Measurement, ResumeInfo, Row } from '../step.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { recoverCsv } from './csv-recover.ts';
import { readTableRows } from './csv-rows.ts';
import { CsvTable, RecordError } from './csv-table.ts';
import { Journal, readJournal, type JournalEntry, type RunConfig } from './journal.ts';
import { openRestoreTables, restoreJournalEntry, type RestoreRecords, type RestoreStart } from './restore-tables.ts';
import { createRunFolder, tableFileNames, tableKey } from './run-folder.ts';
import { initialRecord, type BenchRecordInfo, type RunRecord, type RunStatus, type StepRecord } from './run-record.ts';
import { tableMetadata, type TableHead } from './table-metadata.ts';
import { writeWaferOutputs, type DieResult, type WaferRecord } from '../wafer/die-records.ts';
import type { PlacementFit } from '../wafer/placement.ts';
import { placementOf } from '../wafer/wafer-run.ts';
import type { WaferMapEventBody } from '../wafer-events.ts';

export type { BenchRecordInfo } from './run-record.ts';

export interface StepEnd {
  status: 'done' | 'error' | 'aborted';
  duration_s: number;
  measurements: Record<string, Measurement>;
  fits: Record<string, FitRecord>;
  notes: string[];
  error?: string;
}

const now = () => new Date().toISOString();
const MAX_NOTES = 500;

export class RunRecorder {
  readonly folder: string;
  readonly runId: string;
  private readonly plan: Plan;
  private readonly journal: Journal;
  private readonly record: RunRecord;
  private readonly files: Map<string, string>;
  private readonly open = new Map<string, CsvTable>();
  private readonly states = new Map<string, unknown>();
  private readonly started = new Set<string>();
  private readonly completed = new Map<string, StepEnd>();
  private readonly wallStart = performance.now();
  private readonly wallBefore_s: number;
  /** Wafer loops by loop id, in order; die results journalled before a resume. */
  private readonly wafers = new Map<string, WaferRecord>();
  private readonly previousDies: DieResult[] = [];

  private constructor(folder: string, plan: Plan, journal: Journal, record: RunRecord, wallBefore_s = 0) {
    this.folder = folder;
    this.runId = record.runId;
    this.plan = plan;
    this.journal = journal;
    this.record = record;
    this.files = tableFileNames(plan.steps);
    this.wallBefore_s = wallBefore_s;
  }

  /** A new run folder under `outDir`, with the sequence copied in and the plan journalled. */
  static create(outDir: string, plan: Plan, config: Omit<RunConfig, 'runId'>, bench: BenchRecordInfo): RunRecorder {
    const seq = plan.sequence;
    const { folder, runId } = createRunFolder(outDir, seq.doc.name, seq.metadata.dut);
    writeFileSync(join(folder, 'sequence.yaml'), seq.text);
    const journal = Journal.open(join(folder, 'journal.jsonl'));
    journal.append({
      type: 'run', time: now(), config: { ...config, runId },
      plan: plan.steps.map((s) => ({ stepId: s.stepId, kind: s.kind, estimate_s: s.estimate_s })),
    });
    const rec = new RunRecorder(folder, plan, journal, initialRecord(runId, plan, bench, config.software, now()));
    rec.writeRunJson();
    return rec;
  }

  /**
   * Reopens a run folder to continue it: completed steps come back from the journal, tables are recovered
   * (a torn last row cut off) when their step runs again. `plan` must be rebuilt from the same sequence.
   */
  static reopen(folder: string, plan: Plan, bench: BenchRecordInfo): RunRecorder {
    const entries = readJournal(join(folder, 'journal.jsonl'));
    const first = entries[0] as Extract<JournalEntry, { type: 'run' }>;
    const end = finishedStatus(entries);
    if (end === 'passed' || end === 'failed') {
      throw new RecordError(`${folder}: run ${first.config.runId} already finished (${end}); there is nothing to resume`);
    }
    const planned = first.plan.map((p) => p.stepId).join('\n');
    if (planned !== plan.steps.map((s) => s.stepId).join('\n')) {
      throw new RecordError(`${folder}: the rebuilt plan differs from the journalled one (was the sequence or a parameter changed?); cannot resume`);
    }
    let previous: RunRecord | undefined;
    try {
      previous = JSON.parse(readFileSafe(join(folder, 'run.json'))) as RunRecord;
    } catch {
      previous = undefined;
    }
    const record = initialRecord(first.config.runId, plan, bench, first.config.software, previous?.started ?? first.time);
    record.resumed = [...(previous?.resumed ?? []), now()];
    if (previous?.restorations) record.restorations = previous.restorations;
    const journal = Journal.open(join(folder, 'journal.jsonl'));
    const rec = new RunRecorder(folder, plan, journal, record, previous?.timings.wall_s ?? 0);
    rec.replay(entries);
    journal.append({ type: 'resume', time: now() });
    rec.writeRunJson();
    return rec;
  }

  static config(folder: string): RunConfig {
    const first = readJournal(join(folder, 'journal.jsonl'))[0] as Extract<JournalEntry, { type: 'run' }>;
    return first.config;
  }

  private replay(entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      if (e.type === 'step-start') this.started.add(e.stepId);
      else if (e.type === 'state') this.states.set(e.stepId, e.state);
      else if (e.type === 'die') this.previousDies.push(e.result);
      else if (e.type === 'step-end') {
        const step = this.stepRecord(e.stepId);
        if (!step) continue;
        if (e.status === 'done') {
          const { type: _t, time, stepId: _s, pointsByTable, ...end } = e;
          this.completed.set(e.stepId, end);
          Object.assign(step, { status: 'done', finished: time, duration_s: e.duration_s, measurements: e.measurements, fits: e.fits, notes: e.notes });
          for (const t of step.tables) t.rows = pointsByTable[t.name] ?? t.rows;
        } else {
          Object.assign(step, { status: e.status, error: e.error });
        }
      }
    }
  }

  /** Outcomes of steps that finished before (resume skips them). */
  completedSteps(): ReadonlyMap<string, StepEnd> {
    return this.completed;
  }

  get runRecord(): Readonly<RunRecord> {
    return this.record;
  }

  fileOf(stepId: string, table: string): string {
    const f = this.files.get(tableKey(stepId, table));
    if (!f) throw new RecordError(`step '${stepId}' declares no table '${table}'`);
    return join(this.folder, f);
  }

  /** Opens the step's tables (creating them, or recovering them when the step ran before) and journals the start. */
  async beginStep(step: PlannedStep, t_s: number): Promise<void> {
    for (const t of step.tables) {
      const key = tableKey(step.stepId, t.name);
      if (this.open.has(key)) continue;
      const path = this.fileOf(step.stepId, t.name);
      let table: CsvTable | undefined;
      if (existsSync(path)) {
        const rec = await recoverCsv(path);
        if (rec.header && rec.header.join(',') === t.columns.join(',')) table = CsvTable.append(path, t.name, t.columns, rec.rows);
        else if (rec.header) throw new RecordError(`${path}: its header (${rec.header.join(', ')}) is not the table's columns (${t.columns.join(', ')}); cannot continue it`);
      }
      table ??= CsvTable.create(path, t.name, t.columns, this.metadata(step, { table: t.name, columns: t.columns, ...(t.description ? { description: t.description } : {}) }));
      this.open.set(key, table);
    }
    this.started.add(step.stepId);
    this.journal.append({ type: 'step-start', time: now(), stepId: step.stepId, t_s });
    const rec = this.stepRecord(step.stepId);
    if (rec) Object.assign(rec, { status: 'running', started: rec.started ?? now() });
    this.writeRunJson();
  }

  /** What a step restarted after a crash or an instrument loss must skip; null if it never ran. */
  resumeInfo(stepId: string): ResumeInfo | null {
    if (!this.started.has(stepId)) return null;
    const pointsByTable = this.pointsByTable(stepId);
    const completedPoints = Object.values(pointsByTable).reduce((a, b) => a + b, 0);
    const info: ResumeInfo = { completedPoints, pointsByTable, ...(this.states.has(stepId) ? { state: this.states.get(stepId) } : {}) };
    // Read only if the step looks: a measure step of millions of rows never needs them in memory.
    let rows: Record<string, Row[]> | undefined;
    Object.defineProperty(info, 'rows', {
      enumerable: true,
      get: () => (rows ??= Object.fromEntries(Object.keys(pointsByTable).map((t) => [t, readTableRows(this.fileOf(stepId, t))]))),
    });
    return info;
  }

  pointsByTable(stepId: string): Record<string, number> {
    const step = this.plan.steps.find((s) => s.stepId === stepId);
    return Object.fromEntries((step?.tables ?? []).map((t) => [t.name, this.open.get(tableKey(stepId, t.name))?.rows ?? 0]));
  }

  point(stepId: string, table: string, row: Row): Promise<void> {
    const t = this.open.get(tableKey(stepId, table));
    if (!t) {
      const step = this.plan.steps.find((s) => s.stepId === stepId);
      return Promise.reject(new RecordError(`step '${stepId}' has no table '${table}'; it declares ${step?.tables.map((x) => x.name).join(', ') || 'no tables'}`));
    }
    try {
      return t.append(row);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  saveState(stepId: string, state: unknown): void {
    this.states.set(stepId, state);
    this.journal.append({ type: 'state', time: now(), stepId, state, pointsByTable: this.pointsByTable(stepId) });
  }

  note(stepId: string | null, kind: 'notes' | 'warnings', message: string): void {
    const rec = stepId === null ? undefined : this.stepRecord(stepId);
    if (rec && rec[kind].length < MAX_NOTES) rec[kind].push(message);
  }

  fit(stepId: string, model: string, result: FitRecord): void {
    const rec = this.stepRecord(stepId);
    if (rec) rec.fits[model] = result;
  }

  incrementReconnects(stepId: string): void {
    const rec = this.stepRecord(stepId);
    if (rec) rec.reconnects++;
  }

  async endStep(stepId: string, end: StepEnd, bench_s: number): Promise<void> {
    const step = this.plan.steps.find((s) => s.stepId === stepId);
    const pointsByTable = Object.fromEntries((step?.tables ?? []).map((t) => [t.name, this.open.get(tableKey(stepId, t.name))?.rows ?? this.tableRows(stepId, t.name)]));
    for (const t of step?.tables ?? []) {
      const key = tableKey(stepId, t.name);
      await this.open.get(key)?.close();
      this.open.delete(key);
    }
    this.journal.append({ type: 'step-end', time: now(), stepId, ...end, pointsByTable, ...(end.error ? { error: end.error } : {}) });
    if (end.status === 'done') this.completed.set(stepId, end);
    const rec = this.stepRecord(stepId);
    if (rec) {
      Object.assign(rec, {
        status: end.status, finished: now(), duration_s: end.duration_s, measurements: end.measurements,
        fits: { ...rec.fits, ...end.fits }, notes: [...rec.notes, ...end.notes].slice(0, MAX_NOTES),
        ...(end.error ? { error: end.error } : {}),
      });
      for (const t of rec.tables) t.rows = pointsByTable[t.name] ?? t.rows;
    }
    this.record.timings.bench_s = bench_s;
    this.writeRunJson();
  }

  private tableRows(stepId: string, table: string): number {
    return this.stepRecord(stepId)?.tables.find((t) => t.name === table)?.rows ?? 0;
  }

  /** The end of the run (passed, failed, aborted, error): journalled, run.json final, files closed. */
  async finish(status: Exclude<RunStatus, 'running'>, limits: LimitResult[], bench_s: number, message?: string, unsafe?: readonly UnsafeRole[]): Promise<void> {
    for (const t of this.open.values()) await t.close();
    this.open.clear();
    this.record.status = status;
    this.record.passed = status === 'passed' ? true : status === 'failed' ? false : null;
    this.record.limits = limits;
    this.record.finished = now();
    this.record.timings.bench_s = bench_s;
    if (message) this.record.message = message;
    if (unsafe && unsafe.length > 0) this.record.unsafe = unsafe.map((u) => ({ role: u.role, what: u.what, since: u.since, attempts: u.attempts, error: u.error }));
    this.journal.append({ type: 'end', time: now(), status, limits, ...(message ? { message } : {}) });
    this.writeRunJson();
    this.journal.close();
  }

  /** A wafer loop started: its map in run.json (results journalled before a resume come back with it). */
  waferStarted(map: Omit<WaferMapEventBody, 'type'>): void {
    const results = this.previousDies.filter((r) => r.loopId === map.loopId);
    const last = [...results].reverse().find((r) => r.placement)?.placement ?? null;
    this.wafers.set(map.loopId, { map, results, placement: last });
    this.writeWafer();
  }

  /** One die-site ended: journalled (resume skips it), dies.csv and the known-good-die map rewritten. */
  dieFinished(result: DieResult, fit: PlacementFit | null): void {
    this.journal.append({ type: 'die', time: now(), result });
    const w = this.wafers.get(result.loopId);
    if (w) {
      w.results.push(result);
      if (fit) {
        w.placement = placementOf(fit);
        w.residuals = fit.residuals;
      }
    }
    this.writeWafer();
  }

  waferResults(): DieResult[] {
    return [...this.previousDies];
  }

  private writeWafer(): void {
    const all = [...this.wafers.values()];
    if (all.length === 1) this.record.wafer = all[0];
    else this.record.wafers = all;
    writeWaferOutputs(this.folder, all);
    this.writeRunJson();
  }

  setIdentities(identities: Record<string, string>): void {
    this.record.bench.identities = identities;
  }

  private stepRecord(stepId: string): StepRecord | undefined {
    return this.record.steps.find((s) => s.stepId === stepId);
  }

  private metadata(step: PlannedStep, head: TableHead): [string, string][] {
    return tableMetadata(this.plan, this.record, step, head, now());
  }

  /**
   * A resumed run restoring the bench before `info.before` continues: recorded in run.json's
   * `restorations`, the re-run's rows in their own `resume-<n>.<step>.<table>.csv` tables, journalled at its end.
   */
  async beginRestore(info: RestoreStart): Promise<RestoreRecords> {
    const restore = openRestoreTables(this.folder, info, Math.max(1, this.record.resumed.length), (step, head) => this.metadata(step, head), async (entry) => {
      this.journal.append(restoreJournalEntry(entry, now()));
      this.writeRunJson();
    });
    (this.record.restorations ??= []).push(restore.entry);
    this.writeRunJson();
    return restore;
  }

  writeRunJson(): void {
    this.record.timings.wall_s = this.wallBefore_s + (performance.now() - this.wallStart) / 1000;
    writeFileAtomic(join(this.folder, 'run.json'), `${JSON.stringify(this.record, null, 2)}\n`);
  }
}

/** The status of the run's last end, unless a resume came after it. */
function finishedStatus(entries: readonly JournalEntry[]): string | undefined {
  const last = [...entries].reverse().find((e) => e.type === 'end' || e.type === 'resume');
  return last?.type === 'end' ? last.status : undefined;
}

function readFileSafe(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
