// Types for the one function of fmin (benfred/fmin, BSD-3) the array benchmark uses.
declare module 'fmin/index.js' {
  export function nelderMead(
    f: (x: number[]) => number,
    x0: number[],
    parameters?: { maxIterations?: number; zeroDelta?: number; nonZeroDelta?: number; minErrorDelta?: number; sigma?: number },
  ): { x: number[]; fx: number };
}
