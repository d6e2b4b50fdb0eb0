// The final move's approach: the last stretch of each axis runs the way its centre was measured, so the
// stage's mechanical play is taken up the same way as while measuring (fine.ts, rest-peak.ts).
import type { Frame } from './fine.ts';
import type { Point_um } from './paths.ts';

/**
 * The last stretch of the final move, run in the direction the centre was measured in: longer than any
 * mechanical play of a fiber-alignment stage, so the play is taken up the same way as during the scans.
 */
export const APPROACH_UM = 1;

/**
 * Where to come from so that the last APPROACH_UM of each axis runs the way its centre was measured.
 * An axis that needs it backs off `back_um` before the target (at least APPROACH_UM): more when the
 * target may still move back towards the stage (the timing check), so the move after that still runs
 * the measured way by APPROACH_UM without backing off a second time.
 */
export function approachFrom(at: Point_um, target: Point_um, frame: Frame, back_um: { x: number; y: number } = { x: APPROACH_UM, y: APPROACH_UM }): Point_um | null {
  const before = (axis: 'x' | 'y'): number | null => {
    const d = frame[axis];
    if (d === undefined) return null;
    const from = axis === 'x' ? at.x_um : at.y_um, to = axis === 'x' ? target.x_um : target.y_um;
    return d * (to - from) >= APPROACH_UM ? null : to - d * Math.max(APPROACH_UM, back_um[axis]);
  };
  const bx = before('x'), by = before('y');
  if (bx === null && by === null) return null;
  return { x_um: bx ?? at.x_um, y_um: by ?? at.y_um };
}
