import { describe, expect, it } from 'vitest';
import {
  ProfileParameterError,
  planFromMotion,
  planTrapezoid,
  sampleProfile,
  trapezoidDuration_s,
  truncateProfile,
} from '../../../../sim/motion/profile.ts';

describe('trapezoidDuration_s', () => {
  it('is d/v + v/a when the cruise velocity is reached', () => {
    // 1000 µm at 2000 µm/s, 20000 µm/s²: 0.5 s cruise-equivalent + 0.1 s for the ramps.
    expect(trapezoidDuration_s(1000, 2000, 20_000)).toBeCloseTo(0.6, 12);
    expect(trapezoidDuration_s(-1000, 2000, 20_000)).toBeCloseTo(0.6, 12);
  });

  it('is a triangle 2·√(d/a) for short moves', () => {
    // v²/a = 200 µm: a 50 µm move never reaches 2000 µm/s.
    expect(trapezoidDuration_s(50, 2000, 20_000)).toBeCloseTo(2 * Math.sqrt(50 / 20_000), 12);
  });

  it('is continuous at the trapezoid/triangle boundary', () => {
    expect(trapezoidDuration_s(200, 2000, 20_000)).toBeCloseTo(0.2, 12);
    expect(trapezoidDuration_s(200 - 1e-9, 2000, 20_000)).toBeCloseTo(0.2, 6);
  });

  it('refuses a non-positive velocity or acceleration', () => {
    expect(() => trapezoidDuration_s(10, 0, 1)).toThrow(ProfileParameterError);
    expect(() => trapezoidDuration_s(10, 1, -1)).toThrow(/acceleration_um_s2 -1/);
  });
});

describe('planTrapezoid / sampleProfile', () => {
  const p = planTrapezoid(10, 100, 1100, 2000, 20_000);

  it('ends at the target after the trapezoid duration', () => {
    expect(p.end_s).toBeCloseTo(10.6, 12);
    expect(sampleProfile(p, 11).position_um).toBe(1100);
    expect(sampleProfile(p, 9).position_um).toBe(100);
  });

  it('passes the midpoint at mid-time with the cruise velocity (symmetric profile)', () => {
    const mid = sampleProfile(p, 10.3);
    expect(mid.position_um).toBeCloseTo(600, 9);
    expect(mid.velocity_um_s).toBeCloseTo(2000, 9);
  });

  it('accelerates uniformly: ½·a·t² after 50 ms', () => {
    expect(sampleProfile(p, 10.05).position_um).toBeCloseTo(100 + 0.5 * 20_000 * 0.05 ** 2, 9);
  });

  it('moves in the negative direction too', () => {
    const n = planTrapezoid(0, 500, 0, 2000, 20_000);
    expect(sampleProfile(n, n.end_s / 2).position_um).toBeCloseTo(250, 9);
    expect(sampleProfile(n, 0.01).velocity_um_s).toBeLessThan(0);
  });

  it('a zero move is empty', () => {
    const z = planTrapezoid(3, 7, 7, 1, 1);
    expect(z.end_s).toBe(3);
    expect(sampleProfile(z, 5).position_um).toBe(7);
  });
});

describe('truncateProfile', () => {
  const p = planTrapezoid(0, 0, 1000, 2000, 20_000);

  it('decelerates from the velocity at the cut: stops v²/2a further on', () => {
    const s = truncateProfile(p, 0.3, 20_000); // cruising at 2000 µm/s at 500 µm
    expect(s.to_um).toBeCloseTo(500 + 100, 9);
    expect(s.end_s).toBeCloseTo(0.4, 12);
    expect(sampleProfile(s, 0.2).position_um).toBeCloseTo(sampleProfile(p, 0.2).position_um, 12); // the past unchanged
  });

  it('stops on the spot when abrupt', () => {
    const s = truncateProfile(p, 0.3, Infinity);
    expect(s.to_um).toBeCloseTo(500, 9);
    expect(s.end_s).toBe(0.3);
  });

  it('never stops beyond the original target', () => {
    const s = truncateProfile(p, 0.55, 1000); // already braking harder than 1000 µm/s²
    expect(s).toBe(p);
  });

  it('before the start gives an empty move, after the end changes nothing', () => {
    expect(truncateProfile(p, -1, 1).to_um).toBe(0);
    expect(truncateProfile(p, 5, 1)).toBe(p);
  });
});

describe('planFromMotion', () => {
  it('re-plans on the fly towards a farther target without stopping', () => {
    const p = planTrapezoid(0, 0, 1000, 2000, 20_000);
    const { position_um, velocity_um_s } = sampleProfile(p, 0.3);
    const q = planFromMotion(0.3, position_um, velocity_um_s, 2000, 2000, 20_000);
    expect(q).not.toBeNull();
    // 1500 µm left at cruise: 0.75 s minus half a ramp saved (0.05 s) = 0.8 s.
    expect((q?.end_s ?? 0) - 0.3).toBeCloseTo(0.8, 9);
    expect(sampleProfile(q!, 0.3001).velocity_um_s).toBeCloseTo(2000, 6);
  });

  it('slows down when the cruise velocity was lowered', () => {
    const q = planFromMotion(0, 0, 2000, 1000, 1000, 20_000)!;
    expect(sampleProfile(q, 0.05).velocity_um_s).toBeCloseTo(1000, 9);
    expect(sampleProfile(q, q.end_s).position_um).toBe(1000);
  });

  it('gives up (null) when moving away or unable to brake in time', () => {
    expect(planFromMotion(0, 0, 2000, -10, 2000, 20_000)).toBeNull();
    expect(planFromMotion(0, 0, 2000, 50, 2000, 20_000)).toBeNull(); // needs 100 µm to stop
  });
});
