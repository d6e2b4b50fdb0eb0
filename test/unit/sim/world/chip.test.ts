import { describe, expect, it } from 'vitest';
import { scanProfileRadius_um } from '../../../../models/coupling.ts';
import { gratingLoss_dB } from '../../../../models/grating.ts';
import { FIBER_MODE_RADIUS_UM } from '../../../../sim/world/layout.ts';
import { alignTo, makeWorld } from './fixtures.ts';

const dB = (x: number): number => 10 * Math.log10(x);

describe('chip loopback transmission (physics)', () => {
  it('falls off with lateral offset as the loopback Gaussian of models/coupling.ts', () => {
    const f = makeWorld(11);
    const site = f.world.truth().sites[0];
    if (!site) throw new Error('no site');
    f.world.laser.setWavelength(site.couplerIn.centre_nm, -1);
    alignTo(f, 0);
    const t0 = f.world.transmission(0);
    const R = scanProfileRadius_um(FIBER_MODE_RADIUS_UM, site.chipModeRadius_um, 2);
    for (const [dx, dy] of [[2, 0], [0, -3], [2.5, 2.5], [5, 0]] as const) {
      f.stage.pos.X += dx;
      f.stage.pos.Y += dy;
      const ratio = f.world.transmission(0) / t0;
      const d2 = dx * dx + dy * dy;
      expect(dB(ratio)).toBeCloseTo(dB(Math.exp((-2 * d2) / (R * R))), 6);
      f.stage.pos.X -= dx;
      f.stage.pos.Y -= dy;
    }
    // 1-dB lateral tolerance of a loopback is tighter than one coupler's (both fibers move together)
    f.stage.pos.X += 2.5;
    expect(dB(f.world.transmission(0) / t0)).toBeLessThan(-1.2);
  });

  it('peak transmission equals both gratings, the waveguide and the mode mismatch (within the FP ripple)', () => {
    const f = makeWorld(12);
    const site = f.world.truth().sites[1];
    if (!site) throw new Error('no site');
    const lambda = (site.couplerIn.centre_nm + site.couplerOut.centre_nm) / 2;
    f.world.laser.setWavelength(lambda, -1);
    alignTo(f, 1);
    const w1 = FIBER_MODE_RADIUS_UM;
    const w2 = site.chipModeRadius_um;
    const mismatch_dB = 2 * dB(((2 * w1 * w2) / (w1 * w1 + w2 * w2)) ** 2);
    const expected_dB = -gratingLoss_dB(lambda, site.couplerIn) - gratingLoss_dB(lambda, site.couplerOut) - site.waveguideLoss_dB + mismatch_dB;
    expect(Math.abs(dB(f.world.transmission(0)) - expected_dB)).toBeLessThanOrEqual(site.rippleDepth_dB / 2 + 1e-9);
    // total loopback loss lands in the plausible 7…13 dB band for 3–5 dB couplers
    expect(-dB(f.world.transmission(0))).toBeGreaterThan(6);
    expect(-dB(f.world.transmission(0))).toBeLessThan(13);
  });

  it('follows the sum of the two grating parabolas across wavelength, rippled by a few tenths of a dB', () => {
    const f = makeWorld(13);
    const site = f.world.truth().sites[0];
    if (!site) throw new Error('no site');
    alignTo(f, 0);
    let t = 0;
    let ref: number | null = null;
    for (let lambda = 1520; lambda <= 1580; lambda += 5) {
      f.world.laser.setWavelength(lambda, t);
      t += 0.1;
      const model = -gratingLoss_dB(lambda, site.couplerIn) - gratingLoss_dB(lambda, site.couplerOut);
      const diff = dB(f.world.transmission(t)) - model;
      ref ??= diff;
      expect(Math.abs(diff - ref)).toBeLessThanOrEqual(site.rippleDepth_dB + 1e-9);
    }
  });

  it('has its best height 15–25 µm above the surface, ripples with period λ/2, and touching gives 0 and a sticky contact', () => {
    const f = makeWorld(14);
    const tr = f.world.truth();
    const site = tr.sites[0];
    if (!site) throw new Error('no site');
    f.world.laser.setWavelength(site.couplerIn.centre_nm, -1);
    alignTo(f, 0);
    const best = f.world.transmission(0);
    f.stage.pos.Z += 15;
    expect(f.world.transmission(0)).toBeLessThan(best);
    f.stage.pos.Z -= 30;
    expect(f.world.transmission(0)).toBeLessThan(best);
    // the ripple: moving by λ/2 returns to the same transmission; within it the peak-to-peak is the depth
    const lambda_um = site.couplerIn.centre_nm * 1e-3;
    const at = (dz: number): number => {
      f.stage.pos.Z = tr.optimaNow_um[0]!.z_um + dz;
      return dB(f.world.transmission(0));
    };
    expect(Math.abs(at(lambda_um / 2) - at(0))).toBeLessThan(0.02);
    const over = Array.from({ length: 24 }, (_, i) => at((i * lambda_um) / 48));
    expect(Math.max(...over) - Math.min(...over)).toBeCloseTo(site.rippleDepth_dB, 1);
    // contact
    expect(f.world.fiberContact).toBeNull();
    f.stage.pos.Z = tr.surfaceZ_um - 1;
    expect(f.world.transmission(3)).toBe(0);
    f.stage.pos.Z = tr.surfaceZ_um + 20;
    expect(f.world.transmission(4)).toBeGreaterThan(0);
    expect(f.world.fiberContact?.t_s).toBe(3);
    f.world.clearFiberContact();
    expect(f.world.fiberContact).toBeNull();
  });

  it('sees each site at its own optimum and next to nothing between sites', () => {
    const f = makeWorld(15);
    for (let k = 0; k < 4; k++) {
      alignTo(f, k);
      expect(f.world.chipResponse(0).site).toBe(k);
      expect(f.world.transmission(0)).toBeGreaterThan(1e-2);
    }
    alignTo(f, 0);
    f.stage.pos.X += 125;
    expect(f.world.transmission(0)).toBeLessThan(1e-30);
  });
});
