// `benchctl history` output: JSON (an array of runs, each with runId, dut, lot, status, passed, started and
// measurements), CSV (csv-stringify) or a text table. Table and CSV show the --where measurements as columns;
// searched by die or site, only that die-site's values, and a `die_sites` column with each die-site's bin per
// pass (`C07R03.A 2>1`: no light, then good on the reprobe).
import { stringify } from 'csv-stringify/sync';
import type { IndexedDieSite, IndexedRun } from '../runindex/query.ts';
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
  /** Searched by die or site: the matching wafer die-sites, every pass. */
  dieSites?: IndexedDieSite[];
}

/** The die and site searched for: measurement columns show only theirs. */
export interface DieSiteChoice {
  die?: string;
  site?: string;
}

export function historyJson(runs: IndexedRun[]): HistoryJsonRun[] {
  return runs.map((r) => ({
    runId: r.runId, dut: r.dut, lot: r.lot, status: r.status, passed: r.passed, started: r.started,
    measurements: r.measurements.map((m) => ({ name: m.name, step: m.step, value: m.value, unit: m.unit, min: m.min, max: m.max, verdict: m.verdict })),
    ...(r.dieSites ? { dieSites: r.dieSites } : {}),
  }));
}

/** A measurement's values on one run (one per step that measured it), space-separated. */
function valuesOf(run: IndexedRun, name: string, choice: DieSiteChoice): string {
  // A wafer run's values of the chosen die-site only; a run of one chip (no die on its measurements) keeps all.
  const wafer = run.measurements.some((m) => m.die !== null);
  return run.measurements
    .filter((m) => m.name === name && (!wafer || ((choice.die === undefined || m.die === choice.die) && (choice.site === undefined || m.site === choice.site))))
    .map((m) => String(Number(m.value.toPrecision(6)))).join(' ');
}

/** `C07R03.A 2>1`: each die-site's bins in pass order. */
function dieSitesText(list: readonly IndexedDieSite[]): string {
  const bins = new Map<string, number[]>();
  for (const d of list) {
    const key = `${d.die}.${d.site}`;
    bins.set(key, [...(bins.get(key) ?? []), d.bin]);
  }
  return [...bins].map(([k, b]) => `${k} ${b.join('>')}`).join('; ');
}

function rowsOf(runs: IndexedRun[], columns: string[], choice: DieSiteChoice): string[][] {
  const byDie = choice.die !== undefined || choice.site !== undefined;
  const head = ['started', 'runId', 'sequence', 'dut', 'lot', 'wafer', 'status', 'result', ...(byDie ? ['die_sites'] : []), ...columns];
  const body = runs.map((r) => [
    r.started, r.runId, r.sequence, r.dut, r.lot ?? '', r.wafer ?? '', r.status, r.passed === null ? '' : r.passed ? 'PASS' : 'FAIL',
    ...(byDie ? [dieSitesText(r.dieSites ?? [])] : []), ...columns.map((c) => valuesOf(r, c, choice)),
  ]);
  return [head, ...body];
}

export function formatHistory(runs: IndexedRun[], format: HistoryFormat, columns: string[], total: number, choice: DieSiteChoice = {}): string {
  if (format === 'json') return `${JSON.stringify(historyJson(runs), null, 2)}\n`;
  const rows = rowsOf(runs, columns, choice);
  if (format === 'csv') return stringify(rows);
  if (runs.length === 0) return 'no runs match\n';
  const more = total > runs.length ? `(${runs.length} of ${total} matching runs; --limit N for more)\n` : '';
  return table(rows) + more;
}
