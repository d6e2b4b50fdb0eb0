// A sequence file's YAML with its source positions, so a problem found anywhere (schema, parameter reference,
// a step's own validation) can be pointed at by line.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatPath, type FieldPath, type SequenceIssue } from './errors.ts';

export class SourceFile {
  private constructor(
    readonly file: string,
    readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses YAML; syntax errors come back as issues with their line (the document is then unusable). */
  static parse(file: string, text: string): { source: SourceFile; errors: SequenceIssue[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new SourceFile(file, text, doc, lines);
    const errors = doc.errors.map((e): SequenceIssue => {
      const pos = lines.linePos(e.pos[0]);
      return { file, line: pos.line, col: pos.col, field: '(YAML syntax)', message: firstLine(e.message) };
    });
    return { source, errors };
  }

  /** The document as plain JS values. */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line and column of the deepest node along `path` that exists in the file. */
  locate(path: FieldPath): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const key of path) {
      const next = child(node, key);
      if (next === undefined) break;
      node = next.value ?? next.key;
      offset = rangeStart(next.value) ?? rangeStart(next.key) ?? offset;
    }
    return this.lines.linePos(offset);
  }

  issue(path: FieldPath, message: string, field?: string): SequenceIssue {
    const { line, col } = this.locate(path);
    return { file: this.file, line, col, field: field ?? formatPath(path), message };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? range[0] : undefined;
}

function child(node: unknown, key: string | number): { key: unknown; value: unknown } | undefined {
  if (isAlias(node)) return undefined;
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(key));
    return pair ? { key: pair.key, value: pair.value } : undefined;
  }
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  return undefined;
}
