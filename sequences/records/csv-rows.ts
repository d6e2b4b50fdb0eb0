// Reading a table's rows back (ResumeInfo.rows): what a resumed step already recorded, so it need not keep
// a copy of every point in its journalled state. Cells come back as the writer wrote them: numbers
// (`Infinity`, `-Infinity` and `NaN` included, as String() writes them), `true`/`false`, else text. Text
// that looks like a number comes back as a number: a table's columns are meant to be one or the other.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Row } from '../step.ts';

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function cellValue(text: string): number | string | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'NaN') return NaN;
  if (text === 'Infinity') return Infinity;
  if (text === '-Infinity') return -Infinity;
  return NUMBER_RE.test(text) ? Number(text) : text;
}

/**
 * The data rows of a table file (after its `#` lines and header), as objects keyed by the header. Call it
 * on a recovered table (no torn last row): it reads the whole file, so it is meant for a step's own points.
 */
export function readTableRows(path: string): Row[] {
  if (!existsSync(path)) return [];
  const records = parse(readFileSync(path, 'utf8'), { comment: '#', comment_no_infix: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  const [header, ...data] = records;
  if (!header) return [];
  return data.map((cells) => Object.fromEntries(header.map((c, i) => [c, cellValue(cells[i] ?? '')])));
}
