// Where the wafer lies, learned from the sites aligned so far (pure): an offset and a rotation about the
// map's centre, by least squares over (nominal → found) site positions, and the fiber-height plane
// z = z0 + ax·x + ay·y from the heights sites were found at (when steps report them). The rotation is small
// (±0.15°), so it is fitted linearised: found − nominal = offset + θ·(−(y − cy), x − cx).
import { Matrix, solve } from 'ml-matrix';
import type { WaferPlacement } from '../wafer-events.ts';

export interface SiteObservation {
  key: string;
  nominal: { x: number; y: number };
  found: { x: number; y: number };
  /** The height the site was aligned at (stage Z), when known. */
  z_um?: number;
}

export interface PlacementFit extends WaferPlacement {
  /** found − fitted, per site (µm): the view draws them as arrows. */
  residuals: { key: string; dx_um: number; dy_um: number }[];
  /** Sites whose height the plane stands on (0: the plane is the nominal height, flat). */
  planeSites: number;
}

/** Sites further apart than this (µm) constrain the rotation; closer ones give the offset only. */
const MIN_SPREAD_UM = 500;
/** A site whose residual exceeds max(this, 3 × the median residual) is left out of the refit (a side lobe, a bad die). */
const OUTLIER_FLOOR_UM = 10;

export function fitPlacement(sites: readonly SiteObservation[], centre: { x: number; y: number }, nominalHeight_um: number | null): PlacementFit | null {
  if (sites.length === 0) return null;
  let used = [...sites];
  let fit = fitXY(used, centre);
  for (let round = 0; round < 2 && used.length > 3; round++) {
    const cut = Math.max(OUTLIER_FLOOR_UM, 3 * median(used.map((s) => residualOf(fit, s, centre))));
    const kept = used.filter((s) => residualOf(fit, s, centre) <= cut);
    if (kept.length === used.length || kept.length < 2) break;
    used = kept;
    fit = fitXY(used, centre);
  }
  const plane = fitPlane(sites.filter((s) => s.z_um !== undefined && Number.isFinite(s.z_um)), nominalHeight_um);
  const residuals = sites.map((s) => {
    const p = predictXY(fit, s.nominal, centre);
    return { key: s.key, dx_um: round3(s.found.x - p.x), dy_um: round3(s.found.y - p.y) };
  });
  return {
    offset_um: { x: round3(fit.ox), y: round3(fit.oy) }, rotation_deg: (fit.theta * 180) / Math.PI,
    plane: plane.plane, sites: used.length, rms_residual_um: round3(fit.rms), residuals, planeSites: plane.n,
  };
}

interface XYFit {
  ox: number;
  oy: number;
  theta: number;
  rms: number;
}

function fitXY(sites: readonly SiteObservation[], c: { x: number; y: number }): XYFit {
  const xs = sites.map((s) => s.nominal.x);
  const ys = sites.map((s) => s.nominal.y);
  const spread = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  let ox: number;
  let oy: number;
  let theta = 0;
  if (sites.length < 2 || spread < MIN_SPREAD_UM) {
    ox = mean(sites.map((s) => s.found.x - s.nominal.x));
    oy = mean(sites.map((s) => s.found.y - s.nominal.y));
  } else {
    const rows: number[][] = [];
    const b: number[] = [];
    for (const s of sites) {
      rows.push([1, 0, -(s.nominal.y - c.y)], [0, 1, s.nominal.x - c.x]);
      b.push(s.found.x - s.nominal.x, s.found.y - s.nominal.y);
    }
    const A = new Matrix(rows);
    // Normal equations (3 × 3): well conditioned for sites spread over the wafer.
    const At = A.transpose();
    const x = solve(At.mmul(A), At.mmul(Matrix.columnVector(b)));
    [ox, oy, theta] = [x.get(0, 0), x.get(1, 0), x.get(2, 0)];
  }
  const f = { ox, oy, theta, rms: 0 };
  f.rms = Math.sqrt(mean(sites.map((s) => residualOf(f, s, c) ** 2)));
  return f;
}

function residualOf(f: XYFit, s: SiteObservation, c: { x: number; y: number }): number {
  const p = predictXY(f, s.nominal, c);
  return Math.hypot(s.found.x - p.x, s.found.y - p.y);
}

function predictXY(f: Pick<XYFit, 'ox' | 'oy' | 'theta'>, n: { x: number; y: number }, c: { x: number; y: number }): { x: number; y: number } {
  return { x: n.x + f.ox - f.theta * (n.y - c.y), y: n.y + f.oy + f.theta * (n.x - c.x) };
}

function fitPlane(sites: readonly SiteObservation[], nominal: number | null): { plane: WaferPlacement['plane']; n: number } {
  if (sites.length === 0) return { plane: { z0_um: nominal ?? 0, ax: 0, ay: 0 }, n: 0 };
  const zs = sites.map((s) => s.z_um as number);
  const xs = sites.map((s) => s.nominal.x);
  const ys = sites.map((s) => s.nominal.y);
  const spread = Math.min(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  if (sites.length < 3 || spread < MIN_SPREAD_UM) return { plane: { z0_um: mean(zs), ax: 0, ay: 0 }, n: sites.length };
  const A = new Matrix(sites.map((s) => [1, s.nominal.x, s.nominal.y]));
  const At = A.transpose();
  const x = solve(At.mmul(A), At.mmul(Matrix.columnVector(zs)));
  return { plane: { z0_um: x.get(0, 0), ax: x.get(1, 0), ay: x.get(2, 0) }, n: sites.length };
}

/** The predicted optimum of a site from its nominal position (z: the plane there, when it stands on heights). */
export function predictSite(fit: PlacementFit, nominal: { x: number; y: number }, centre: { x: number; y: number }): { x: number; y: number; z?: number } {
  const theta = (fit.rotation_deg * Math.PI) / 180;
  const p = predictXY({ ox: fit.offset_um.x, oy: fit.offset_um.y, theta }, nominal, centre);
  if (fit.planeSites === 0) return p;
  return { ...p, z: fit.plane.z0_um + fit.plane.ax * nominal.x + fit.plane.ay * nominal.y };
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
