// Every problem of a sequence file at once: the top-level ones (metadata, limits, unknown keys, --set) and
// the steps' own, which are only checked when the plan is built. A file with a missing dut and a sweep
// without its unit gets both in one go, not the second after the first is fixed.
import { formatIssue, SequenceError, type SequenceIssue } from '../schema/errors.ts';
import { IncompleteSequenceError, type LoadedSequence } from '../schema/load.ts';
import { buildPlan, type PlanOptions } from './build-plan.ts';
import type { Plan } from './plan-types.ts';

/** The steps' issues of a sequence whose top level had problems (none when the plan builds). */
function stepIssues(partial: LoadedSequence, opts: PlanOptions): SequenceIssue[] {
  try {
    buildPlan(partial, opts);
    return [];
  } catch (err) {
    if (err instanceof SequenceError) return [...err.issues];
    // A step check that trips over the broken top level says nothing the top-level issues do not.
    return [];
  }
}

/** Each issue once, in file order (those with no place in the file, such as --set, first). */
function ordered(issues: readonly SequenceIssue[]): SequenceIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = formatIssue(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => a.line - b.line || a.col - b.col);
}

/**
 * Loads (with `load`) and plans; on any problem throws one SequenceError listing the top-level problems
 * and the steps' together.
 */
export async function loadAndPlan(load: () => Promise<LoadedSequence> | LoadedSequence, opts: PlanOptions = {}): Promise<Plan> {
  let seq: LoadedSequence;
  try {
    seq = await load();
  } catch (err) {
    if (!(err instanceof IncompleteSequenceError)) throw err;
    throw new SequenceError(ordered([...err.issues, ...stepIssues(err.partial, opts)]));
  }
  return buildPlan(seq, opts);
}
