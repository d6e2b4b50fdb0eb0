// The peak of one line scan. Across a Gaussian coupling peak the power in dB is exactly a parabola,
// dB(u) = P0 − 8.686·(u − u0)²/R² (R the 1/e² radius of the power profile), and a meter's relative noise
// is about constant in dB, so a weighted linear least-squares parabola in dB gives the centre, the peak
// power and the radius with no starting guess. Samples near the floor carry the floor's noise and are
// weighted down; samples too far below the line's best (`window_dB`) are left out.
import { linearLeastSquares, scaledCovariance, standardErrors } from '../../../models/fits/least-squares.ts';

/** 10·log10(e)·2: dB(u) = P0 − DB_PER_RADIUS2·(u − u0)²/R². */
export const DB_PER_RADIUS2 = 20 / Math.LN10;

export interface LineSample {
  position_um: number;
  power_dBm: number;
}

export interface LinePeakOptions {
  /** The meter's floor for these samples, dBm: samples within `floorMargin_dB` of it are not used. */
  floor_dBm: number;
  floorMargin_dB?: number;
  /** Keep samples within this many dB of the best one (default 20). */
  window_dB?: number;
  /** Relative noise of one sample (default 3 %), for the weights. */
  relativeNoise?: number;
}

export interface LinePeak {
  /** Centre of the peak along the line, µm (the best sample's position when no parabola could be fitted). */
  centre_um: number;
  /** Standard uncertainty of the centre, µm (Infinity when not fitted). */
  sigma_um: number;
  peak_dBm: number;
  /** Standard uncertainty of peak_dBm from the fit (Infinity when not fitted), dB. */
  peakSigma_dB: number;
  /** 1/e² radius of the power profile, µm (NaN when not fitted). */
  radius_um: number;
  /** A parabola was fitted (enough samples with curvature); otherwise centre and peak are the best sample's. */
  fitted: boolean;
  /** The centre lies inside the span of the samples used. */
  inside: boolean;
  /** Samples the fit used. */
  used: number;
  best: LineSample;
}

/** Noise in dB of a reading P (linear) with relative noise r on top of dark noise at a third of the floor. */
function sigma_dB(power_dBm: number, floor_dBm: number, rel: number): number {
  const dark = 10 ** ((floor_dBm - power_dBm) / 10) / 3;
  return (10 / Math.LN10) * Math.hypot(rel, dark);
}

/** The peak of a line scan; undefined when no sample stands above the floor margin. */
export function fitLinePeak(samples: readonly LineSample[], opts: LinePeakOptions): LinePeak | undefined {
  const margin = opts.floorMargin_dB ?? 3;
  const windowDb = opts.window_dB ?? 20;
  const rel = opts.relativeNoise ?? 0.03;
  const finite = samples.filter((s) => Number.isFinite(s.power_dBm) && Number.isFinite(s.position_um));
  let best: LineSample | undefined;
  for (const s of finite) if (!best || s.power_dBm > best.power_dBm) best = s;
  if (!best || best.power_dBm < opts.floor_dBm + margin) return undefined;
  const cut = Math.max(opts.floor_dBm + margin, best.power_dBm - windowDb);
  const used = finite.filter((s) => s.power_dBm >= cut);
  const fallback: LinePeak = {
    centre_um: best.position_um, sigma_um: Infinity, peak_dBm: best.power_dBm, peakSigma_dB: Infinity, radius_um: NaN,
    fitted: false, inside: true, used: used.length, best,
  };
  const lo = Math.min(...used.map((s) => s.position_um)), hi = Math.max(...used.map((s) => s.position_um));
  if (used.length < 5 || !(hi - lo > 0)) return fallback;
  // Centred and scaled abscissa keeps the normal equations well conditioned.
  const mid = (lo + hi) / 2, half = (hi - lo) / 2;
  const design = used.map((s) => {
    const u = (s.position_um - mid) / half;
    return [1, u, u * u];
  });
  const result = linearLeastSquares(design, used.map((s) => s.power_dBm), used.map((s) => sigma_dB(s.power_dBm, opts.floor_dBm, rel)));
  if (!result) return fallback;
  const [c0 = 0, c1 = 0, c2 = 0] = result.parameters;
  const se = standardErrors(scaledCovariance(result, true));
  // Curvature must be negative beyond its noise, or there is no peak to speak of on this line.
  if (!(c2 < 0 && -c2 > 3 * (se[2] ?? Infinity))) return fallback;
  const cov = scaledCovariance(result, true);
  const u0 = -c1 / (2 * c2);
  // σ(u0) by linear propagation: ∂u0/∂c1 = −1/(2c2), ∂u0/∂c2 = c1/(2c2²).
  const d1 = -1 / (2 * c2), d2 = c1 / (2 * c2 * c2);
  const var1 = cov[1]?.[1] ?? 0, var2 = cov[2]?.[2] ?? 0, cov12 = cov[1]?.[2] ?? 0;
  const sigmaU = Math.sqrt(Math.max(0, d1 * d1 * var1 + d2 * d2 * var2 + 2 * d1 * d2 * cov12));
  const centre_um = mid + u0 * half;
  // σ(peak) likewise: peak = c0 − c1²/(4c2), gradient (1, −c1/(2c2), c1²/(4c2²)).
  const g = [1, -c1 / (2 * c2), (c1 * c1) / (4 * c2 * c2)];
  let varPeak = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) varPeak += (g[i] as number) * (g[j] as number) * (cov[i]?.[j] ?? 0);
  const peak_dBm = c0 - (c1 * c1) / (4 * c2);
  return {
    centre_um,
    sigma_um: sigmaU * half,
    peak_dBm,
    peakSigma_dB: Math.sqrt(Math.max(0, varPeak)),
    radius_um: half * Math.sqrt(DB_PER_RADIUS2 / -c2),
    fitted: true,
    inside: centre_um >= lo && centre_um <= hi,
    used: used.length,
    best,
  };
}
