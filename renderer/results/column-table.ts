// One measured table (a step's CSV) held column-major for the plots: numeric columns in growable
// Float64Arrays (amortised O(1) appends, no per-point objects, nothing for Vue to make deep-reactive),
// text/boolean columns in plain arrays. A cell that is not a number reads as NaN, which uPlot and the
// model code treat as a gap. Instances are marked raw by their owners (results store).

export type CellValue = number | string | boolean | null | undefined;

const INITIAL_CAPACITY = 256;

export class ColumnTable {
  readonly columns: string[];
  private numeric = new Map<string, Float64Array>();
  private text = new Map<string, CellValue[]>();
  private capacity = 0;
  private rows = 0;

  constructor(columns: readonly string[]) {
    this.columns = [...columns];
  }

  get length(): number {
    return this.rows;
  }

  /** A live view of a numeric column's filled part (no copy); NaN-filled when the column is unknown. */
  col(name: string): Float64Array {
    const data = this.numeric.get(name);
    if (data) return data.subarray(0, this.rows);
    return new Float64Array(this.rows).fill(Number.NaN);
  }

  /** The raw values of a column (text, booleans), for the log and tooltips. */
  values(name: string): CellValue[] {
    const t = this.text.get(name);
    if (t) return t.slice(0, this.rows);
    return Array.from(this.col(name));
  }

  has(name: string): boolean {
    return this.columns.includes(name);
  }

  /** Appends rows given as objects keyed by column name (a point event's row); unknown keys add columns. */
  appendRows(rows: readonly Record<string, CellValue>[]): void {
    if (rows.length === 0) return;
    for (const row of rows) for (const key of Object.keys(row)) if (!this.columns.includes(key)) this.columns.push(key);
    this.ensure(this.rows + rows.length);
    for (const name of this.columns) this.fill(name, this.rows, rows.map((r) => r[name]));
    this.rows += rows.length;
  }

  /** Appends whole columns (a run folder's table, column-major): every column must have `count` cells. */
  appendColumns(columns: readonly string[], data: readonly (readonly CellValue[])[], count: number): void {
    if (count === 0) return;
    columns.forEach((c) => { if (!this.columns.includes(c)) this.columns.push(c); });
    this.ensure(this.rows + count);
    for (const name of this.columns) {
      const i = columns.indexOf(name);
      this.fill(name, this.rows, i >= 0 ? (data[i] ?? []).slice(0, count) : new Array<CellValue>(count).fill(null));
    }
    this.rows += count;
  }

  private ensure(needed: number): void {
    if (needed <= this.capacity) return;
    let next = Math.max(this.capacity, INITIAL_CAPACITY);
    while (next < needed) next *= 2;
    for (const [name, old] of this.numeric) {
      const grown = new Float64Array(next).fill(Number.NaN);
      grown.set(old.subarray(0, this.rows));
      this.numeric.set(name, grown);
    }
    this.capacity = next;
  }

  private fill(name: string, at: number, raw: readonly CellValue[]): void {
    // An empty CSV cell ('' live, null from a run folder) is a gap whatever the column holds.
    const cells = raw.map((c) => (c === '' ? null : c));
    let num = this.numeric.get(name);
    const text = this.text.get(name);
    if (!num && !text) {
      // A column's first non-empty cell decides its kind; numbers go to typed storage.
      const first = cells.find((c) => c !== null && c !== undefined);
      if (first === undefined || typeof first === 'number') {
        num = new Float64Array(this.capacity).fill(Number.NaN);
        this.numeric.set(name, num);
      } else {
        this.text.set(name, new Array<CellValue>(at).fill(null));
      }
    }
    if (num) {
      for (let i = 0; i < cells.length; i++) {
        const c = cells[i];
        num[at + i] = typeof c === 'number' ? c : Number.NaN;
      }
    } else {
      const t = this.text.get(name) as CellValue[];
      t.length = at;
      for (const c of cells) t.push(c ?? null);
    }
  }
}
