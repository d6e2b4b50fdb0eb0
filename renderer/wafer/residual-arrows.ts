// The placement fit's residuals as arrows: found − predicted optimum of each predicted site, drawn from the
// site's point and magnified (µm residuals beside mm pitches would be invisible); the legend says ×N.

export interface Arrow {
  die: string;
  site: string;
  /** Tail (the site's point) and head, drawing units (Y down). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** The arrowhead triangle as SVG points. */
  head: string;
  /** The residual's length, µm (not magnified). */
  length_um: number;
}

const STEPS = [1, 2, 5];

/**
 * A magnification of the 1-2-5 series that draws the longest residual at about `target` drawing units
 * (a share of the pitch), never below ×1.
 */
export function arrowMagnification(maxResidual_um: number, target: number): number {
  if (!(maxResidual_um > 0) || !(target > 0)) return 1;
  const want = target / maxResidual_um;
  if (want <= 1) return 1;
  const decade = 10 ** Math.floor(Math.log10(want));
  let best = decade;
  for (const s of STEPS) if (s * decade <= want) best = s * decade;
  return best;
}

/**
 * One arrow per residual. Drawing Y points down, so the stage's +Y residual goes up the screen.
 * `headSize` is the arrowhead's length in drawing units.
 */
export function residualArrow(die: string, site: string, at: { x: number; y: number }, residual_um: { x: number; y: number }, magnification: number, headSize: number): Arrow {
  const dx = residual_um.x * magnification;
  const dy = -residual_um.y * magnification;
  const len = Math.hypot(dx, dy);
  const x2 = at.x + dx;
  const y2 = at.y + dy;
  let head = '';
  if (len > 0) {
    const ux = dx / len;
    const uy = dy / len;
    const h = Math.min(headSize, len * 0.6);
    const bx = x2 - ux * h;
    const by = y2 - uy * h;
    const w = h * 0.5;
    head = [[x2, y2], [bx - uy * w, by + ux * w], [bx + uy * w, by - ux * w]].map(([x, y]) => `${r2(x as number)},${r2(y as number)}`).join(' ');
  }
  return { die, site, x1: at.x, y1: at.y, x2, y2, head, length_um: Math.hypot(residual_um.x, residual_um.y) };
}

function r2(v: number): number {
  return Math.round(v * 100) / 100;
}
