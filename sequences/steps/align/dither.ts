// Gradient / dither peaking: at the current point read ±dither on each axis, take the slope and the
// curvature in dB from the central differences, and make the Newton step (exact for a Gaussian peak, so
// two or three iterations from anywhere the light is). A step that loses power shrinks the trust length
// and is taken back; stops when the step falls below the tolerance.
import { newtonStep_um, positiveOption } from './convergence.ts';
import type { Evaluate, PeakingResult } from './convergence.ts';
import type { Point_um } from './paths.ts';

export interface DitherOptions {
  /** Half-amplitude of the dither on each axis, µm (default 1.5). */
  dither_um?: number;
  /** Done when the Newton step is shorter than this, µm (default 0.1). */
  tolerance_um?: number;
  /** Longest step per iteration, µm (default 4). */
  maxStep_um?: number;
  /** Default 8. */
  maxIterations?: number;
  /** A step that loses more than this is refused, dB (default 0.05; about the reading noise). */
  noise_dB?: number;
}

export async function ditherPeak(evaluate: Evaluate, start: Point_um, opts: DitherOptions = {}): Promise<PeakingResult> {
  const d = positiveOption('ditherPeak', 'dither_um', opts.dither_um ?? 1.5);
  const tol = positiveOption('ditherPeak', 'tolerance_um', opts.tolerance_um ?? 0.1);
  let trust = positiveOption('ditherPeak', 'maxStep_um', opts.maxStep_um ?? 4);
  const maxIterations = positiveOption('ditherPeak', 'maxIterations', opts.maxIterations ?? 8);
  const noise = opts.noise_dB ?? 0.05;
  let evaluations = 0;
  const read = async (p: Point_um): Promise<number> => {
    evaluations += 1;
    return evaluate(p);
  };
  let p = { ...start };
  let centre = await read(p);
  for (let it = 1; it <= maxIterations; it++) {
    const xp = await read({ x_um: p.x_um + d, y_um: p.y_um });
    const xm = await read({ x_um: p.x_um - d, y_um: p.y_um });
    const yp = await read({ x_um: p.x_um, y_um: p.y_um + d });
    const ym = await read({ x_um: p.x_um, y_um: p.y_um - d });
    const sx = newtonStep_um((xp - xm) / (2 * d), (xp - 2 * centre + xm) / (d * d), trust);
    const sy = newtonStep_um((yp - ym) / (2 * d), (yp - 2 * centre + ym) / (d * d), trust);
    if (Math.hypot(sx, sy) < tol) return { position: p, power_dBm: centre, evaluations, iterations: it, reason: 'converged' };
    const q = { x_um: p.x_um + sx, y_um: p.y_um + sy };
    const power = await read(q);
    if (power >= centre - noise) {
      p = q;
      centre = power;
      if (Math.hypot(sx, sy) < 2 * tol) return { position: p, power_dBm: centre, evaluations, iterations: it, reason: 'converged' };
    } else {
      trust = Math.max(tol, trust / 2);
      // Back at the old point for the next dither (the stage must really be there again).
      centre = await read(p);
    }
  }
  return { position: p, power_dBm: centre, evaluations, iterations: maxIterations, reason: 'budget' };
}
