// A wafer loop's `reprobe:` read: `{ bins: [2, 3], max: 1 }` or a plain list of bins (one pass). Each problem
// names the field and what was expected; null when there is one (the loop is then not expanded).
import type { FieldPath, SequenceIssue } from '../schema/errors.ts';
import type { SourceFile } from '../schema/source.ts';
import { BIN_NAMES, BINS } from './wafer-plan.ts';

/** More passes than this is a mistake (each pass visits its dies again), not a recipe. */
export const MAX_REPROBE_PASSES = 5;

export interface ReprobeSpec {
  bins: number[];
  /** Reprobe passes at most; 0 without a reprobe. */
  max: number;
}

const REPROBE_BINS = Object.keys(BIN_NAMES).map(Number).filter((b) => b !== BINS.good);
const BIN_LIST = REPROBE_BINS.map((b) => `${b} (${BIN_NAMES[b]})`).join(', ');
const SHAPE = 'expected a list of bins, e.g. [2, 3], or { bins: [2, 3], max: 1 }';

export function readReprobe(source: SourceFile, raw: unknown, path: FieldPath, issues: SequenceIssue[]): ReprobeSpec | null {
  if (raw === undefined) return { bins: [], max: 0 };
  if (Array.isArray(raw)) {
    const bins = readBins(source, raw, path, issues);
    return bins ? { bins, max: 1 } : null;
  }
  if (raw === null || typeof raw !== 'object') {
    issues.push(source.issue(path, SHAPE));
    return null;
  }
  const obj = raw as Record<string, unknown>;
  let ok = true;
  for (const k of Object.keys(obj)) {
    if (k !== 'bins' && k !== 'max') {
      issues.push(source.issue([...path, k], `unknown key in reprobe; expected bins, max`));
      ok = false;
    }
  }
  if (!Array.isArray(obj['bins'])) {
    issues.push(source.issue([...path, 'bins'], `expected the list of bins to measure again, e.g. [2, 3]; bins are ${BIN_LIST}`));
    return null;
  }
  const bins = readBins(source, obj['bins'], [...path, 'bins'], issues);
  const max = obj['max'] ?? 1;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_REPROBE_PASSES) {
    issues.push(source.issue([...path, 'max'], `expected the number of reprobe passes, an integer from 1 to ${MAX_REPROBE_PASSES}`));
    ok = false;
  }
  return bins && ok ? { bins, max: max as number } : null;
}

function readBins(source: SourceFile, list: unknown[], path: FieldPath, issues: SequenceIssue[]): number[] | null {
  if (list.length === 0) {
    issues.push(source.issue(path, `expected at least one bin to measure again; bins are ${BIN_LIST}`));
    return null;
  }
  let ok = true;
  list.forEach((b, i) => {
    if (typeof b === 'number' && REPROBE_BINS.includes(b)) return;
    const why = b === BINS.good ? 'bin 1 (good) is not measured again' : `unknown bin ${JSON.stringify(b)}`;
    issues.push(source.issue([...path, i], `${why}; expected one of ${BIN_LIST}`));
    ok = false;
  });
  return ok ? [...new Set(list as number[])].sort((a, b) => a - b) : null;
}
