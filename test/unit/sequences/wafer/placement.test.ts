import { describe, expect, it } from 'vitest';
import normal from '@stdlib/random-base-normal';
import { fitPlacement, planeAt, predictSite, type SiteObservation } from '../../../../sequences/wafer/placement.ts';

const C = { x: 12_500, y: 12_500 };
/** A hidden placement: offset (80, −45) µm, rotation 0.1°, and a tilted height plane. */
function truth(n: { x: number; y: number }) {
  const t = (0.1 * Math.PI) / 180;
  const dx = n.x - C.x;
  const dy = n.y - C.y;
  return { x: C.x + dx * Math.cos(t) - dy * Math.sin(t) + 80, y: C.y + dx * Math.sin(t) + dy * Math.cos(t) - 45, z: 5021 + 1e-4 * n.x - 2e-4 * n.y };
}
function site(key: string, x: number, y: number, noise = { x: 0, y: 0 }): SiteObservation {
  const t = truth({ x, y });
  return { key, nominal: { x, y }, found: { x: t.x + noise.x, y: t.y + noise.y }, z_um: t.z };
}

describe('placement learning', () => {
  it('knows nothing before any site', () => {
    expect(fitPlacement([], C, 5020)).toBeNull();
  });

  it('one site gives the offset only', () => {
    const f = fitPlacement([site('a', 12_500, 12_500)], C, 5020)!;
    expect(f.offset_um.x).toBeCloseTo(80, 3);
    expect(f.rotation_deg).toBe(0);
    expect(f.planeSites).toBe(1);
  });

  it('recovers offset, rotation and plane from reference sites spread over the wafer, and predicts within 0.1 µm', () => {
    const sites = [site('a', 7000, 12_000), site('b', 18_000, 13_000), site('c', 12_000, 7000), site('d', 13_000, 18_000)];
    const f = fitPlacement(sites, C, 5020)!;
    expect(f.offset_um.x).toBeCloseTo(80, 1);
    expect(f.offset_um.y).toBeCloseTo(-45, 1);
    expect(f.rotation_deg).toBeCloseTo(0.1, 3);
    expect(f.plane.ax).toBeCloseTo(1e-4, 6);
    expect(f.plane.ay).toBeCloseTo(-2e-4, 6);
    const p = predictSite(f, { x: 4000, y: 21_000 }, C);
    const t = truth({ x: 4000, y: 21_000 });
    expect(Math.hypot(p.x - t.x, p.y - t.y)).toBeLessThan(0.1);
    expect(p.z).toBeCloseTo(t.z, 2);
    expect(f.rms_residual_um).toBeLessThan(0.05);
  });

  it('leaves a far outlier out of the fit and reports its residual', () => {
    const sites = [site('a', 7000, 12_000, { x: 1, y: -1 }), site('b', 18_000, 13_000, { x: -1, y: 1 }), site('c', 12_000, 7000), site('d', 13_000, 18_000), site('bad', 9000, 9000, { x: 40, y: 0 })];
    const f = fitPlacement(sites, C, null)!;
    expect(f.sites).toBe(4);
    expect(f.offset_um.x).toBeCloseTo(80, 0);
    expect(f.residuals.find((r) => r.key === 'bad')!.dx_um).toBeGreaterThan(35);
    expect(f.planeSites).toBe(5);
  });

  it('without heights the plane is the nominal height, flat, and predictions carry no z', () => {
    const f = fitPlacement([{ key: 'a', nominal: { x: 1, y: 1 }, found: { x: 2, y: 1 } }], C, 5020)!;
    expect(f.plane).toEqual({ z0_um: 5020, ax: 0, ay: 0 });
    expect(predictSite(f, { x: 10, y: 10 }, C).z).toBeUndefined();
  });

  it('fits the height plane robustly from noisy heights: slopes, z0 at stage (0, 0), a proud die left out, residuals per site', () => {
    const g = normal.factory(0, 1, { seed: 11 });
    const sites: SiteObservation[] = [];
    for (let col = 0; col < 8; col++) {
      for (let row = 0; row < 8; row++) {
        const x = 6000 + col * 1000, y = 6000 + row * 1000;
        const s = site(`d${col}${row}`, x, y);
        sites.push({ ...s, z_um: (s.z_um as number) + 2 * g(), z_sigma_um: 2 });
      }
    }
    // A height 25 µm off (a bad height fit): the plane must not lean towards it.
    const bad = sites[27] as SiteObservation;
    bad.z_um = (bad.z_um as number) + 25;
    const f = fitPlacement(sites, C, 5020)!;
    expect(f.planeSites).toBe(63);
    expect(f.plane_sites).toBe(63);
    // 64 heights of σ 2 µm over 7 mm: slopes to ~1e-4 µm/µm (3σ), the plane at the centre to ~0.8 µm.
    expect(f.plane.ax).toBeCloseTo(1e-4, 3);
    expect(f.plane.ay).toBeCloseTo(-2e-4, 3);
    expect(Math.abs(planeAt(f.plane, C) - truth(C).z)).toBeLessThan(0.8);
    expect(f.plane_rms_um).toBeGreaterThan(1.4);
    expect(f.plane_rms_um).toBeLessThan(2.6);
    const r = f.residuals.find((x) => x.key === bad.key)!;
    expect(r.dz_um).toBeGreaterThan(20);
    expect(f.residuals.every((x) => x.dz_um !== undefined)).toBe(true);
  });

  it('weights each height by its σ: a vague height moves the plane less than a sure one', () => {
    const a = site('a', 7000, 12_000), b = site('b', 18_000, 13_000), c = site('c', 12_000, 7000), d = site('d', 13_000, 18_000);
    const sure = [a, b, c, d].map((s) => ({ ...s, z_sigma_um: 0.5 }));
    const off = { ...site('e', 12_000, 12_000), z_sigma_um: 0.5 };
    off.z_um = (off.z_um as number) + 1.5;
    const vague = { ...off, z_sigma_um: 5 };
    const withSure = fitPlacement([...sure, off], C, null)!;
    const withVague = fitPlacement([...sure, vague], C, null)!;
    const at = (f: NonNullable<ReturnType<typeof fitPlacement>>): number => planeAt(f.plane, { x: 12_000, y: 12_000 }) - truth({ x: 12_000, y: 12_000 }).z;
    expect(at(withSure)).toBeGreaterThan(0.2);
    expect(Math.abs(at(withVague))).toBeLessThan(0.05);
  });

  it('with heights from sites all in one row the plane stays flat at their mean (no slope it cannot see)', () => {
    const row = [site('a', 7000, 12_000), site('b', 9000, 12_000), site('c', 11_000, 12_000)];
    const f = fitPlacement(row, C, 5020)!;
    expect(f.plane.ax).toBe(0);
    expect(f.plane.ay).toBe(0);
    expect(f.plane.z0_um).toBeCloseTo(row.reduce((s, r) => s + (r.z_um as number), 0) / 3, 6);
  });

  it('says how well the plane knows a height: unknown from three heights, shrinking as √n with more, larger far out', () => {
    const g = normal.factory(0, 1, { seed: 23 });
    const noisy = (k: number, x: number, y: number): SiteObservation => {
      const s = site(`s${k}`, x, y);
      return { ...s, z_um: (s.z_um as number) + 2 * g(), z_sigma_um: 2 };
    };
    const three = fitPlacement([noisy(0, 7000, 7000), noisy(1, 18_000, 7000), noisy(2, 12_000, 18_000)], C, 5020)!;
    expect(three.planeSigmaAt(C)).toBe(Infinity);
    const grid = (n: number): SiteObservation[] => Array.from({ length: n * n }, (_, k) => noisy(k, 7000 + (11_000 * (k % n)) / (n - 1), 7000 + (11_000 * Math.floor(k / n)) / (n - 1)));
    const s16 = fitPlacement(grid(4), C, 5020)!.planeSigmaAt(C);
    const s64 = fitPlacement(grid(8), C, 5020)!.planeSigmaAt(C);
    // σ 2 µm per height: about 2/√16 = 0.5 and 2/√64 = 0.25 µm at the centre.
    expect(s16).toBeGreaterThan(0.3);
    expect(s16).toBeLessThan(0.8);
    expect(s64 / s16).toBeGreaterThan(0.35);
    expect(s64 / s16).toBeLessThan(0.7);
    const f = fitPlacement(grid(8), C, 5020)!;
    expect(f.planeSigmaAt({ x: 2000, y: 2000 })).toBeGreaterThan(f.planeSigmaAt(C));
  });
});
