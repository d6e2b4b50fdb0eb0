import { describe, expect, it } from 'vitest';
import {
  TrajectoryError, logSamplePositions_um, logSampleVelocities_um_s, meanPositionOver_um, planProfile, positionAt_um, samplesToCover, velocityAt_um_s,
} from '../../../../sequences/steps/align/trajectory.ts';

describe('trapezoidal move profile', () => {
  it('reaches cruise velocity on a long move: d/v + v/a', () => {
    const p = planProfile({ from_um: 0, to_um: 1000, velocity_um_s: 2000, acceleration_um_s2: 20_000 });
    expect(p.peakVelocity_um_s).toBe(2000);
    expect(p.accelTime_s).toBeCloseTo(0.1, 12);
    expect(p.duration_s).toBeCloseTo(1000 / 2000 + 2000 / 20_000, 12);
    expect(positionAt_um(p, 0.1)).toBeCloseTo(100, 9); // ½·a·t²
    expect(positionAt_um(p, p.duration_s / 2)).toBeCloseTo(500, 9);
    expect(positionAt_um(p, p.duration_s - 0.1)).toBeCloseTo(900, 9);
    expect(velocityAt_um_s(p, 0.3)).toBe(2000);
    expect(velocityAt_um_s(p, 0.05)).toBeCloseTo(1000, 9);
  });

  it('is a triangle on a short move: 2·√(d/a), peak √(a·d)', () => {
    const p = planProfile({ from_um: 50, to_um: -20, velocity_um_s: 5000, acceleration_um_s2: 20_000 });
    expect(p.direction).toBe(-1);
    expect(p.cruiseTime_s).toBe(0);
    expect(p.peakVelocity_um_s).toBeCloseTo(Math.sqrt(70 * 20_000), 9);
    expect(p.duration_s).toBeCloseTo(2 * Math.sqrt(70 / 20_000), 12);
    expect(positionAt_um(p, p.duration_s / 2)).toBeCloseTo(15, 9);
    expect(velocityAt_um_s(p, p.duration_s / 2)).toBeCloseTo(-p.peakVelocity_um_s, 6);
  });

  it('stays at its ends before the start and after the end', () => {
    const p = planProfile({ from_um: 3, to_um: 13, velocity_um_s: 100, acceleration_um_s2: 1000 });
    expect(positionAt_um(p, -1)).toBe(3);
    expect(positionAt_um(p, 99)).toBe(13);
    expect(velocityAt_um_s(p, -1)).toBe(0);
  });

  it('is continuous and monotone through every phase', () => {
    const p = planProfile({ from_um: 0, to_um: 200, velocity_um_s: 1000, acceleration_um_s2: 10_000 });
    let last = -Infinity;
    for (let t = -0.01; t < p.duration_s + 0.01; t += 1e-4) {
      const x = positionAt_um(p, t);
      expect(x).toBeGreaterThanOrEqual(last - 1e-9);
      if (last > -Infinity) expect(x - last).toBeLessThan(1000 * 1e-4 + 1e-9);
      last = x;
    }
  });

  it('averages position exactly over a window that spans phase changes', () => {
    const p = planProfile({ from_um: 0, to_um: 200, velocity_um_s: 1000, acceleration_um_s2: 10_000 });
    const [t0, t1] = [0.05, 0.15];
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) sum += positionAt_um(p, t0 + ((i + 0.5) / n) * (t1 - t0));
    expect(meanPositionOver_um(p, t0, t1)).toBeCloseTo(sum / n, 6);
    expect(meanPositionOver_um(p, 0.3, 0.3)).toBe(positionAt_um(p, 0.3));
  });

  it('places logged samples on the trajectory, shifted by the log start and the lag', () => {
    const p = planProfile({ from_um: 0, to_um: 100, velocity_um_s: 10_000, acceleration_um_s2: 20_000 });
    const tau = 1e-3;
    const at = logSamplePositions_um(p, { moveStart_s: 10.002, logStart_s: 10, averagingTime_s: tau, samples: 200 });
    expect(at).toHaveLength(200);
    expect(at[0]).toBe(0); // before the move started
    expect(at[1]).toBe(0);
    expect(at[50]).toBeCloseTo(meanPositionOver_um(p, 0.048, 0.049), 12);
    expect(at[199]).toBe(100);
    const lagged = logSamplePositions_um(p, { moveStart_s: 10, logStart_s: 10, averagingTime_s: tau, samples: 60, lag_s: 0.002 });
    expect(lagged[52]).toBeCloseTo(at[52] as number, 12);
    expect(samplesToCover(p, tau)).toBe(Math.ceil(p.duration_s / tau));
  });

  it('gives each logged sample the velocity at the middle of its window', () => {
    const p = planProfile({ from_um: 100, to_um: 0, velocity_um_s: 10_000, acceleration_um_s2: 20_000 });
    const timing = { moveStart_s: 5.001, logStart_s: 5, averagingTime_s: 1e-3, samples: 150 };
    const v = logSampleVelocities_um_s(p, timing);
    expect(v[0]).toBe(0); // window 0…1 ms, the move starts at 1 ms
    expect(v[10]).toBeCloseTo(velocityAt_um_s(p, 0.0095), 9);
    expect(v[10]).toBeLessThan(0);
    expect(v[149]).toBe(0);
    expect(() => logSampleVelocities_um_s(p, { ...timing, averagingTime_s: -1 })).toThrow(/averagingTime_s/);
  });

  it('refuses unusable parameters with the field named', () => {
    expect(() => planProfile({ from_um: 0, to_um: 1, velocity_um_s: 0, acceleration_um_s2: 1 })).toThrow(TrajectoryError);
    expect(() => planProfile({ from_um: 0, to_um: 1, velocity_um_s: 1, acceleration_um_s2: NaN })).toThrow(/acceleration_um_s2/);
    expect(() => planProfile({ from_um: Infinity, to_um: 1, velocity_um_s: 1, acceleration_um_s2: 1 })).toThrow(/from_um/);
    const p = planProfile({ from_um: 0, to_um: 1, velocity_um_s: 1, acceleration_um_s2: 1 });
    expect(() => logSamplePositions_um(p, { moveStart_s: 0, logStart_s: 0, averagingTime_s: 0, samples: 3 })).toThrow(/averagingTime_s/);
    expect(() => logSamplePositions_um(p, { moveStart_s: 0, logStart_s: 0, averagingTime_s: 1, samples: 1.5 })).toThrow(/samples/);
  });

  it('a zero-length move stays put', () => {
    const p = planProfile({ from_um: 7, to_um: 7, velocity_um_s: 10, acceleration_um_s2: 10 });
    expect(p.duration_s).toBe(0);
    expect(positionAt_um(p, 0.5)).toBe(7);
  });
});
