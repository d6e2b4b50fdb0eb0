// Nelder–Mead simplex peaking on step-and-read power (dB), in the plane of the two alignment axes.
// Written here rather than taken from a package: none of the installed ones has it, and the 2-D case
// with an async, costly evaluator (each vertex is a stage move plus a reading) is a few dozen lines.
// Standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½).
import { positiveOption, powerSpread_dB, simplexSize_um } from './convergence.ts';
import type { Evaluate, PeakingResult } from './convergence.ts';
import type { Point_um } from './paths.ts';

export interface SimplexOptions {
  /** Edge of the starting simplex, µm (default 2). */
  initialStep_um?: number;
  /** Done when the simplex is smaller than this, µm (default 0.15). */
  tolerance_um?: number;
  /** …or, once it is within 1 µm, when its vertices read within this of each other, dB (default 0.02). */
  powerTolerance_dB?: number;
  /** Default 60. */
  maxEvaluations?: number;
}

interface Vertex {
  p: Point_um;
  f: number;
}

const along = (a: Point_um, b: Point_um, t: number): Point_um => ({
  x_um: a.x_um + t * (b.x_um - a.x_um),
  y_um: a.y_um + t * (b.y_um - a.y_um),
});

export async function simplexPeak(evaluate: Evaluate, start: Point_um, opts: SimplexOptions = {}): Promise<PeakingResult> {
  const step = positiveOption('simplexPeak', 'initialStep_um', opts.initialStep_um ?? 2);
  const tol = positiveOption('simplexPeak', 'tolerance_um', opts.tolerance_um ?? 0.15);
  const fTol = positiveOption('simplexPeak', 'powerTolerance_dB', opts.powerTolerance_dB ?? 0.02);
  const maxEvaluations = positiveOption('simplexPeak', 'maxEvaluations', opts.maxEvaluations ?? 60);
  let evaluations = 0;
  const vertex = async (p: Point_um): Promise<Vertex> => {
    evaluations += 1;
    return { p, f: await evaluate(p) };
  };
  const initial = async (p: Point_um, edge: number): Promise<Vertex[]> => [
    await vertex({ ...p }),
    await vertex({ x_um: p.x_um + edge, y_um: p.y_um }),
    await vertex({ x_um: p.x_um + edge / 2, y_um: p.y_um + edge * (Math.sqrt(3) / 2) }),
  ];
  let s = await initial(start, step);
  let iterations = 0;
  // A flat spread alone is no proof: a large simplex straddling the peak reads equal at its corners.
  const done = (): boolean => {
    const size = simplexSize_um(s.map((v) => v.p));
    return size < tol || (size < 1 && powerSpread_dB(s.map((v) => v.f)) < fTol);
  };
  // Noise makes a simplex collapse early around a lucky reading: restart once from its best vertex with
  // fresh readings and a smaller simplex (the usual remedy), then accept.
  for (let restarts = 0; ; restarts++) {
    while (!done() && evaluations < maxEvaluations) {
      iterations += 1;
      s.sort((a, b) => b.f - a.f); // best first: we maximise the power
      const [best, good, worst] = s as [Vertex, Vertex, Vertex];
      const centroid = along(best.p, good.p, 0.5);
      const r = await vertex(along(centroid, worst.p, -1));
      if (r.f > best.f) {
        const e = await vertex(along(centroid, worst.p, -2));
        s = [best, good, e.f > r.f ? e : r];
      } else if (r.f > good.f) {
        s = [best, good, r];
      } else {
        // Contract towards the better of the worst and its reflection.
        const outside = r.f > worst.f;
        const c = await vertex(along(centroid, worst.p, outside ? -0.5 : 0.5));
        if (c.f > (outside ? r.f : worst.f)) s = [best, good, c];
        else s = [best, await vertex(along(best.p, good.p, 0.5)), await vertex(along(best.p, worst.p, 0.5))];
      }
    }
    if (restarts >= 1 || evaluations + 3 > maxEvaluations || !done()) break;
    s.sort((a, b) => b.f - a.f);
    s = await initial((s[0] as Vertex).p, step / 2);
  }
  s.sort((a, b) => b.f - a.f);
  const top = s[0] as Vertex;
  // Converged small, the centroid averages the readings' noise; otherwise the best vertex is the answer.
  const position = done()
    ? { x_um: (s[0]!.p.x_um + s[1]!.p.x_um + s[2]!.p.x_um) / 3, y_um: (s[0]!.p.y_um + s[1]!.p.y_um + s[2]!.p.y_um) / 3 }
    : top.p;
  return { position, power_dBm: top.f, evaluations, iterations, reason: done() ? 'converged' : 'budget' };
}
