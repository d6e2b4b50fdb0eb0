// One table of a run as a CSV file: `# key: value` metadata lines, a header whose names carry units, then
// RFC 4180 rows (csv-stringify). A row is written to the file (write(2), not kept in a user-space buffer)
// before its append() resolves, so a killed process loses at most the row in flight. Rows appended in the
// same tick go out in one write (group commit): a fast producer gets throughput, a careful one durability.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Row } from '../step.ts';

export class RecordError extends Error {
  override name = 'RecordError';
}

const STRINGIFY_OPTIONS = {
  // Spreadsheets and resume both read `#` at a line start as a comment: quote such cells.
  quoted_match: /^#/,
  cast: {
    boolean: (v: boolean) => (v ? 'true' : 'false'),
    number: (v: number) => String(v),
  },
  record_delimiter: '\n',
} as const;

/** One metadata line; newlines in values would break the comment block, so they become spaces. */
export function metadataLine(key: string, value: string): string {
  return `# ${key.replace(/[:\r\n]/g, ' ')}: ${value.replace(/[\r\n]+/g, ' ')}\n`;
}

export function formatRows(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], STRINGIFY_OPTIONS);
}

export class CsvTable {
  readonly path: string;
  readonly name: string;
  readonly columns: readonly string[];
  private readonly columnSet: ReadonlySet<string>;
  private fd: number | null;
  private rowCount: number;
  private pending: unknown[][] = [];
  private batch: Promise<void> | null = null;

  private constructor(path: string, name: string, columns: readonly string[], fd: number, rows: number) {
    this.path = path;
    this.name = name;
    this.columns = columns;
    this.columnSet = new Set(columns);
    this.fd = fd;
    this.rowCount = rows;
  }

  /** Creates (or replaces) the file with its metadata lines and header row. */
  static create(path: string, name: string, columns: readonly string[], metadata: readonly (readonly [string, string])[]): CsvTable {
    checkColumns(name, columns);
    const fd = openSync(path, 'w');
    const head = metadata.map(([k, v]) => metadataLine(k, v)).join('') + formatRows([columns]);
    writeSync(fd, head);
    fsyncSync(fd);
    return new CsvTable(path, name, columns, fd, 0);
  }

  /** Opens an existing, already recovered file for appending after `rows` data rows. */
  static append(path: string, name: string, columns: readonly string[], rows: number): CsvTable {
    checkColumns(name, columns);
    return new CsvTable(path, name, columns, openSync(path, 'a'), rows);
  }

  /** Data rows written (or queued in this tick). */
  get rows(): number {
    return this.rowCount;
  }

  /** Appends a row; resolves once it is in the file. Throws RecordError for a row that does not fit the header. */
  append(row: Row): Promise<void> {
    if (this.fd === null) return Promise.reject(new RecordError(`table '${this.name}' (${this.path}) is closed; no more rows can be added`));
    this.pending.push(this.toArray(row));
    this.rowCount++;
    if (!this.batch) {
      this.batch = Promise.resolve().then(() => this.flush());
    }
    return this.batch;
  }

  private toArray(row: Row): unknown[] {
    const keys = Object.keys(row);
    if (keys.length !== this.columns.length || !keys.every((k) => this.columnSet.has(k))) {
      const unknown = keys.filter((k) => !this.columnSet.has(k));
      const missing = this.columns.filter((c) => !(c in row));
      throw new RecordError(`row for table '${this.name}' does not match its columns (${this.columns.join(', ')})` +
        (unknown.length ? `; unknown: ${unknown.join(', ')}` : '') + (missing.length ? `; missing: ${missing.join(', ')}` : ''));
    }
    const out = new Array<unknown>(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) {
      const v = row[this.columns[i] as string];
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
        throw new RecordError(`row for table '${this.name}': column '${this.columns[i]}' must be a number, text or boolean, got ${v === null ? 'null' : typeof v}`);
      }
      out[i] = v;
    }
    return out;
  }

  private flush(): void {
    const rows = this.pending;
    this.pending = [];
    this.batch = null;
    if (this.fd === null) throw new RecordError(`table '${this.name}' was closed before ${rows.length} row(s) were written`);
    writeAll(this.fd, formatRows(rows));
  }

  /** Waits for queued rows, then fsyncs (step ends, close). */
  async sync(): Promise<void> {
    if (this.batch) await this.batch;
    if (this.fd !== null) fsyncSync(this.fd);
  }

  async close(): Promise<void> {
    if (this.fd === null) return;
    await this.sync();
    closeSync(this.fd);
    this.fd = null;
  }
}

function checkColumns(name: string, columns: readonly string[]): void {
  if (columns.length === 0) throw new RecordError(`table '${name}' has no columns`);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new RecordError(`table '${name}' declares column '${c}' twice`);
    seen.add(c);
  }
}

/** writeSync may write less than asked (rare, but possible on some filesystems): loop until all is out. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
