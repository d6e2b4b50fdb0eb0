// `benchctl history` output: JSON (an array of runs, each with runId, dut, lot, status, passed, started and
// measurements), CSV (csv-stringify) or a text table. Table and CSV show the --where measurements as columns.
import { stringify } from 'csv-stringify/sync';
import type { IndexedRun } from '../runindex/query.ts';
import { table } from './text-table.ts';

export type HistoryFormat = 'table' | 'csv' | 'json';

export interface HistoryJsonRun {
  runId: string;
  dut: string;
  lot: string | null;
  status: string;
  passed: boolean | null;
  started: string;
  measurements: { name: string; step: string; value: number; unit: string; min: number | null; max: number | null; verdict: 'pass' | 'fail' | null }[];
}

export function historyJson(runs: IndexedRun[]): HistoryJsonRun[] {
  return runs.map((r) => ({
    runId: r.runId, dut: r.dut, lot: r.lot, status: r.status, passed: r.passed, started: r.started,
    measurements: r.measurements.map((m) => ({ name: m.name, step: m.step, value: m.value, unit: m.unit, min: m.min, max: m.max, verdict: m.verdict })),
  }));
}

/** A measurement's values on one run (one per step that measured it), space-separated. */
function valuesOf(run: IndexedRun, name: string): string {
  return run.measurements.filter((m) => m.name === name).map((m) => String(Number(m.value.toPrecision(6)))).join(' ');
}

function rowsOf(runs: IndexedRun[], columns: string[]): string[][] {
  const head = ['started', 'runId', 'sequence', 'dut', 'lot', 'wafer', 'status', 'result', ...columns];
  const body = runs.map((r) => [
    r.started, r.runId, r.sequence, r.dut, r.lot ?? '', r.wafer ?? '', r.status, r.passed === null ? '' : r.passed ? 'PASS' : 'FAIL',
    ...columns.map((c) => valuesOf(r, c)),
  ]);
  return [head, ...body];
}

export function formatHistory(runs: IndexedRun[], format: HistoryFormat, columns: string[], total: number): string {
  if (format === 'json') return `${JSON.stringify(historyJson(runs), null, 2)}\n`;
  const rows = rowsOf(runs, columns);
  if (format === 'csv') return stringify(rows);
  if (runs.length === 0) return 'no runs match\n';
  const more = total > runs.length ? `(${runs.length} of ${total} matching runs; --limit N for more)\n` : '';
  return table(rows) + more;
}
