// The wafer world (world: 'wafer'): its public geometry, the hidden placement drawn by seed, the light
// from the nearest site of the nearest die, dead and high-loss dies, and the chip world left as it was.
import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';
import { OpticalWorld } from '../../../../sim/world/optical-world.ts';
import {
  dieName, fromWaferSiteIndex, nearestNominalSite, nominalDieCentre, nominalWaferSite, parseDieName, siteNumber, waferSiteIndex,
} from '../../../../sim/world/wafer-layout.ts';
import type { WaferModel } from '../../../../sim/world/wafer-model.ts';
import {
  HIGH_LOSS_EXTRA_DB, WAFER_DEAD_DIES, WAFER_HIGH_LOSS_DIES, WAFER_HIGHEST_SURFACE_UM, WAFER_PLACEMENT_BOUNDS, placePoint, planeZ_um, unplacePoint,
} from '../../../../sim/world/wafer-truth.ts';
import { FixedStage } from './fixtures.ts';

function waferWorld(seed: number, drift_um_per_h = 0): { world: OpticalWorld; wafer: WaferModel; stage: FixedStage; clock: FastClock } {
  const clock = new FastClock();
  const stage = new FixedStage();
  const world = new OpticalWorld({ seed, clock, motion: stage, drift_um_per_h, world: 'wafer' });
  if (!world.wafer) throw new Error('no wafer in the wafer world');
  return { world, wafer: world.wafer, stage, clock };
}

/** Transmission at a site's optimum and best height (t = 0), dB. */
function peak_dB(w: WaferModel, col: number, row: number, site: number): number {
  const o = w.optimumAt(waferSiteIndex(col, row, site), 0);
  return 10 * Math.log10(w.response(o, 1550, 0).transmission);
}

const std = (v: number[]): number => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

describe('wafer geometry (the wafer contract)', () => {
  it('names dies C{col}R{row}, centres them at (3000 + 1000·c, 3000 + 1000·r) and puts sites A-D at −375…+375 µm', () => {
    expect(dieName(7, 3)).toBe('C07R03');
    expect(parseDieName('c19r00')).toEqual({ col: 19, row: 0 });
    expect(nominalDieCentre(0, 0)).toEqual({ x_um: 3000, y_um: 3000 });
    expect(nominalDieCentre(19, 19)).toEqual({ x_um: 22_000, y_um: 22_000 });
    expect(['A', 'B', 'C', 'D'].map((s) => nominalWaferSite(7, 3, s).x_um)).toEqual([9625, 9875, 10_125, 10_375]);
    expect(nominalWaferSite(7, 3, 'C').y_um).toBe(6000);
  });

  it('indexes sites die by die and finds the nearest nominal site by rounding', () => {
    expect(waferSiteIndex(0, 0, 0)).toBe(0);
    expect(waferSiteIndex(1, 0, 2)).toBe(6);
    expect(waferSiteIndex(0, 1, 0)).toBe(80);
    expect(fromWaferSiteIndex(1599)).toEqual({ col: 19, row: 19, site: 3 });
    expect(nearestNominalSite(9875 + 60, 6000 - 300)).toEqual({ col: 7, row: 3, site: 1 });
    // Off the grid: the nearest edge die's nearest site.
    expect(nearestNominalSite(-500, 30_000)).toEqual({ col: 0, row: 19, site: 0 });
  });

  it('refuses dies off the grid, malformed names and unknown sites, naming them', () => {
    expect(() => dieName(20, 0)).toThrow('die (col 20, row 0) is off the wafer grid: col 0-19, row 0-19');
    expect(() => parseDieName('C7R3')).toThrow("die name 'C7R3' must look like C07R03");
    expect(() => parseDieName('C20R01')).toThrow('die (col 20, row 1) is off the wafer grid');
    expect(() => siteNumber('E')).toThrow("site 'E' must be one of A, B, C, D");
    expect(() => waferSiteIndex(0, 0, 4)).toThrow('site number 4 must be 0-3');
    expect(() => fromWaferSiteIndex(1600)).toThrow('wafer site index 1600 must be 0-1599');
  });
});

describe('the hidden placement', () => {
  it('is drawn by seed within the contract bounds, the same for the same seed', () => {
    const a = waferWorld(3).wafer.truth;
    expect(waferWorld(3).wafer.truth).toEqual(a);
    expect(waferWorld(4).wafer.truth.placement).not.toEqual(a.placement);
    for (let seed = 1; seed <= 20; seed++) {
      const p = waferWorld(seed).wafer.truth.placement;
      const b = WAFER_PLACEMENT_BOUNDS;
      expect(Math.abs(p.offset_um.x_um)).toBeLessThanOrEqual(b.offset_um);
      expect(Math.abs(p.offset_um.y_um)).toBeLessThanOrEqual(b.offset_um);
      expect(Math.abs(p.rotation_deg)).toBeLessThanOrEqual(b.rotation_deg);
      expect(Math.abs(p.plane.z0_um)).toBeLessThanOrEqual(b.z0_um);
      expect(Math.abs(p.plane.ax)).toBeLessThanOrEqual(b.slope);
      expect(Math.abs(p.plane.ay)).toBeLessThanOrEqual(b.slope);
    }
  });

  it('places every site optimum at the rotated, offset nominal site plus a 1.5 µm scatter', () => {
    const w = waferWorld(5).wafer;
    const rx: number[] = [];
    for (const s of w.truth.sites) {
      const { col, row, site } = fromWaferSiteIndex(s.index);
      const nominal = nominalWaferSite(col, row, ['A', 'B', 'C', 'D'][site]!);
      const placed = placePoint(w.truth.placement, nominal.x_um, nominal.y_um);
      rx.push(s.optimum_um.x_um - placed.x_um);
    }
    expect(std(rx)).toBeGreaterThan(1.3);
    expect(std(rx)).toBeLessThan(1.7);
    expect(Math.max(...rx.map(Math.abs))).toBeLessThan(8);
    // The rotation is real: a corner die's optimum moves by more than the offset alone.
    const p = w.truth.placement;
    const back = unplacePoint(p, ...(Object.values(placePoint(p, 3000, 22_000)) as [number, number]));
    expect(back.x_um).toBeCloseTo(3000, 6);
    expect(back.y_um).toBeCloseTo(22_000, 6);
  });

  it('tilts the surface by the height plane, never above the highest surface the bench file allows for', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const w = waferWorld(seed).wafer;
      for (const [c, r] of [[0, 0], [19, 0], [0, 19], [19, 19], [10, 10]] as const) {
        const o = w.optimumAt(waferSiteIndex(c, r, 0), 0);
        const surface = w.surfaceAt_um(0, o);
        expect(surface).toBeLessThan(WAFER_HIGHEST_SURFACE_UM);
        expect(surface - planeZ_um(w.truth.placement, o.x_um, o.y_um)).toBeCloseTo(w.die(c, r).height_um, 9);
        expect(o.z_um - surface).toBeGreaterThan(15);
      }
    }
  });
});

describe('light from the nearest site of the nearest die', () => {
  it('peaks at a site optimum and falls off away from it; the response names that site', () => {
    const { wafer } = waferWorld(6);
    const good = wafer.truth.dies.find((d) => !d.dead && !d.highLoss)!;
    const k = waferSiteIndex(good.col, good.row, 1);
    const o = wafer.optimumAt(k, 0);
    const at = wafer.response(o, 1550, 0);
    expect(at.site).toBe(k);
    expect(10 * Math.log10(at.transmission)).toBeGreaterThan(-14);
    const off = wafer.response({ ...o, x_um: o.x_um + 6 }, 1550, 0);
    expect(off.site).toBe(k);
    expect(off.transmission).toBeLessThan(at.transmission / 3);
    // Halfway between two sites there is no light worth the name.
    expect(wafer.response({ ...o, x_um: o.x_um + 125 / 2 + 60 }, 1550, 0).transmission).toBeLessThan(1e-12);
  });

  it('gives no light on the dead dies and 6 dB less on the high-loss ones, 8 of each on disjoint dies', () => {
    const { wafer } = waferWorld(8);
    const dead = wafer.truth.dies.filter((d) => d.dead);
    const high = wafer.truth.dies.filter((d) => d.highLoss);
    expect(dead).toHaveLength(WAFER_DEAD_DIES);
    expect(high).toHaveLength(WAFER_HIGH_LOSS_DIES);
    expect(dead.some((d) => d.highLoss)).toBe(false);
    for (const d of dead) for (let s = 0; s < 4; s++) expect(wafer.response(wafer.optimumAt(waferSiteIndex(d.col, d.row, s), 0), 1550, 0).transmission).toBe(0);
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    const goodPeaks = wafer.truth.dies.filter((d) => !d.dead && !d.highLoss).map((d) => peak_dB(wafer, d.col, d.row, 0));
    const highPeaks = high.map((d) => peak_dB(wafer, d.col, d.row, 0));
    expect(median(goodPeaks) - median(highPeaks)).toBeGreaterThan(HIGH_LOSS_EXTRA_DB - 1.5);
    expect(median(goodPeaks) - median(highPeaks)).toBeLessThan(HIGH_LOSS_EXTRA_DB + 1.5);
    // Good dies scatter by a few tenths of a dB (the coupler loss σ 0.3 dB on both gratings), not by dB.
    expect(std(goodPeaks)).toBeGreaterThan(0.3);
    expect(std(goodPeaks)).toBeLessThan(1.2);
    // Which dies are bad depends on the seed.
    expect(waferWorld(9).wafer.truth.dies.filter((d) => d.dead).map((d) => d.name)).not.toEqual(dead.map((d) => d.name));
  });

  it('records a contact when the fiber reaches a die surface, and the drift moves the whole wafer', () => {
    const { world, wafer, stage, clock } = waferWorld(10, 3600);
    const k = waferSiteIndex(4, 15, 2);
    const o = wafer.optimumAt(k, 0);
    stage.moveTo(o.x_um, o.y_um, wafer.surfaceAt_um(0, o) - 0.5);
    expect(world.checkContact()?.site).toBe(k);
    clock.advance(10);
    const later = wafer.optimumAt(k, clock.now_s());
    expect(Math.hypot(later.x_um - o.x_um, later.y_um - o.y_um)).toBeGreaterThan(5);
  });
});

describe('VirtualBench world option', () => {
  it('keeps the chip world the default, with the same draws as before', () => {
    const plain = new VirtualBench({ seed: 11 });
    const chip = new VirtualBench({ seed: 11, world: 'chip' });
    expect(plain.world).toBe('chip');
    expect(plain.truth().wafer).toBeNull();
    expect(plain.truth().optical).toEqual(chip.truth().optical);
    expect(plain.truth().optical.sites).toHaveLength(4);
    expect(() => plain.waferTruth()).toThrow("VirtualBench.waferTruth: this bench is the chip world; open it with { world: 'wafer' }");
  });

  it('serves the wafer with the same optical chain, and truth accessors by die name and site', () => {
    const chip = new VirtualBench({ seed: 12 });
    const wafer = new VirtualBench({ seed: 12, world: 'wafer' });
    const [c, w] = [chip.truth().optical, wafer.truth().optical];
    expect(w.laser).toEqual(c.laser);
    expect(w.voa).toEqual(c.voa);
    expect(w.receiver).toEqual(c.receiver);
    expect(w.sites).toEqual([]);
    expect(w.optimaNow_um).toEqual([]);
    const t = wafer.waferTruth();
    expect(t.deadDies).toHaveLength(WAFER_DEAD_DIES);
    expect(t.highLossDies).toHaveLength(WAFER_HIGH_LOSS_DIES);
    expect(wafer.truth().wafer).toEqual(t);
    const o = wafer.waferSiteOptimum('C05R07', 'B');
    expect(o.x_um).toBeCloseTo(wafer.waferSite('C05R07', 'B').optimum_um.x_um, 9);
    expect(Math.abs(o.x_um - (3000 + 5000 - 125))).toBeLessThan(200);
    expect(() => wafer.waferSiteOptimum('C05R07', 'Q')).toThrow("site 'Q' must be one of A, B, C, D");
    expect(() => wafer.waferSite('X1', 'A')).toThrow("die name 'X1' must look like C07R03");
  });

  it('refuses an unknown world', () => {
    expect(() => new VirtualBench({ world: 'moon' as 'chip' })).toThrow("VirtualBench: world must be 'chip' or 'wafer', got 'moon'");
  });
});
