// Mechanical parameters of one axis of the simulated fiber-array stage, and their defaults: a
// fiber-alignment stage with 25 mm lateral and 10 mm vertical travel, µm units throughout.
import type { AxisName } from './motion-system.ts';

export interface AxisConfig {
  /** Hardware travel: a move outside [min_um, max_um] is refused by the controller. */
  readonly min_um: number;
  readonly max_um: number;
  /** Where the home switch is: 0 for X and Y; the top of travel for Z (homing must never drive a fiber into the chip). */
  readonly home_um: number;
  /** Where the axis is when the bench is created. */
  readonly initial_um: number;
  readonly velocity_um_s: number;
  readonly maxVelocity_um_s: number;
  readonly acceleration_um_s2: number;
  readonly maxAcceleration_um_s2: number;
  /** Homing runs slower than positioning, then searches the switch and index for `homeSearch_s`. */
  readonly homeVelocity_um_s: number;
  readonly homeSearch_s: number;
  /** Servo settling after each move before the controller reports it done / on target. */
  readonly settle_s: number;
  /**
   * Following lag of the servo: the load (and its encoder) runs the commanded profile this much later,
   * so the following error is v × lag while moving; the controller reports done lag + settle after the
   * profile ends. 0 in the ideal bench; a timing profile sets it.
   */
  readonly servoLag_s: number;
  readonly encoderResolution_um: number;
  /** Mechanical play, drawn per seed in this range. */
  readonly backlashMin_um: number;
  readonly backlashMax_um: number;
  /** Standard deviation of where a move really ends, drawn per move. */
  readonly repeatabilitySigma_um: number;
}

const LATERAL: AxisConfig = {
  min_um: 0,
  max_um: 25_000,
  home_um: 0,
  initial_um: 0,
  velocity_um_s: 2_000,
  maxVelocity_um_s: 10_000,
  acceleration_um_s2: 20_000,
  maxAcceleration_um_s2: 200_000,
  homeVelocity_um_s: 1_000,
  homeSearch_s: 0.25,
  settle_s: 0.01,
  servoLag_s: 0,
  encoderResolution_um: 0.01,
  backlashMin_um: 0.1,
  backlashMax_um: 0.3,
  repeatabilitySigma_um: 0.05,
};

export const DEFAULT_AXIS_CONFIG: Readonly<Record<AxisName, AxisConfig>> = {
  X: LATERAL,
  Y: LATERAL,
  Z: { ...LATERAL, max_um: 10_000, home_um: 10_000, initial_um: 10_000 },
};

export class AxisConfigError extends Error {
  constructor(readonly axis: AxisName, readonly field: string, readonly value: number, expected: string) {
    super(`stage axis ${axis}: ${field} = ${value} is invalid; expected ${expected}`);
    this.name = 'AxisConfigError';
  }
}

/** Defaults overlaid with `overrides`, checked for consistency. */
export function resolveAxisConfig(axis: AxisName, overrides: Partial<AxisConfig> = {}): AxisConfig {
  const c: AxisConfig = { ...DEFAULT_AXIS_CONFIG[axis], ...overrides };
  const positive: (keyof AxisConfig)[] = [
    'velocity_um_s', 'maxVelocity_um_s', 'acceleration_um_s2', 'maxAcceleration_um_s2', 'homeVelocity_um_s', 'encoderResolution_um',
  ];
  for (const f of positive) {
    if (!(Number.isFinite(c[f]) && c[f] > 0)) throw new AxisConfigError(axis, f, c[f], 'a finite number > 0');
  }
  const nonNegative: (keyof AxisConfig)[] = ['homeSearch_s', 'settle_s', 'servoLag_s', 'backlashMin_um', 'backlashMax_um', 'repeatabilitySigma_um'];
  for (const f of nonNegative) {
    if (!(Number.isFinite(c[f]) && c[f] >= 0)) throw new AxisConfigError(axis, f, c[f], 'a finite number ≥ 0');
  }
  if (!(Number.isFinite(c.min_um) && Number.isFinite(c.max_um) && c.min_um < c.max_um)) {
    throw new AxisConfigError(axis, 'max_um', c.max_um, `a finite number > min_um (${c.min_um})`);
  }
  for (const f of ['home_um', 'initial_um'] as const) {
    if (!(c[f] >= c.min_um && c[f] <= c.max_um)) throw new AxisConfigError(axis, f, c[f], `a position within ${c.min_um}…${c.max_um} µm`);
  }
  if (c.velocity_um_s > c.maxVelocity_um_s) throw new AxisConfigError(axis, 'velocity_um_s', c.velocity_um_s, `≤ maxVelocity_um_s (${c.maxVelocity_um_s})`);
  if (c.acceleration_um_s2 > c.maxAcceleration_um_s2) {
    throw new AxisConfigError(axis, 'acceleration_um_s2', c.acceleration_um_s2, `≤ maxAcceleration_um_s2 (${c.maxAcceleration_um_s2})`);
  }
  if (c.backlashMin_um > c.backlashMax_um) throw new AxisConfigError(axis, 'backlashMin_um', c.backlashMin_um, `≤ backlashMax_um (${c.backlashMax_um})`);
  return c;
}
