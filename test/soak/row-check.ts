// Rows lost or duplicated in one run folder: every table whose rows have a key (a measure's sample and
// channel, a spectrum's wavelength, a BER point's attenuation, a tracking row's time) must hold each key
// once; a step that finished must hold every key its parameters ask for; and the CSV must hold the rows
// run.json counts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RunRecord } from '../../sequences/records/run-record.ts';

export interface RowAudit {
  lost: number;
  duplicated: number;
  rows: number;
  /** One line per problem, naming the run, table and key. */
  problems: string[];
}

/** What a finished step's table must hold, by table name: the keys expected. */
export type Expectation = (params: Record<string, unknown>) => string[] | null;

const KEY_OF: Record<string, (row: Record<string, string>) => string> = {
  power: (r) => `${r.sample}/${r.channel}`,
  // A continuous sweep records the wavelengths the laser logged (within picometres of its grid).
  spectrum: (r) => Number(r.wavelength_nm).toFixed(2),
  ber: (r) => Number(r.attenuation_dB).toFixed(3),
  align_track: (r) => r.t_s ?? '',
};

function readRows(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

export function auditRun(folder: string, expected: Record<string, Expectation>): RowAudit {
  const audit: RowAudit = { lost: 0, duplicated: 0, rows: 0, problems: [] };
  const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;
  for (const step of record.steps) {
    for (const table of step.tables) {
      const keyOf = KEY_OF[table.name];
      if (!table.file || !keyOf) continue;
      let rows: Record<string, string>[];
      try {
        rows = readRows(join(folder, table.file));
      } catch {
        continue; // never opened: the step did not get that far
      }
      audit.rows += rows.length;
      const seen = new Map<string, number>();
      for (const r of rows) seen.set(keyOf(r), (seen.get(keyOf(r)) ?? 0) + 1);
      for (const [key, n] of seen) {
        if (n > 1) {
          audit.duplicated += n - 1;
          audit.problems.push(`${record.runId} ${step.stepId}/${table.name}: key ${key} written ${n} times`);
        }
      }
      if (rows.length !== table.rows) {
        audit.problems.push(`${record.runId} ${step.stepId}/${table.name}: run.json says ${table.rows} rows, the CSV holds ${rows.length}`);
      }
      const want = step.status === 'done' ? expected[table.name]?.(step.params as Record<string, unknown>) : null;
      if (!want) continue;
      const missing = want.filter((k) => !seen.has(k));
      audit.lost += missing.length;
      if (missing.length > 0) audit.problems.push(`${record.runId} ${step.stepId}/${table.name}: ${missing.length} rows missing (${missing.slice(0, 3).join(', ')}…)`);
    }
  }
  return audit;
}

/** Every key from start to stop by step, as the tables key them. */
export function range(start: number, stop: number, step: number, digits: number): string[] {
  const n = Math.round((stop - start) / step);
  return Array.from({ length: n + 1 }, (_, i) => (start + i * step).toFixed(digits));
}
