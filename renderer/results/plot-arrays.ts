// Small array helpers for uPlot data: uPlot wants ascending x, one shared x per chart, and null (not NaN)
// for a gap. Typed arrays pass through untouched when they hold no NaN, so a 100 000-point series is
// handed over without a copy.

export type PlotColumn = Float64Array | (number | null)[];

/** The column as uPlot takes it: the same typed array when it has no NaN, else a copy with null gaps. */
export function gapsAsNull(values: Float64Array): PlotColumn {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return Array.from(values, (v) => (Number.isNaN(v) ? null : v));
  }
  return values;
}

export function isAscending(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) < (xs[i - 1] as number)) return false;
  return true;
}

/** Row order that sorts `xs` ascending (NaN last). */
export function ascendingOrder(xs: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(xs.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const key = (i: number) => { const v = xs[i] as number; return Number.isNaN(v) ? Infinity : v; };
  return order.sort((a, b) => key(a) - key(b));
}

export function pick(values: ArrayLike<number>, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i] as number] as number;
  return out;
}

/** n evenly spaced values from a to b inclusive. */
export function linspace(a: number, b: number, n: number): number[] {
  if (n < 2) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

export function finiteRange(values: ArrayLike<number>): { min: number; max: number } | null {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) { if (v < min) min = v; if (v > max) max = v; }
  }
  return min <= max ? { min, max } : null;
}

/**
 * Several (x, y) series on one shared ascending x: the union of their x values, each series null where
 * it has no point. For the few-point overlays (BER points beside a dense model curve).
 */
export function mergeOnX(series: readonly { x: ArrayLike<number>; y: ArrayLike<number | null> }[]): (number | null)[][] {
  const xs = new Set<number>();
  for (const s of series) for (let i = 0; i < s.x.length; i++) if (Number.isFinite(s.x[i])) xs.add(s.x[i] as number);
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  const ys = series.map((s) => {
    const col = new Array<number | null>(x.length).fill(null);
    for (let i = 0; i < s.x.length; i++) {
      const j = at.get(s.x[i] as number), v = s.y[i];
      if (j !== undefined && v !== null && v !== undefined && Number.isFinite(v)) col[j] = v;
    }
    return col;
  });
  return [x, ...ys];
}

/** Two series, each sorted by x, on one shared x (a linear merge; null where a series has no point). */
export function mergeSorted(a: { x: ArrayLike<number>; y: ArrayLike<number> }, b: { x: ArrayLike<number>; y: ArrayLike<number> }): [number[], (number | null)[], (number | null)[]] {
  const x: number[] = [], ya: (number | null)[] = [], yb: (number | null)[] = [];
  const val = (v: number) => (Number.isFinite(v) ? v : null);
  let i = 0, j = 0;
  while (i < a.x.length || j < b.x.length) {
    const xa = i < a.x.length ? (a.x[i] as number) : Infinity;
    const xb = j < b.x.length ? (b.x[j] as number) : Infinity;
    if (xa <= xb) {
      x.push(xa); ya.push(val(a.y[i] as number)); yb.push(null); i++;
    } else {
      x.push(xb); ya.push(null); yb.push(val(b.y[j] as number)); j++;
    }
  }
  return [x, ya, yb];
}
