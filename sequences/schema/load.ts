// Loads a sequence file: YAML with positions, structure, parameters with their --set overrides, and metadata
// with references substituted. Step bodies are parsed later by the plan (they depend on loop variables).
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { SequenceError, type SequenceIssue } from './errors.ts';
import { OverrideError, parseOverride, resolveRefs, splitOverride, type ParameterDecl, type RefIssue } from './parameters.ts';
import { metadataSchema, readSequenceStructure, zodInto, type SequenceDoc } from './sequence-file.ts';
import { SourceFile } from './source.ts';

export interface SequenceMetadata {
  dut: string;
  lot?: string;
  operator?: string;
  notes?: string;
  [key: string]: unknown;
}

export interface LoadedSequence {
  /** Absolute path of the file (for messages: as given). */
  file: string;
  /** Directory that relative paths in the file (script modules) are resolved against. */
  baseDir: string;
  text: string;
  source: SourceFile;
  doc: SequenceDoc;
  metadata: SequenceMetadata;
  parameters: Map<string, ParameterDecl>;
  /** The overrides as given (`name` → text), saved with a run so resume rebuilds the same plan. */
  overrides: Record<string, string>;
}

export interface LoadOptions {
  /** `name=value` texts, as --set gives them. */
  set?: readonly string[];
  /** Where relative paths in the file point from; default the file's directory. */
  baseDir?: string;
  /** The sequence's name when the file has no `sequence:` key; default the file's base name. */
  fallbackName?: string;
}

export async function loadSequenceFile(file: string, opts: LoadOptions = {}): Promise<LoadedSequence> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SequenceError([{ file, line: 0, col: 0, field: '(file)', message: code === 'ENOENT' ? 'no such file; expected a sequence YAML file' : `cannot read: ${(err as Error).message}` }]);
  }
  return loadSequenceText(file, text, { baseDir: dirname(resolve(file)), ...opts });
}

export function loadSequenceText(file: string, text: string, opts: LoadOptions = {}): LoadedSequence {
  const { source, errors } = SourceFile.parse(file, text);
  if (errors.length) throw new SequenceError(errors);
  const issues: SequenceIssue[] = [];
  const doc = readSequenceStructure(source, opts.fallbackName ?? basename(file, extname(file)), issues);
  if (!doc) throw new SequenceError(issues);

  const overrides: Record<string, string> = {};
  for (const entry of opts.set ?? []) {
    try {
      const { key, value } = splitOverride(entry);
      const decl = doc.parameters.get(key);
      if (!decl) {
        const known = [...doc.parameters.keys()];
        throw new OverrideError(key, `unknown parameter; expected one of ${known.length ? known.join(', ') : '(the file declares no parameters)'}`);
      }
      doc.parameters.set(key, { ...decl, value: parseOverride(decl, value), overridden: true });
      overrides[key] = value;
    } catch (err) {
      if (!(err instanceof OverrideError)) throw err;
      issues.push({ file, line: 0, col: 0, field: `--set ${err.key}`, message: err.message });
    }
  }

  const refIssues: RefIssue[] = [];
  const rawMeta = resolveRefs(doc.rawMetadata ?? {}, parameterScope(doc.parameters), ['metadata'], refIssues);
  for (const r of refIssues) issues.push(source.issue(r.path, r.message));
  const metadata = zodInto(source, metadataSchema, rawMeta, ['metadata'], issues);
  const loaded: LoadedSequence = {
    file,
    baseDir: opts.baseDir ?? dirname(resolve(file)),
    text,
    source,
    doc,
    metadata: (metadata ?? rawMeta) as SequenceMetadata,
    parameters: doc.parameters,
    overrides,
  };
  if (issues.length) throw new IncompleteSequenceError(issues, loaded);
  return loaded;
}

/**
 * Problems above the steps (metadata, limits, unknown keys, --set) in a file whose structure could still be
 * read: `partial` is the sequence as far as it goes, so its steps can be checked too and every problem
 * reported at once (plan/all-issues.ts).
 */
export class IncompleteSequenceError extends SequenceError {
  readonly partial: LoadedSequence;

  constructor(issues: readonly SequenceIssue[], partial: LoadedSequence) {
    super(issues);
    this.partial = partial;
  }
}

export function parameterScope(parameters: ReadonlyMap<string, ParameterDecl>): Map<string, unknown> {
  return new Map([...parameters].map(([name, decl]) => [name, decl.value]));
}
