// Tilt (V, about Y) of a fiber array from one Z line (pure logic): with the pivot at the facet centre a
// turn δ in V lowers the fiber s µm along the array by s·sin δ (pose.ts's convention: R = Rz·Ry·Rx), so
// the channels' own gap optima on a Z line (each channel fitted on its own, array-fly-search.ts) lie on a
// straight line across the array, of slope m, and the turn that levels them is δ = −asin m ≈ −atan m.
// The gap barely changes the coupling (a few hundredths of a dB over the Z line), so a channel's vertex
// is uncertain by micrometres: the slope is used only when it stands out of its own scatter, else V
// stays where it is — a V line costs a quarter second for a few hundredths of a dB.
import type { ChannelLineFit } from './array-fly-search.ts';

/** A slope is used when it is this many of its standard errors from zero... */
export const TILT_SIGNIFICANCE = 3;
/** ...from at least this many channels, and known to this (degrees: a quarter of the issue's ±0.2° starts). */
export const MIN_TILT_CHANNELS = 5;
export const MAX_TILT_SIGMA_DEG = 0.05;
/** The largest tilt correction taken from one Z line, degrees (the starts are within ±0.2°). */
export const MAX_TILT_STEP_DEG = 0.5;

export interface TiltEstimate {
  /** Correction to V, degrees (0 when the slope does not stand out). */
  dV_deg: number;
  /** The V turn that would level the channels' gap optima and its standard error, degrees (NaN with fewer than three usable channels). */
  tilt_deg: number;
  sigma_deg: number;
  used: number;
}

/**
 * From each channel's Z-line fit and its place along the array (µm from the pivot): the channels whose
 * parabola opens downwards with its vertex inside `span` of the line's centre, their vertices regressed
 * on their places.
 */
export function tiltFromGapOptima(fits: readonly ChannelLineFit[], places_um: readonly number[], span: number): TiltEstimate {
  const pts = fits
    .filter((f) => f.c < 0)
    .map((f) => ({ s: places_um[f.index] as number, z: f.centre - f.b / (2 * f.c) }))
    .filter((p) => Number.isFinite(p.s) && Math.abs(p.z - (fits[0]?.centre ?? 0)) <= span);
  const none = { dV_deg: 0, tilt_deg: Number.NaN, sigma_deg: Number.NaN, used: pts.length };
  if (pts.length < 3) return none;
  const n = pts.length;
  const ms = pts.reduce((a, p) => a + p.s, 0) / n;
  const mz = pts.reduce((a, p) => a + p.z, 0) / n;
  const sxx = pts.reduce((a, p) => a + (p.s - ms) ** 2, 0);
  if (!(sxx > 0)) return none;
  const m = pts.reduce((a, p) => a + (p.s - ms) * (p.z - mz), 0) / sxx;
  const resid = pts.reduce((a, p) => a + (p.z - mz - m * (p.s - ms)) ** 2, 0);
  const se = Math.sqrt(resid / Math.max(1, n - 2) / sxx);
  const deg = 180 / Math.PI;
  const tilt = -Math.atan(m) * deg;
  const sigma = Math.atan(se) * deg;
  const use = n >= MIN_TILT_CHANNELS && sigma <= MAX_TILT_SIGMA_DEG && Math.abs(m) > TILT_SIGNIFICANCE * se;
  return { dV_deg: use ? Math.max(-MAX_TILT_STEP_DEG, Math.min(MAX_TILT_STEP_DEG, tilt)) : 0, tilt_deg: tilt, sigma_deg: sigma, used: n };
}
