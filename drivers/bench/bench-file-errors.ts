// Bench-file problems with their place: every message names the file, the line, the role and field
// (as a path such as `instruments.stage.axes.Z.max_um`), what was expected and what was found.
import { isMap, isPair, isScalar } from 'yaml';
import type { Document, LineCounter, Node, Pair } from 'yaml';
import type { z } from 'zod';

export interface BenchFileIssue {
  /** 1-based; 0 when the problem has no place in the text (an empty file). */
  line: number;
  column: number;
  /** `instruments.stage.axes.Z.max_um`; '' for the document itself. */
  path: string;
  /** The role the problem is in, when it is inside `instruments.<role>`. */
  role: string | undefined;
  /** The field within the role (`axes.Z.max_um`), or the top-level field. */
  field: string;
  /** What was expected and what was found. */
  problem: string;
}

export class BenchFileError extends Error {
  override name = 'BenchFileError';
  readonly file: string;
  readonly issues: readonly BenchFileIssue[];

  constructor(file: string, issues: readonly BenchFileIssue[]) {
    const lines = issues.map((i) => formatIssue(file, i));
    super(lines.length === 1 ? (lines[0] as string) : `${file}: ${issues.length} problems:\n${lines.map((l) => `  ${l}`).join('\n')}`);
    this.file = file;
    this.issues = issues;
  }
}

export function formatIssue(file: string, i: BenchFileIssue): string {
  return `${file}${i.line > 0 ? `:${i.line}` : ''}: ${i.path === '' ? '' : `${i.path}: `}${i.problem}`;
}

type Path = readonly PropertyKey[];

/** Makes an issue at `path`, placed at the value's node (or the key's, for key problems). */
export function issueAt(doc: Document, lines: LineCounter, path: Path, problem: string, at: 'value' | 'key' = 'value'): BenchFileIssue {
  const keys = path.map(String);
  const offset = locate(doc, keys, at);
  const pos = offset === undefined ? { line: 0, col: 0 } : lines.linePos(offset);
  const inRole = keys[0] === 'instruments' && keys.length >= 2;
  return {
    line: pos.line,
    column: pos.col,
    path: keys.join('.'),
    role: inRole ? keys[1] : undefined,
    field: (inRole ? keys.slice(2) : keys).join('.'),
    problem,
  };
}

/**
 * zod's issues, in the file's words. `prefix` is where the validated value sits in the file; `allowedAt`
 * lists the fields a map at a (full) path may hold.
 */
export function issuesFromZod(issues: readonly z.core.$ZodIssue[], prefix: readonly string[], doc: Document, lines: LineCounter,
  raw: unknown, allowedAt: (path: readonly string[]) => readonly string[]): BenchFileIssue[] {
  const out: BenchFileIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedAt(path);
      for (const key of issue.keys) {
        out.push(issueAt(doc, lines, [...path, key], `unknown field "${key}"; expected one of ${allowed.join(', ')}`, 'key'));
      }
    } else if (issue.code === 'invalid_key') {
      const inner = issue.issues[0]?.message ?? issue.message;
      out.push(issueAt(doc, lines, path, `${inner}, got "${String(path[path.length - 1])}"`, 'key'));
    } else {
      // A refinement of a map says what it found itself; a value of the wrong type is shown as it was.
      const value = valueAt(raw, path);
      const isMapRefinement = issue.code === 'custom' && value !== null && typeof value === 'object';
      out.push(issueAt(doc, lines, path, isMapRefinement ? issue.message : withFound(issue.message, value)));
    }
  }
  return out;
}

/** The message, plus what was found unless the message already says it. */
export function withFound(message: string, value: unknown): string {
  if (value === MISSING) return `${message}, but it is missing`;
  const text = describe(value);
  if (value !== null && typeof value === 'object') return `${message}, got ${text}`;
  const said = message.includes(`got ${text}`) || (typeof value === 'string' && value !== '' && message.includes(text));
  return said ? message : `${message}, got ${text}`;
}

export const MISSING = Symbol('missing');

export function valueAt(raw: unknown, path: readonly string[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return MISSING;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

/** Offset of the node at `path`; when it does not exist, of the nearest ancestor that does. */
function locate(doc: Document, path: readonly string[], at: 'value' | 'key'): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    if (!isMap(node)) break;
    const pair = node.items.find((p: Pair) => keyText(p) === path[i]);
    if (!pair) break;
    const last = i === path.length - 1;
    offset = (last && at === 'key') || pair.value === null ? rangeStart(pair.key) ?? offset : rangeStart(pair.value) ?? offset;
    node = pair.value;
  }
  return offset;
}

function keyText(p: unknown): string | undefined {
  if (!isPair(p)) return undefined;
  return isScalar(p.key) ? String(p.key.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}
