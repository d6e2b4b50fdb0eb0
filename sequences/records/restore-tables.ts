// The records of a resume's restoration (engine/resume-restore.ts): the alignment re-run before the run
// continues writes its readings to its own tables, `resume-<n>.<step>.<table>.csv`, never to the tables
// of the step it repeats, so those keep exactly the rows and row counts they had.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedStep } from '../plan/plan-types.ts';
import type { FitRecord, Measurement, Row, TableSpec } from '../step.ts';
import { CsvTable, RecordError } from './csv-table.ts';
import type { JournalEntry } from './journal.ts';
import { slug } from './run-folder.ts';
import type { RestorationRecord } from './run-record.ts';
import type { TableHead } from './table-metadata.ts';

export interface RestoreStart {
  /** The step the resumed run continues with. */
  before: string;
  /** Settings and moves applied again, described (`laser.power=13`). */
  applied: string[];
  /** A finished step run again to restore the bench (the alignment the next step stands on). */
  rerun?: { step: PlannedStep; body: unknown; tables: TableSpec[] };
}

export interface RestoreEnd {
  status: 'done' | 'error' | 'aborted';
  duration_s: number;
  measurements: Record<string, Measurement>;
  error?: string;
}

/** What the engine records through while it restores the bench. */
export interface RestoreRecords {
  /** Table name → file name of the re-run's tables (for the log). */
  readonly files: Readonly<Record<string, string>>;
  point(table: string, row: Row): Promise<void>;
  fit(model: string, result: FitRecord): void;
  note(kind: 'notes' | 'warnings', message: string): void;
  end(end: RestoreEnd): Promise<void>;
}

const MAX_NOTES = 500;

/** The re-run's tables, open for appending, and its entry in run.json. */
export class RestoreTables implements RestoreRecords {
  readonly files: Readonly<Record<string, string>>;
  /** Its entry in run.json's `restorations`, updated as it goes. */
  readonly entry: RestorationRecord;
  private readonly tables: Map<string, CsvTable>;
  private readonly onEnd: (entry: RestorationRecord) => Promise<void>;

  constructor(entry: RestorationRecord, tables: Map<string, CsvTable>, files: Record<string, string>, onEnd: (entry: RestorationRecord) => Promise<void>) {
    this.entry = entry;
    this.tables = tables;
    this.files = files;
    this.onEnd = onEnd;
  }

  point(table: string, row: Row): Promise<void> {
    const t = this.tables.get(table);
    if (!t) {
      return Promise.reject(new RecordError(`the re-run of '${this.entry.rerun?.stepId ?? '?'}' has no table '${table}'; ` +
        `it declares ${[...this.tables.keys()].join(', ') || 'no tables'}`));
    }
    try {
      return t.append(row);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  fit(model: string, result: FitRecord): void {
    if (this.entry.rerun) this.entry.rerun.fits[model] = result;
  }

  note(kind: 'notes' | 'warnings', message: string): void {
    const list = this.entry.rerun?.[kind];
    if (list && list.length < MAX_NOTES) list.push(message);
  }

  async end(end: RestoreEnd): Promise<void> {
    for (const t of this.tables.values()) await t.close();
    const rerun = this.entry.rerun;
    if (rerun) {
      Object.assign(rerun, { status: end.status, duration_s: end.duration_s, measurements: end.measurements, ...(end.error ? { error: end.error } : {}) });
      for (const t of rerun.tables) t.rows = this.tables.get(t.name)?.rows ?? t.rows;
    }
    await this.onEnd(this.entry);
  }
}

/** Creates the re-run's tables (`resume-<n>.<step>.<table>.csv`, never an existing file) and its run.json entry. */
export function openRestoreTables(folder: string, info: RestoreStart, resume: number,
  metadata: (step: PlannedStep, head: TableHead) => [string, string][], onEnd: (entry: RestorationRecord) => Promise<void>): RestoreTables {
  const entry: RestorationRecord = { resume, time: new Date().toISOString(), before: info.before, applied: [...info.applied] };
  const tables = new Map<string, CsvTable>();
  const files: Record<string, string> = {};
  if (info.rerun) {
    const { step, body } = info.rerun;
    entry.rerun = { stepId: step.stepId, kind: step.kind, params: body, status: 'running', measurements: {}, fits: {}, notes: [], warnings: [], tables: [] };
    const phase = `resume ${resume}: ${step.stepId} run again to restore the bench before ${info.before}`;
    for (const t of info.rerun.tables) {
      const base = `resume-${resume}.${slug(step.stepId)}.${slug(t.name)}`;
      let file = `${base}.csv`;
      for (let n = 2; existsSync(join(folder, file)); n++) file = `${base}-${n}.csv`;
      const head: TableHead = { table: t.name, columns: t.columns, ...(t.description ? { description: t.description } : {}), extra: [['phase', phase]] };
      tables.set(t.name, CsvTable.create(join(folder, file), t.name, t.columns, metadata(step, head)));
      files[t.name] = file;
      entry.rerun.tables.push({ name: t.name, file, columns: [...t.columns], rows: 0 });
    }
  }
  return new RestoreTables(entry, tables, files, onEnd);
}

export function restoreJournalEntry(e: RestorationRecord, time: string): JournalEntry {
  const r = e.rerun;
  return {
    type: 'restore', time, resume: e.resume, before: e.before, applied: e.applied,
    ...(r ? {
      rerun: {
        stepId: r.stepId, status: r.status, measurements: r.measurements,
        pointsByTable: Object.fromEntries(r.tables.map((t) => [t.name, t.rows])), ...(r.error ? { error: r.error } : {}),
      },
    } : {}),
  };
}
