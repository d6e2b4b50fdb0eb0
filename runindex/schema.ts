// The run index's tables, as Kysely sees them: one schema for SQLite and PostgreSQL. Everything is a
// text, a double or a small integer so that both dialects hand back the same JavaScript values (no
// bigint strings from pg, no booleans SQLite lacks): `passed` and `simulated` are 0/1, times ISO-8601 UTC
// text (which sorts as time does).

export interface RunsTable {
  run_id: string;
  folder: string;
  bench: string;
  simulated: number;
  sequence: string;
  dut: string;
  lot: string | null;
  wafer: string | null;
  die: string | null;
  site: string | null;
  operator: string | null;
  status: string;
  /** 1 passed, 0 failed, null not judged (running, aborted). */
  passed: number | null;
  started: string;
  finished: string | null;
  software_version: string;
  message: string | null;
  /** run.json's modification time when indexed: what `index rebuild` compares to skip an unchanged run. */
  source_mtime_ms: number;
  indexed_at: string;
}

export interface MeasurementsTable {
  run_id: string;
  step_id: string;
  name: string;
  value: number;
  unit: string;
  /** The loop's site (`sites[B]/align` → B) when the step ran inside a sites loop. */
  site: string | null;
  /** The wafer loop's die (`wafer[C07R03.A]/align` → C07R03); null outside a wafer loop. */
  die: string | null;
  min: number | null;
  max: number | null;
  /** 'pass' | 'fail' when a limit judged it, else null. */
  verdict: string | null;
}

/** One die-site result of a wafer loop, one row per pass (run.json's `wafer.results`). */
export interface DieSitesTable {
  run_id: string;
  /** The wafer loop's step-id prefix ('wafer'). */
  loop_id: string;
  /** The map's name (e.g. 'wafer-a'). */
  wafer: string;
  die: string;
  col: number;
  row: number;
  site: string;
  /** 1 the first pass, 2... reprobes. */
  pass: number;
  bin: number;
  bin_name: string;
  /** 1 passed, 0 failed. */
  passed: number;
  error: string | null;
}

export interface FitsTable {
  run_id: string;
  step_id: string;
  model: string;
  parameter: string;
  value: number;
  sigma: number | null;
  unit: string;
}

export interface FilesTable {
  run_id: string;
  file: string;
  step_id: string | null;
  table_name: string | null;
  rows: number;
}

/** One control action (service/access/audit-log.ts's AuditEntry), as indexed. */
export interface AuditTable {
  id: string;
  time: string;
  who: string;
  role: string;
  via: string;
  call: string;
  /** The call's argument as JSON text, or null. */
  arg: string | null;
  /** 'ok' | 'error' | 'refused' */
  result: string;
  error_name: string | null;
  error_message: string | null;
  /** Which audit file it came from: `host:path`, so a lab server tells its benches apart. */
  source: string;
}

export interface IndexDatabase {
  runs: RunsTable;
  measurements: MeasurementsTable;
  die_sites: DieSitesTable;
  fits: FitsTable;
  files: FilesTable;
  audit: AuditTable;
}
