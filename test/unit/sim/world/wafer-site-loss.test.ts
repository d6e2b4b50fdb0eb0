// A wafer site's true best loss (the wafer benchmark's ground truth): the coupler, waveguide and mode-mismatch
// losses at the optimum and best gap, the lowest over the band, the facet ripple left out; and it agrees with
// what the simulated wafer transmits at the optimum.
import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { FIBER_MODE_RADIUS_UM } from '../../../../sim/world/layout.ts';
import { OpticalWorld } from '../../../../sim/world/optical-world.ts';
import type { SiteTruth } from '../../../../sim/world/truth.ts';
import { waferSiteIndex } from '../../../../sim/world/wafer-layout.ts';
import { siteBestLoss_dB } from '../../../../sim/world/wafer-site-loss.ts';
import { FixedStage } from './fixtures.ts';

/** Matched modes (no mismatch loss), both gratings 3 dB at 1550 nm with a 30 nm 1-dB width, 1 dB of waveguide: 7 dB at 1550 nm. */
const SITE: SiteTruth = {
  index: 0,
  optimum_um: { x_um: 0, y_um: 0 },
  couplerIn: { centre_nm: 1550, peakLoss_dB: 3, bandwidth1dB_nm: 30 },
  couplerOut: { centre_nm: 1550, peakLoss_dB: 3, bandwidth1dB_nm: 30 },
  chipModeRadius_um: FIBER_MODE_RADIUS_UM,
  waveguideLoss_dB: 1,
  bestGap_um: 20,
  rippleDepth_dB: 0,
};

describe('siteBestLoss_dB', () => {
  it('is the sum of the couplers and the waveguide at the band centre when the modes match', () => {
    expect(siteBestLoss_dB(SITE, { start_nm: 1530, stop_nm: 1565 })).toBeCloseTo(7, 6);
  });

  it('takes the band edge nearest the grating centre when the centre lies outside the band', () => {
    // Each grating: 3 + ((1530 − 1550)/15)² dB at 1530 nm.
    const edge = 7 + 2 * (20 / 15) ** 2;
    expect(siteBestLoss_dB(SITE, { start_nm: 1500, stop_nm: 1530 })).toBeCloseTo(edge, 6);
  });

  it('finds the lowest loss between two gratings of different centres (the mean when their widths match)', () => {
    const site = { ...SITE, couplerIn: { ...SITE.couplerIn, centre_nm: 1546 }, couplerOut: { ...SITE.couplerOut, centre_nm: 1554 } };
    // At 1550 nm each grating is 4 nm off: 3 + (4/15)² dB.
    expect(siteBestLoss_dB(site, { start_nm: 1530, stop_nm: 1565 })).toBeCloseTo(7 + 2 * (4 / 15) ** 2, 4);
  });

  it('leaves the facet ripple out and counts the mode mismatch and the extra loss of a high-loss die', () => {
    expect(siteBestLoss_dB({ ...SITE, rippleDepth_dB: 0.3 }, { start_nm: 1530, stop_nm: 1565 })).toBeCloseTo(7, 6);
    expect(siteBestLoss_dB({ ...SITE, waveguideLoss_dB: 7 }, { start_nm: 1530, stop_nm: 1565 })).toBeCloseTo(13, 6);
    expect(siteBestLoss_dB({ ...SITE, chipModeRadius_um: 4 }, { start_nm: 1530, stop_nm: 1565 })).toBeGreaterThan(7.2);
  });

  it('refuses a band that is not finite or runs backwards, naming the band', () => {
    expect(() => siteBestLoss_dB(SITE, { start_nm: 1565, stop_nm: 1530 })).toThrow(/band must be finite with start ≤ stop, got 1565–1530 nm/);
    expect(() => siteBestLoss_dB(SITE, { start_nm: Number.NaN, stop_nm: 1530 })).toThrow(/band/);
  });

  it('agrees with the light the simulated wafer gives at the optimum, within the ripple', () => {
    const world = new OpticalWorld({ seed: 2, clock: new FastClock(), motion: new FixedStage(), drift_um_per_h: 0, world: 'wafer' });
    const wafer = world.wafer!;
    for (const [col, row, k] of [[7, 7, 0], [12, 14, 1], [10, 3, 3]] as const) {
      const index = waferSiteIndex(col, row, k);
      const truth = wafer.truth.sites[index]!;
      if (wafer.die(col, row).dead) continue;
      const o = wafer.optimumAt(index, 0);
      let best = 0;
      for (let wl = 1530; wl <= 1565; wl += 0.05) best = Math.max(best, wafer.response(o, wl, 0).transmission);
      expect(Math.abs(-10 * Math.log10(best) - siteBestLoss_dB(truth, { start_nm: 1530, stop_nm: 1565 }))).toBeLessThanOrEqual(truth.rippleDepth_dB / 2 + 0.01);
    }
  });
});
