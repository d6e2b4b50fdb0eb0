// Errors of a sequence file. Each names the file, the line, the field and what was expected, because the
// person reading it is at the bench with the YAML open, not in the code.

export type FieldPath = readonly (string | number)[];

/** `['steps', 2, 'sweep', 'start']` → `steps[2].sweep.start`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

export interface SequenceIssue {
  file: string;
  /** 1-based; 0 when the problem has no place in the file (a --set override, a missing file). */
  line: number;
  col: number;
  /** Where in the file, e.g. 'steps[2].sweep.start', or '--set wavelength'. */
  field: string;
  /** What was expected and what was found. */
  message: string;
}

export function formatIssue(issue: SequenceIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  return `${where}: ${issue.field}: ${issue.message}`;
}

/** One or more problems in a sequence file (or its overrides); the message lists all of them. */
export class SequenceError extends Error {
  override name = 'SequenceError';
  readonly issues: readonly SequenceIssue[];

  constructor(issues: readonly SequenceIssue[]) {
    const first = issues[0];
    super(issues.length === 1 && first
      ? formatIssue(first)
      : `${issues.length} problems in ${first?.file ?? 'the sequence'}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.issues = issues;
  }

  get file(): string {
    return this.issues[0]?.file ?? '';
  }

  get line(): number {
    return this.issues[0]?.line ?? 0;
  }

  get field(): string {
    return this.issues[0]?.field ?? '';
  }
}
