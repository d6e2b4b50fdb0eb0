// The baseline the benchmark measures the align step against: what a simple aligner does. A step-and-read
// raster over the search area until a reading reaches the threshold, then axis-by-axis hill climbing
// (one reading per position, step-and-settle), halving the step when neither axis improves.
import type { Evaluate } from '../../../sequences/steps/align/convergence.ts';
import { rasterPoints } from '../../../sequences/steps/align/paths.ts';
import type { Point_um } from '../../../sequences/steps/align/paths.ts';

export interface BaselineOptions {
  centre: Point_um;
  radius_um: number;
  pitch_um: number;
  /** dB above the darkest reading seen. */
  aboveFloor_dB: number;
  startStep_um: number;
  minStep_um: number;
}

export interface BaselineResult {
  position: Point_um;
  power_dBm: number;
  readings: number;
  found: boolean;
}

export async function rasterThenHillClimb(evaluate: Evaluate, o: BaselineOptions): Promise<BaselineResult> {
  let readings = 0;
  const read = async (p: Point_um): Promise<number> => {
    readings += 1;
    return evaluate(p);
  };
  let floor = Infinity;
  let best: { p: Point_um; v: number } | undefined;
  for (const p of rasterPoints(o.centre, o.radius_um, o.pitch_um)) {
    const v = await read(p);
    floor = Math.min(floor, v);
    if (!best || v > best.v) best = { p, v };
    if (best.v >= floor + o.aboveFloor_dB) break;
  }
  if (!best || best.v < floor + o.aboveFloor_dB) return { position: o.centre, power_dBm: best?.v ?? -Infinity, readings, found: false };
  let { p, v } = best;
  for (let step = o.startStep_um; step >= o.minStep_um; step /= 2) {
    for (let improved = true; improved;) {
      improved = false;
      for (const axis of ['x', 'y'] as const) {
        for (const dir of [1, -1]) {
          let moved = false;
          for (;;) {
            const q = axis === 'x' ? { x_um: p.x_um + dir * step, y_um: p.y_um } : { x_um: p.x_um, y_um: p.y_um + dir * step };
            const w = await read(q);
            if (!(w > v)) break;
            p = q;
            v = w;
            moved = true;
            improved = true;
          }
          if (moved) break; // climbed this way: no need to try the other
        }
      }
    }
  }
  return { position: p, power_dBm: v, readings, found: true };
}
