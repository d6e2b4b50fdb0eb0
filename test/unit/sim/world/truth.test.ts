import { describe, expect, it } from 'vitest';
import { nominalSite, CHIP_SURFACE_Z_UM, SITE_COUNT } from '../../../../sim/world/layout.ts';
import { makeWorld } from './fixtures.ts';

describe('hidden truth drawn from the seed', () => {
  it('stays inside the documented ranges over many seeds', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const tr = makeWorld(seed).world.truth(0);
      expect(Math.abs(tr.surfaceZ_um - CHIP_SURFACE_Z_UM)).toBeLessThanOrEqual(5);
      expect(tr.sites).toHaveLength(SITE_COUNT);
      for (const s of tr.sites) {
        const n = nominalSite(s.index);
        expect(Math.abs(s.optimum_um.x_um - n.x_um)).toBeLessThanOrEqual(30);
        expect(Math.abs(s.optimum_um.y_um - n.y_um)).toBeLessThanOrEqual(30);
        for (const c of [s.couplerIn, s.couplerOut]) {
          expect(c.centre_nm).toBeGreaterThanOrEqual(1540);
          expect(c.centre_nm).toBeLessThanOrEqual(1560);
          expect(c.bandwidth1dB_nm).toBeGreaterThanOrEqual(25);
          expect(c.bandwidth1dB_nm).toBeLessThanOrEqual(40);
          expect(c.peakLoss_dB).toBeGreaterThanOrEqual(3);
          expect(c.peakLoss_dB).toBeLessThanOrEqual(5);
        }
        expect(s.chipModeRadius_um).toBeGreaterThanOrEqual(4.6);
        expect(s.chipModeRadius_um).toBeLessThanOrEqual(5.8);
        expect(s.waveguideLoss_dB).toBeGreaterThanOrEqual(0.5);
        expect(s.waveguideLoss_dB).toBeLessThanOrEqual(2);
        expect(s.bestGap_um).toBeGreaterThanOrEqual(15);
        expect(s.bestGap_um).toBeLessThanOrEqual(25);
      }
      expect(tr.receiver.sensitivity_dBm).toBeGreaterThanOrEqual(-14);
      expect(tr.receiver.sensitivity_dBm).toBeLessThanOrEqual(-10);
      expect(Math.abs(tr.laser.powerOffset_dB)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(tr.laser.wavelengthOffset_pm)).toBeGreaterThanOrEqual(1);
      expect(Math.abs(tr.laser.wavelengthOffset_pm)).toBeLessThanOrEqual(6);
    }
  });

  it('shares one placement error between the sites (they move together) plus a small per-site error', () => {
    const tr = makeWorld(5).world.truth(0);
    for (const s of tr.sites) {
      const n = nominalSite(s.index);
      expect(Math.abs(s.optimum_um.x_um - n.x_um - tr.placementError_um.x_um)).toBeLessThanOrEqual(6);
      expect(Math.abs(s.optimum_um.y_um - n.y_um - tr.placementError_um.y_um)).toBeLessThanOrEqual(6);
    }
  });

  it('is reproducible for a seed and differs between seeds', () => {
    expect(makeWorld(42).world.truth(0)).toEqual(makeWorld(42).world.truth(0));
    expect(makeWorld(42).world.truth(0).sites[0]?.optimum_um).not.toEqual(makeWorld(43).world.truth(0).sites[0]?.optimum_um);
  });

  it('hands out copies: changing the returned truth does not change the world', () => {
    const f = makeWorld(3);
    const tr = f.world.truth(0);
    tr.sites[0]!.optimum_um.x_um += 1000;
    expect(f.world.truth(0).sites[0]?.optimum_um.x_um).not.toBe(tr.sites[0]!.optimum_um.x_um);
  });
});

describe('drift of the optimum', () => {
  it('moves the optimum by about drift_um_per_h per hour in a seeded direction', () => {
    const f = makeWorld(9, { drift_um_per_h: 2 });
    const o0 = f.world.truth(0).optimaNow_um[0]!;
    const o1 = f.world.truth(3600).optimaNow_um[0]!;
    const o4 = f.world.truth(4 * 3600).optimaNow_um[0]!;
    const d1 = Math.hypot(o1.x_um - o0.x_um, o1.y_um - o0.y_um);
    const d4 = Math.hypot(o4.x_um - o0.x_um, o4.y_um - o0.y_um);
    expect(d1).toBeGreaterThan(1);
    expect(d1).toBeLessThan(3.5);
    expect(d4).toBeGreaterThan(6);
    expect(d4).toBeLessThan(10);
    // all sites drift together (the chip moves, not the structures on it)
    const s1 = f.world.truth(3600).optimaNow_um[1]!;
    const s0 = f.world.truth(0).optimaNow_um[1]!;
    expect(s1.x_um - s0.x_um).toBeCloseTo(o1.x_um - o0.x_um, 9);
  });

  it('makes a fiber aligned at t=0 lose power an hour later, and stays put with drift 0', () => {
    const f = makeWorld(10, { drift_um_per_h: 3 });
    const o = f.world.truth(0).optimaNow_um[0]!;
    f.stage.moveTo(o.x_um, o.y_um, o.z_um);
    f.world.laser.setOutput(true, 0);
    expect(f.world.transmission(3600) / f.world.transmission(0)).toBeLessThan(0.6);
    const still = makeWorld(10, { drift_um_per_h: 0 });
    expect(still.world.truth(7200).optimaNow_um[0]).toEqual(still.world.truth(0).optimaNow_um[0]);
  });

  it('refuses a negative drift rate', () => {
    expect(() => makeWorld(1, { drift_um_per_h: -1 })).toThrow(/drift_um_per_h -1 must be a finite number >= 0/);
  });
});
