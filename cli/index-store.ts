// The run index as the history and index commands open it: `--index`, or the default SQLite file beside
// `--runs` (brought up to date with the folders first, so runs recorded before it existed are found).
import { resolve } from 'node:path';
import { defaultIndexFile, describeTarget, type IndexTarget } from '../runindex/index-target.ts';
import { openIndex, type OpenedIndex } from '../runindex/open-index.ts';
import { rebuildIndex, type RebuildReport } from '../runindex/rebuild.ts';
import { indexTargetOf } from './index-option.ts';

export interface IndexChoice {
  runsDir: string;
  target: IndexTarget;
  /** True when no --index was given: the local SQLite file of this runs folder. */
  local: boolean;
}

export function indexChoiceOf(runs: string | undefined, index: string | undefined): IndexChoice {
  const runsDir = resolve(runs ?? 'runs');
  const target = indexTargetOf({ index });
  return target ? { runsDir, target, local: false } : { runsDir, target: { kind: 'sqlite', file: defaultIndexFile(runsDir) }, local: true };
}

export async function openChosenIndex(choice: IndexChoice): Promise<OpenedIndex> {
  return openIndex(choice.target, { connectTimeout_ms: 10_000 });
}

export function describeChoice(choice: IndexChoice): string {
  return describeTarget(choice.target);
}

/** A rebuild's one-line summary and its problems, for stderr. */
export function rebuildLines(r: RebuildReport, choice: IndexChoice): string[] {
  return [
    ...r.problems.map((p) => `skipped ${p.runId}: ${p.error}`),
    `${r.indexed} run(s) indexed, ${r.unchanged} unchanged, ${r.problems.length} skipped (${r.rows} rows) from ${choice.runsDir} into ${describeChoice(choice)}`,
  ];
}

export { rebuildIndex };
