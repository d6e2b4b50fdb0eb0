// Where the wafer lies, learned from the sites aligned so far (pure): an offset and a rotation about the
// map's centre, by least squares over (nominal → found) site positions, and the fiber-height plane
// z = z0 + ax·x + ay·y from the heights sites were found at (an align's height scan reports `z_um` and its σ).
// The rotation is small (±0.15°), so it is fitted linearised: found − nominal = offset + θ·(−(y − cy), x − cx).
// The plane is fitted about the map's centre (well conditioned), weighted by each height's σ, and robustly:
// heights far off the plane (a bad height fit, a die standing proud) are left out of a refit, as the XY
// outliers are. z0 is then the plane at stage (0, 0), as the events and run.json give it.
import { inverse, Matrix, solve } from 'ml-matrix';
import type { WaferPlacement } from '../wafer-events.ts';

export interface SiteObservation {
  key: string;
  nominal: { x: number; y: number };
  found: { x: number; y: number };
  /** The height the site was aligned at (stage Z), when known. */
  z_um?: number;
  /** That height's standard uncertainty (µm), when known: the plane weights each height by it. */
  z_sigma_um?: number;
}

export interface PlacementFit extends WaferPlacement {
  /** found − fitted, per site (µm): the view draws them as arrows; dz_um for sites with a height. */
  residuals: { key: string; dx_um: number; dy_um: number; dz_um?: number }[];
  /** Sites whose height the plane stands on (0: the plane is the nominal height, flat). */
  planeSites: number;
  /** The plane's standard uncertainty at a nominal position (µm; Infinity while too few heights say). */
  planeSigmaAt(n: { x: number; y: number }): number;
}

/** Sites further apart than this (µm) constrain the rotation; closer ones give the offset only. */
const MIN_SPREAD_UM = 500;
/** A site whose residual exceeds max(this, 3 × the median residual) is left out of the refit (a side lobe, a bad die). */
const OUTLIER_FLOOR_UM = 10;
/** The same for heights (µm): a height scan's σ is a few µm (the gap coupling is flat near its best). */
const PLANE_OUTLIER_FLOOR_UM = 2;
/**
 * Heights further off the plane than this many median absolute residuals are left out: 5 × (0.67σ of a normal
 * scatter) ≈ 3.4σ, so the scatter of good heights is kept whole (3 × would cut one in twenty of them).
 */
const PLANE_OUTLIER_MEDIANS = 5;
/** A height's σ is taken as at least this (µm), so no single lucky fit outweighs the rest. */
const MIN_Z_SIGMA_UM = 0.5;

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
  const plane = fitPlaneRobust(sites.filter(hasHeight), centre, nominalHeight_um);
  const residuals = sites.map((s) => {
    const p = predictXY(fit, s.nominal, centre);
    const dz = hasHeight(s) && plane.n > 0 ? { dz_um: round3(s.z_um - planeAt(plane.plane, s.nominal)) } : {};
    return { key: s.key, dx_um: round3(s.found.x - p.x), dy_um: round3(s.found.y - p.y), ...dz };
  });
  return {
    offset_um: { x: round3(fit.ox), y: round3(fit.oy) }, rotation_deg: (fit.theta * 180) / Math.PI,
    plane: plane.plane, sites: used.length, rms_residual_um: round3(fit.rms), residuals, planeSites: plane.n, planeSigmaAt: plane.sigmaAt,
    ...(plane.n > 0 ? { plane_sites: plane.n, plane_rms_um: round3(plane.rms) } : {}),
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

function hasHeight(s: SiteObservation): s is SiteObservation & { z_um: number } {
  return s.z_um !== undefined && Number.isFinite(s.z_um);
}

type Plane = WaferPlacement['plane'];
type HeightSite = SiteObservation & { z_um: number };

export function planeAt(p: Plane, n: { x: number; y: number }): number {
  return p.z0_um + p.ax * n.x + p.ay * n.y;
}

/** The plane over the heights, outliers (max(2 µm, 5 × the median |residual|)) left out of up to two refits. */
function fitPlaneRobust(sites: readonly HeightSite[], c: { x: number; y: number }, nominal: number | null): PlaneFit & { n: number; rms: number } {
  if (sites.length === 0) return { plane: { z0_um: nominal ?? 0, ax: 0, ay: 0 }, sigmaAt: () => Infinity, n: 0, rms: 0 };
  let used = [...sites];
  let fit = fitPlane(used, c);
  for (let round = 0; round < 2 && used.length > 3; round++) {
    const cut = Math.max(PLANE_OUTLIER_FLOOR_UM, PLANE_OUTLIER_MEDIANS * median(used.map((s) => Math.abs(s.z_um - planeAt(fit.plane, s.nominal)))));
    const kept = used.filter((s) => Math.abs(s.z_um - planeAt(fit.plane, s.nominal)) <= cut);
    if (kept.length === used.length || kept.length < 1) break;
    used = kept;
    fit = fitPlane(used, c);
  }
  const rms = Math.sqrt(mean(used.map((s) => (s.z_um - planeAt(fit.plane, s.nominal)) ** 2)));
  return { ...fit, n: used.length, rms };
}

interface PlaneFit {
  plane: Plane;
  sigmaAt(n: { x: number; y: number }): number;
}

/**
 * Weighted least squares of z = zc + ax·(x − cx) + ay·(y − cy); the slopes only where the sites span the
 * wafer in both directions (3 or more, MIN_SPREAD_UM apart), else the weighted mean height, flat. The
 * uncertainty at a point: the parameters' covariance (AᵀWA)⁻¹ scaled by the heights' own scatter about the
 * plane (reduced χ²), so σs that are too hopeful do not make the plane look surer than its heights are.
 */
function fitPlane(sites: readonly HeightSite[], c: { x: number; y: number }): PlaneFit {
  const w = sites.map((s) => 1 / Math.max(MIN_Z_SIGMA_UM, s.z_sigma_um ?? MIN_Z_SIGMA_UM) ** 2);
  const xs = sites.map((s) => s.nominal.x);
  const ys = sites.map((s) => s.nominal.y);
  const spread = Math.min(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const wsum = w.reduce((a, b) => a + b, 0);
  if (sites.length < 3 || spread < MIN_SPREAD_UM) {
    const z = sites.reduce((a, s, i) => a + (w[i] as number) * s.z_um, 0) / wsum;
    const chi2 = sites.reduce((a, s, i) => a + (w[i] as number) * (s.z_um - z) ** 2, 0);
    const sigma = sites.length > 1 ? Math.sqrt(chi2 / (sites.length - 1) / wsum) : Infinity;
    return { plane: { z0_um: z, ax: 0, ay: 0 }, sigmaAt: () => sigma };
  }
  const sq = w.map(Math.sqrt);
  const A = new Matrix(sites.map((s, i) => [1, s.nominal.x - c.x, s.nominal.y - c.y].map((v) => v * (sq[i] as number))));
  const b = Matrix.columnVector(sites.map((s, i) => s.z_um * (sq[i] as number)));
  const At = A.transpose();
  const normal = At.mmul(A);
  const x = solve(normal, At.mmul(b));
  const [zc, ax, ay] = [x.get(0, 0), x.get(1, 0), x.get(2, 0)];
  const plane = { z0_um: zc - ax * c.x - ay * c.y, ax, ay };
  const chi2 = sites.reduce((a, s, i) => a + (w[i] as number) * (s.z_um - planeAt(plane, s.nominal)) ** 2, 0);
  const dof = sites.length - 3;
  const cov = dof > 0 ? inverse(normal).mul(chi2 / dof) : null;
  const sigmaAt = (n: { x: number; y: number }): number => {
    if (!cov) return Infinity;
    const v = [1, n.x - c.x, n.y - c.y];
    let s2 = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s2 += (v[i] as number) * cov.get(i, j) * (v[j] as number);
    return Math.sqrt(Math.max(0, s2));
  };
  return { plane, sigmaAt };
}

/** The predicted optimum of a site from its nominal position (z: the plane there, when it stands on heights). */
export function predictSite(fit: PlacementFit, nominal: { x: number; y: number }, centre: { x: number; y: number }): { x: number; y: number; z?: number; z_sigma?: number } {
  const theta = (fit.rotation_deg * Math.PI) / 180;
  const p = predictXY({ ox: fit.offset_um.x, oy: fit.offset_um.y, theta }, nominal, centre);
  if (fit.planeSites === 0) return p;
  return { ...p, z: planeAt(fit.plane, nominal), z_sigma: fit.planeSigmaAt(nominal) };
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
