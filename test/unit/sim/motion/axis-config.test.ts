import { describe, expect, it } from 'vitest';
import { AxisConfigError, DEFAULT_AXIS_CONFIG, resolveAxisConfig } from '../../../../sim/motion/axis-config.ts';
import { FastClock } from '../../../../sim/clock.ts';
import { StageMotion } from '../../../../sim/motion/stage-motion.ts';

describe('axis configuration', () => {
  it('defaults to 25 mm lateral and 10 mm vertical travel, 2 mm/s, 20 mm/s²', () => {
    expect(DEFAULT_AXIS_CONFIG.X).toMatchObject({ min_um: 0, max_um: 25_000, velocity_um_s: 2000, acceleration_um_s2: 20_000 });
    expect(DEFAULT_AXIS_CONFIG.Z).toMatchObject({ max_um: 10_000, home_um: 10_000 });
    expect(DEFAULT_AXIS_CONFIG.Y.settle_s).toBeGreaterThanOrEqual(0.005);
    expect(DEFAULT_AXIS_CONFIG.Y.settle_s).toBeLessThanOrEqual(0.02);
  });

  it('overlays overrides', () => {
    expect(resolveAxisConfig('Y', { velocity_um_s: 500 }).velocity_um_s).toBe(500);
  });

  it.each([
    [{ velocity_um_s: 0 }, /velocity_um_s = 0 is invalid; expected a finite number > 0/],
    [{ velocity_um_s: 20_000 }, /≤ maxVelocity_um_s/],
    [{ settle_s: -1 }, /settle_s = -1/],
    [{ max_um: -5 }, /max_um = -5 is invalid/],
    [{ initial_um: 30_000 }, /initial_um = 30000 is invalid; expected a position within 0…25000 µm/],
    [{ backlashMin_um: 0.5, backlashMax_um: 0.1 }, /backlashMin_um/],
    [{ acceleration_um_s2: 1e9 }, /≤ maxAcceleration_um_s2/],
  ])('refuses %o with a message naming the field', (override, message) => {
    expect(() => resolveAxisConfig('X', override)).toThrow(AxisConfigError);
    expect(() => resolveAxisConfig('X', override)).toThrow(message);
  });

  it('StageMotion applies the velocity option to every axis', () => {
    const motion = new StageMotion({ seed: 1, clock: new FastClock(), velocity_um_s: 1500 });
    expect(motion.velocity_um_s('Z')).toBe(1500);
  });
});
