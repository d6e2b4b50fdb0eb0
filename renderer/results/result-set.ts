// The measured results of one run, step instance by step instance: tables (column-major) and the fits the
// step emitted. Filled live from run events or at once from a run folder (history), so the Results and
// History views draw with the same plot components. Plain classes: the stores mark them raw and signal
// changes with a version number, so 100 000 points never become 100 000 reactive objects.
import type { RunDetails, RunEvent } from '../../service/bench-api.ts';
import type { FitRecord } from '../api/types.ts';
import { ColumnTable } from './column-table.ts';
import type { CellValue } from './column-table.ts';

export type StepPhase = 'planned' | 'running' | 'done' | 'error' | 'aborted';

export interface StepResult {
  stepId: string;
  kind: string;
  phase: StepPhase;
  tables: Map<string, ColumnTable>;
  fits: Map<string, FitRecord>;
  /** Named results once the step finished. */
  measurements: Record<string, { value: number; unit: string }>;
  error: string | null;
}

export class ResultSet {
  readonly runId: string;
  readonly steps = new Map<string, StepResult>();

  constructor(runId: string) {
    this.runId = runId;
  }

  /** The step instance, created on first sight (a point can arrive before its step-started after a reconnect). */
  step(stepId: string, kind = 'unknown'): StepResult {
    let s = this.steps.get(stepId);
    if (!s) {
      s = { stepId, kind, phase: 'planned', tables: new Map(), fits: new Map(), measurements: {}, error: null };
      this.steps.set(stepId, s);
    } else if (s.kind === 'unknown' && kind !== 'unknown') {
      s.kind = kind;
    }
    return s;
  }

  table(stepId: string, name: string, columns: readonly string[] = []): ColumnTable {
    const s = this.step(stepId);
    let t = s.tables.get(name);
    if (!t) {
      t = new ColumnTable(columns);
      s.tables.set(name, t);
    }
    return t;
  }

  /** Applies a batch of run events in order; point rows of one table are appended together. */
  ingest(events: readonly RunEvent[]): void {
    let pending: { stepId: string; table: string; rows: Record<string, CellValue>[] } | null = null;
    const flush = () => {
      if (pending) this.table(pending.stepId, pending.table).appendRows(pending.rows);
      pending = null;
    };
    for (const e of events) {
      if (e.type === 'point') {
        if (!pending || pending.stepId !== e.stepId || pending.table !== e.table) {
          flush();
          pending = { stepId: e.stepId, table: e.table, rows: [] };
        }
        pending.rows.push(e.row);
        continue;
      }
      flush();
      this.apply(e);
    }
    flush();
  }

  private apply(e: RunEvent): void {
    switch (e.type) {
      case 'run-started':
        for (const p of e.steps) this.step(p.stepId, p.kind);
        for (const done of e.completed) this.step(done).phase = 'done';
        break;
      case 'step-started':
        this.step(e.stepId, e.kind).phase = 'running';
        break;
      case 'fit':
        this.step(e.stepId).fits.set(e.model, e.result);
        break;
      case 'step-finished': {
        const s = this.step(e.stepId, e.kind);
        s.phase = e.status;
        s.measurements = e.measurements;
        s.error = e.error ?? null;
        break;
      }
      default:
        break;
    }
  }

  /** A finished run as the history shows it: its run.json steps and the tables of its folder. */
  static fromRunDetails(details: RunDetails): ResultSet {
    const set = new ResultSet(details.runId);
    for (const rec of details.record.steps) {
      const s = set.step(rec.stepId, rec.kind);
      s.phase = rec.status === 'pending' ? 'planned' : rec.status;
      s.measurements = rec.measurements;
      s.error = rec.error ?? null;
      for (const [model, fit] of Object.entries(rec.fits)) s.fits.set(model, fit);
    }
    for (const table of details.tables) {
      const listed = listedTable(details, table.file);
      const stepId = table.metadata['step'] ?? listed?.stepId;
      const name = table.metadata['table'] ?? listed?.name ?? table.file.replace(/\.csv$/i, '');
      if (!stepId) continue;
      set.table(stepId, name, table.columns).appendColumns(table.columns, table.data, table.rows);
    }
    return set;
  }
}

/** The step and table name run.json lists for a CSV file (when the CSV's metadata lines do not say). */
function listedTable(details: RunDetails, file: string): { stepId: string; name: string } | undefined {
  for (const s of details.record.steps) {
    const t = s.tables.find((x) => x.file === file || x.file.endsWith(`/${file}`));
    if (t) return { stepId: s.stepId, name: t.name };
  }
  return undefined;
}
