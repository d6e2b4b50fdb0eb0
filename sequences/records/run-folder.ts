// The run folder: `runs/<YYYYMMDD-HHMMSS>-<sequence>-<dut>/` and the file name of each table in it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedStep } from '../plan/plan-types.ts';

export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Creates a fresh folder under `outDir`; a second run in the same second gets a `-2` suffix. */
export function createRunFolder(outDir: string, sequence: string, dut: string, now = new Date()): { folder: string; runId: string } {
  mkdirSync(outDir, { recursive: true });
  const base = `${stamp(now)}-${slug(sequence)}-${slug(dut)}`;
  for (let n = 1; ; n++) {
    const runId = n === 1 ? base : `${base}-${n}`;
    const folder = join(outDir, runId);
    if (existsSync(folder)) continue;
    mkdirSync(folder);
    return { folder, runId };
  }
}

/**
 * File names of every table of the plan: `<table>.csv` when one step instance writes that table, otherwise
 * `<step-id>.<table>.csv`. Computed from the whole plan, so a resumed run finds the same files.
 */
export function tableFileNames(steps: readonly PlannedStep[]): Map<string, string> {
  const writers = new Map<string, number>();
  for (const s of steps) for (const t of s.tables) writers.set(t.name, (writers.get(t.name) ?? 0) + 1);
  const out = new Map<string, string>();
  const used = new Set<string>(['run.json', 'journal.jsonl', 'sequence.yaml']);
  for (const s of steps) {
    for (const t of s.tables) {
      let name = writers.get(t.name) === 1 ? `${slug(t.name)}.csv` : `${slug(s.stepId)}.${slug(t.name)}.csv`;
      for (let n = 2; used.has(name); n++) name = name.replace(/(-\d+)?\.csv$/, `-${n}.csv`);
      used.add(name);
      out.set(tableKey(s.stepId, t.name), name);
    }
  }
  return out;
}

export function tableKey(stepId: string, table: string): string {
  return `${stepId}\u0000${table}`;
}
