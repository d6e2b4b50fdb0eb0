// The best fiber height from a Z scan at the aligned XY (pure). The gap coupling of two Gaussian modes falls
// off slowly with the gap (a few µm cost hundredths of a dB: the beam's Rayleigh range is ~55 µm), so in dB it
// is a shallow parabola around its best height; on top rides the Fabry–Perot ripple of the cavity between the
// fiber facet and the chip, periodic in the gap with period λ/2. The ripple is larger than the parabola's
// drop over a scan of a few µm, so it is fitted with it, at the period λ/2 of the meter's wavelength:
//   dB(z) = c0 + c1·u + c2·u² + s·sin(4πz/λ) + c·cos(4πz/λ),   u = z − the scan's middle,
// linear least squares, the vertex u* = −c1 / (2·c2). Without the wavelength the ripple terms are left out.
// With the mode radii known (the lateral alignment measured the chip's), the curve's shape is not fitted:
// dB(z) = c0 + G(|z − z*|) + ripple, G the Gaussian-beam gap coupling in dB (models/coupling.ts), and z* is
// found by profile least squares (c0 and the ripple linear at each z*, z* on a grid, then refined). A fitted
// c2 under noise makes −c1/(2·c2) skewed, and a parabola for G leans the vertex towards the far side of a
// span that is not centred on it (G grows slower than d² away from the best gap).
import { gapCoupling } from '../../../models/coupling.ts';
import { linearLeastSquares, scaledCovariance } from '../../../models/fits/least-squares.ts';

export interface HeightSample {
  z_um: number;
  power_dBm: number;
}

export interface HeightPeak {
  /** The best height (the parabola's vertex), µm; NaN when no downward parabola was fitted. */
  z_um: number;
  /** Its standard uncertainty, µm (Infinity when not fitted). */
  sigma_um: number;
  /** A downward parabola was fitted. */
  fitted: boolean;
  /** The vertex lies within the scanned span. */
  inside: boolean;
  /** The scanned span (of the samples used), µm. */
  span: { lo_um: number; hi_um: number };
  /** Curvature c2, dB/µm² (negative at a peak). */
  curvature_dB_um2: number;
  /** Samples used. */
  points: number;
}

/** Fewer samples than this give no fit (5 parameters and enough to judge their spread). */
const MIN_POINTS = 12;

/**
 * The coupled power's change in dB at `d` µm from the best gap (≤ 0): Gaussian-beam gap coupling
 * (models/coupling.ts) of a fiber and a chip mode, `couplers` times (2 for a loopback: in and out).
 */
export function gapProfile_dB(fiberMode_um: number, chipMode_um: number, wavelength_nm: number, couplers: number): (d_um: number) => number {
  return (d) => couplers * 10 * Math.log10(gapCoupling(fiberMode_um, chipMode_um, Math.abs(d), wavelength_nm));
}

export interface HeightFitOptions {
  wavelength_nm?: number;
  /** The known shape of the peak (gapProfile_dB): a free parabola is fitted only when absent. */
  profile_dB?: (d_um: number) => number;
  /** How far beyond the span z* is looked for (with a known profile), µm; default half the span. */
  beyond_um?: number;
}

/** Grid step of the profile search, µm (then refined by a parabola through the three best). */
const GRID_UM = 0.1;

export function fitHeightPeak(samples: readonly HeightSample[], opts: HeightFitOptions = {}): HeightPeak {
  const { wavelength_nm, profile_dB } = opts;
  const used = samples.filter((s) => Number.isFinite(s.z_um) && Number.isFinite(s.power_dBm));
  const zs = used.map((s) => s.z_um);
  const span = { lo_um: zs.length ? Math.min(...zs) : NaN, hi_um: zs.length ? Math.max(...zs) : NaN };
  const none: HeightPeak = { z_um: NaN, sigma_um: Infinity, fitted: false, inside: false, span, curvature_dB_um2: NaN, points: used.length };
  if (used.length < MIN_POINTS || !(span.hi_um - span.lo_um > 0)) return none;
  const mid = (span.lo_um + span.hi_um) / 2;
  const k = wavelength_nm && wavelength_nm > 0 ? (4 * Math.PI) / (wavelength_nm * 1e-3) : undefined;
  if (profile_dB) return profileFit(used, span, profile_dB, k, opts.beyond_um ?? (span.hi_um - span.lo_um) / 2);
  const design = used.map((s) => {
    const u = s.z_um - mid;
    return k === undefined ? [1, u, u * u] : [1, u, u * u, Math.sin(k * s.z_um), Math.cos(k * s.z_um)];
  });
  const fit = linearLeastSquares(design, used.map((s) => s.power_dBm));
  if (!fit) return none;
  const cov = scaledCovariance(fit, false);
  const [, c1, c2] = fit.parameters as [number, number, number];
  if (!(c2 < 0)) return { ...none, curvature_dB_um2: c2 };
  const u = -c1 / (2 * c2);
  // Error propagation through u* = −c1/(2·c2): ∂u/∂c1 = −1/(2·c2), ∂u/∂c2 = c1/(2·c2²).
  const g1 = -1 / (2 * c2);
  const g2 = c1 / (2 * c2 * c2);
  const v11 = cov[1]?.[1] ?? Infinity, v22 = cov[2]?.[2] ?? Infinity, v12 = cov[1]?.[2] ?? 0;
  const sigma = Math.sqrt(Math.max(0, g1 * g1 * v11 + g2 * g2 * v22 + 2 * g1 * g2 * v12));
  const z = mid + u;
  return { z_um: z, sigma_um: sigma, fitted: true, inside: z >= span.lo_um && z <= span.hi_um, span, curvature_dB_um2: c2, points: used.length };
}

/** z* by profile least squares over [lo − beyond, hi + beyond]; σ from the residual sum's curvature there. */
function profileFit(used: readonly HeightSample[], span: HeightPeak['span'], profile: (d: number) => number, k: number | undefined, beyond_um: number): HeightPeak {
  const rss = (zc: number): number => {
    const design = used.map((s) => (k === undefined ? [1] : [1, Math.sin(k * s.z_um), Math.cos(k * s.z_um)]));
    const y = used.map((s) => s.power_dBm - profile(s.z_um - zc));
    const f = linearLeastSquares(design, y);
    return f ? f.chiSquare : Infinity;
  };
  const from = span.lo_um - beyond_um;
  const n = Math.max(2, Math.round((span.hi_um + beyond_um - from) / GRID_UM));
  const values: number[] = [];
  let best = 0;
  for (let i = 0; i <= n; i++) {
    values.push(rss(from + i * GRID_UM));
    if ((values[i] as number) < (values[best] as number)) best = i;
  }
  const failed: HeightPeak = { z_um: NaN, sigma_um: Infinity, fitted: false, inside: false, span, curvature_dB_um2: NaN, points: used.length };
  // At an end of the grid the minimum may lie further out: not a fit.
  if (best === 0 || best === n || !Number.isFinite(values[best] as number)) return failed;
  const [a, b, c] = [values[best - 1] as number, values[best] as number, values[best + 1] as number];
  const second = (a - 2 * b + c) / (GRID_UM * GRID_UM);
  if (!(second > 0)) return failed;
  const z = from + best * GRID_UM + (GRID_UM * (a - c)) / (2 * (a - 2 * b + c));
  const dof = used.length - (k === undefined ? 2 : 4);
  const s2 = rss(z) / Math.max(1, dof);
  // RSS(z) ≈ RSS* + ½·RSS''·δ²: one σ where RSS has risen by s² (the noise variance per sample).
  const sigma = Math.sqrt((2 * s2) / second);
  const curvature = (profile(1) + profile(-1) - 2 * profile(0)) / 2;
  return { z_um: z, sigma_um: sigma, fitted: true, inside: z >= span.lo_um && z <= span.hi_um, span, curvature_dB_um2: curvature, points: used.length };
}
