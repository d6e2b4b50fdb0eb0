// What the optics of the virtual bench needs to know of the stage: where the fiber array really is.
// The stage dialects (SCPI, ESP301, PI GCS) are front ends that command the same MotionSystem.

/** Physical axes of the fiber-array stage: X and Y lateral over the chip, Z height above it. */
export type AxisName = 'X' | 'Y' | 'Z';
export const AXES: readonly AxisName[] = ['X', 'Y', 'Z'];

export interface MotionSystem {
  /** True position of the fiber array on `axis` at bench time t (µm, stage coordinates), errors included. */
  truePosition_um(axis: AxisName, t_s: number): number;
}
