// What the step-and-read peaking algorithms share: the evaluator they climb, the result they return and
// the tests that say they are done. An evaluator moves somewhere and reads the power there (the step
// supplies one that drives the stage and meter; tests supply synthetic landscapes).
import type { Point_um } from './paths.ts';

/** Moves to `p` and returns the power read there, dBm (higher is better). */
export type Evaluate = (p: Point_um) => Promise<number>;

export type StopReason = 'converged' | 'budget';

export interface PeakingResult {
  /** Best position found (where the best reading was taken, or the converged estimate). */
  position: Point_um;
  power_dBm: number;
  evaluations: number;
  iterations: number;
  reason: StopReason;
}

/** Largest distance between any two vertices of a simplex, µm. */
export function simplexSize_um(vertices: readonly Point_um[]): number {
  let d = 0;
  for (let i = 0; i < vertices.length; i++) {
    for (let j = i + 1; j < vertices.length; j++) {
      const a = vertices[i] as Point_um, b = vertices[j] as Point_um;
      d = Math.max(d, Math.hypot(a.x_um - b.x_um, a.y_um - b.y_um));
    }
  }
  return d;
}

/** max − min of a set of readings, dB. */
export function powerSpread_dB(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}

/**
 * Newton step along one axis from central differences in dB: a Gaussian peak is a parabola in dB, so
 * −g/h lands on it from anywhere the curvature shows. Without curvature (h ≥ 0: flat or on a flank's
 * convex tail) climb the slope by the trust length; the step is clamped to ±maxStep_um.
 */
export function newtonStep_um(gradient_dB_um: number, curvature_dB_um2: number, maxStep_um: number): number {
  let step: number;
  if (curvature_dB_um2 < 0) step = -gradient_dB_um / curvature_dB_um2;
  else step = gradient_dB_um === 0 ? 0 : Math.sign(gradient_dB_um) * maxStep_um;
  return Math.max(-maxStep_um, Math.min(maxStep_um, step));
}

/** Checks a positive finite option; throws RangeError naming it. */
export function positiveOption(owner: string, name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${owner}: ${name} is ${value}; expected a finite number > 0`);
  return value;
}
