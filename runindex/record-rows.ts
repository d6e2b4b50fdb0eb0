// A run record as index rows: one run, its measurements (with the limit that judged each), fit parameters
// with σ, and files. Pure: the same record always gives the same rows, which is what makes re-indexing a
// run (each step's end, a rebuild, an outbox retry) idempotent.
import type { RunRecord } from '../sequences/records/run-record.ts';
import type { DieSitesTable, FilesTable, FitsTable, MeasurementsTable, RunsTable } from './schema.ts';

export interface RunRows {
  run: RunsTable;
  measurements: MeasurementsTable[];
  /** A wafer run's die-site results, every pass. */
  dieSites: DieSitesTable[];
  fits: FitsTable[];
  files: FilesTable[];
}

export interface RowSource {
  /** The run folder (absolute). */
  folder: string;
  /** run.json's modification time. */
  mtime_ms: number;
  /** When it is indexed (ISO); defaults to now. */
  now?: string;
}

/** The folder files every run has, besides its step tables. */
const RUN_FILES = ['run.json', 'journal.jsonl', 'sequence.yaml'];

function text(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function rowsOf(record: RunRecord, src: RowSource): RunRows {
  const md = record.metadata ?? {};
  const runId = record.runId;
  const wafers = record.wafers ?? (record.wafer ? [record.wafer] : []);
  const run: RunsTable = {
    run_id: runId,
    folder: src.folder,
    bench: record.bench.name,
    simulated: record.bench.simulated ? 1 : 0,
    sequence: record.sequence.name,
    dut: text(md['dut']) ?? '',
    lot: text(md['lot']),
    // A wafer run names its wafer by the map when the metadata does not.
    wafer: text(md['wafer']) ?? (wafers.length === 1 ? (wafers[0]?.map.wafer ?? null) : null),
    die: text(md['die']),
    site: text(md['site']),
    operator: text(md['operator']),
    status: record.status,
    passed: record.passed === null || record.passed === undefined ? null : record.passed ? 1 : 0,
    started: new Date(record.started).toISOString(),
    finished: record.finished ? new Date(record.finished).toISOString() : null,
    software_version: record.software.version,
    message: record.message ?? null,
    source_mtime_ms: src.mtime_ms,
    indexed_at: src.now ?? new Date().toISOString(),
  };
  const limits = new Map(record.limits.map((l) => [`${l.stepId}\u0000${l.measurement}`, l]));
  const measurements: MeasurementsTable[] = [];
  const fits: FitsTable[] = [];
  const files = new Map<string, FilesTable>();
  for (const f of RUN_FILES) files.set(f, { run_id: runId, file: f, step_id: null, table_name: null, rows: 0 });
  for (const step of record.steps) {
    const site = text(step.loop?.['site']);
    const die = text(step.loop?.['die']);
    for (const [name, m] of Object.entries(step.measurements)) {
      // JSON has no NaN or Infinity: such a value was written as null and there is nothing to index.
      if (!finite(m.value)) continue;
      const limit = limits.get(`${step.stepId}\u0000${name}`);
      measurements.push({
        run_id: runId, step_id: step.stepId, name, value: m.value, unit: m.unit, site, die,
        min: limit && finite(limit.min) ? limit.min : null,
        max: limit && finite(limit.max) ? limit.max : null,
        verdict: limit ? (limit.passed ? 'pass' : 'fail') : null,
      });
    }
    for (const [model, fit] of Object.entries(step.fits)) {
      for (const [parameter, p] of Object.entries(fit.parameters)) {
        if (!finite(p.value)) continue;
        fits.push({ run_id: runId, step_id: step.stepId, model, parameter, value: p.value, sigma: finite(p.sigma) ? p.sigma : null, unit: p.unit });
      }
    }
    for (const t of step.tables) {
      if (t.file === '') continue;
      files.set(t.file, { run_id: runId, file: t.file, step_id: step.stepId, table_name: t.name, rows: t.rows });
    }
  }
  for (const r of record.restorations ?? []) {
    for (const t of r.rerun?.tables ?? []) {
      if (t.file !== '') files.set(t.file, { run_id: runId, file: t.file, step_id: r.rerun?.stepId ?? null, table_name: t.name, rows: t.rows });
    }
  }
  // Keyed by die, site and pass: a result journalled twice (it cannot be, but a hand-edited record) keeps one row.
  const dieSites = new Map<string, DieSitesTable>();
  for (const w of wafers) {
    for (const r of w.results) {
      const pass = r.pass ?? 1;
      dieSites.set(`${r.loopId}\u0000${r.die}\u0000${r.site}\u0000${pass}`, {
        run_id: runId, loop_id: r.loopId, wafer: w.map.wafer, die: r.die, col: r.col, row: r.row, site: r.site, pass,
        bin: r.bin, bin_name: r.binName, passed: r.passed ? 1 : 0, error: r.error ?? null,
      });
    }
  }
  return { run, measurements, dieSites: [...dieSites.values()], fits, files: [...files.values()] };
}
