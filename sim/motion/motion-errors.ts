// What the motion system refuses; each stage dialect maps these onto its own error codes.
import type { AxisName } from './motion-system.ts';

/** A target outside the axis's hardware travel: the controller refuses it and the axis does not move. */
export class TravelLimitError extends Error {
  readonly side: 'low' | 'high';
  constructor(
    readonly axis: AxisName,
    readonly target_um: number,
    readonly min_um: number,
    readonly max_um: number,
  ) {
    super(`axis ${axis}: target ${target_um} µm is outside the travel ${min_um}…${max_um} µm; the move is refused`);
    this.name = 'TravelLimitError';
    this.side = target_um < min_um ? 'low' : 'high';
  }
}

/** A velocity or acceleration outside what the axis can do. */
export class MotionParameterError extends Error {
  constructor(
    readonly axis: AxisName,
    readonly parameter: 'velocity_um_s' | 'acceleration_um_s2',
    readonly value: number,
    readonly max: number,
  ) {
    super(`axis ${axis}: ${parameter} ${value} must be > 0 and ≤ ${max}`);
    this.name = 'MotionParameterError';
  }
}
