// The fly timing's residual lag, read from the data. Each sample is placed on the trajectory from when
// the log and the move are thought to have started; if the stage actually runs λ later, every sample
// sits λ·v too far along its motion. The mechanical play shifts samples too, by half the play in the
// direction of motion whatever the speed. One 2-D Gaussian fit with both as parameters — position
// corrected by λ·v and by β_axis·sign(v) — tells them apart wherever the data has motion both ways and
// at several speeds (a line crossing the peak while it accelerates or brakes); weak priors keep them at
// zero where it has not. Used once the approach has run back over the peak.
// Where every crossing of an axis ran at one speed each way, lag × speed and the play shift that axis
// alike: the fit then finds the fiber's centre well but splits the shift between lag and play by the
// priors and by small misfits, however small its σ. The final move needs the play (the motor stops half
// of it beyond the fiber), so the split must come from the data: `separable` says whether it does.
import { nonlinearLeastSquares, scaledCovariance, standardErrors } from '../../../models/fits/least-squares.ts';
import type { FlySample, FlySegment } from './fly.ts';
import type { Point_um } from './paths.ts';

export interface TimingFit {
  /** Where the fiber (its true position) couples best, µm. */
  centre: Point_um;
  radius_um: number;
  /** How much later the stage ran than the timing estimate, s, and its standard uncertainty. */
  lag_s: number;
  lagSigma_s: number;
  /** Half the mechanical play per axis (the fiber lags its motor by this in the direction of motion), µm. */
  halfPlay_um: { x: number; y: number };
  /** The lag is beyond both its uncertainty and what timing noise explains: the estimates were off. */
  significant: boolean;
  /** Correlation of the lag with each axis's play in the fit (±1: the data cannot tell them apart). */
  lagPlayCorrelation: { x: number; y: number };
  /** The data tells lag from play on both axes (|correlation| below SEPARABLE_CORRELATION). */
  separable: boolean;
}

export interface TimingFitOptions {
  /** Samples within this many dB of the brightest are used (default 15). */
  window_dB?: number;
  /** A lag shorter than this counts as timing noise, s (default 0.2 ms). */
  min_s?: number;
  /** A lag must stand this many standard uncertainties clear of zero (default 6: false alarms cost accuracy). */
  significance?: number;
  /** Relative noise of one logged sample (default 5 %). */
  relativeNoise?: number;
}

/** Below this the axis counts as at rest (its play then unknown here: no correction), µm/s. */
const MOVING_UM_S = 50;
/** Prior widths: the lag within a few ms, half the play within a micrometre. */
const LAG_PRIOR_MS = 3;
const HALF_PLAY_PRIOR_UM = 1;
/**
 * Above this |correlation| of the lag with an axis's play the design counts as degenerate: an error in
 * the shift the data does pin (model misfit, noise) is amplified 1/√(1−ρ²) ≥ 3.2× into each of them.
 */
export const SEPARABLE_CORRELATION = 0.95;

const sgn = (v: number): number => (Math.abs(v) > MOVING_UM_S ? Math.sign(v) : 0);

/**
 * Fits the peak with the timing lag and the play as parameters, starting from `guess` (the one-way
 * refinement's centre and radius). Undefined when the data does not determine it.
 */
export function fitTiming(segments: readonly FlySegment[], floor_dBm: number, guess: { centre: Point_um; radius_um: number }, o: TimingFitOptions = {}): TimingFit | undefined {
  const all = segments.flatMap((s) => s.samples).filter((s) => Number.isFinite(s.power_dBm));
  let best = -Infinity;
  for (const s of all) best = Math.max(best, s.power_dBm);
  const cut = Math.max(floor_dBm + 3, best - (o.window_dB ?? 15));
  const data = all.filter((s) => s.power_dBm >= cut);
  if (data.length < 12) return undefined;
  // Scaled parameters (order 1): centre offsets and radius in units of L, powers in units of Pm, lag in ms.
  const L = guess.radius_um, Pm = 10 ** (best / 10), floor_mW = 10 ** (floor_dBm / 10);
  const rel = o.relativeNoise ?? 0.05;
  const y = data.map((s) => 10 ** (s.power_dBm / 10) / Pm);
  const sigma = [...data.map((s) => Math.hypot(rel * 10 ** (s.power_dBm / 10), floor_mW / 3) / Pm), LAG_PRIOR_MS, HALF_PLAY_PRIOR_UM, HALF_PLAY_PRIOR_UM];
  const n = data.length;
  const geometry = (p: readonly number[], s: FlySample) => {
    const [u0 = 0, w0 = 0, a = 1, r = 1, , lam = 0, bx = 0, by = 0] = p;
    const R = r * L;
    const dx = s.x_um - lam * 1e-3 * s.vx_um_s - bx * sgn(s.vx_um_s) - (guess.centre.x_um + u0 * L);
    const dy = s.y_um - lam * 1e-3 * s.vy_um_s - by * sgn(s.vy_um_s) - (guess.centre.y_um + w0 * L);
    const E = Math.exp((-2 * (dx * dx + dy * dy)) / (R * R));
    return { dx, dy, R, E, a };
  };
  const result = nonlinearLeastSquares({
    n: n + 3,
    y: [...y, 0, 0, 0],
    sigma,
    initial: [0, 0, 1, 1, 0, 0, 0, 0],
    minValues: [-5, -5, 0, 0.2, -1, -LAG_PRIOR_MS * 3, -3, -3],
    maxValues: [5, 5, 10, 5, 1, LAG_PRIOR_MS * 3, 3, 3],
    model(p, i) {
      if (i >= n) return p[5 + (i - n)] ?? 0;
      const { E, a } = geometry(p, data[i] as FlySample);
      return (p[4] ?? 0) + a * E;
    },
    jacobian(p, i) {
      if (i >= n) return [0, 0, 0, 0, 0, i === n ? 1 : 0, i === n + 1 ? 1 : 0, i === n + 2 ? 1 : 0];
      const s = data[i] as FlySample;
      const { dx, dy, R, E, a } = geometry(p, s);
      const k = (4 * a * E) / (R * R);
      return [k * dx * L, k * dy * L, E, (k * (dx * dx + dy * dy) * L) / R, 1, k * (dx * s.vx_um_s + dy * s.vy_um_s) * 1e-3, k * dx * sgn(s.vx_um_s), k * dy * sgn(s.vy_um_s)];
    },
  });
  if (!result || !result.parameters.every(Number.isFinite)) return undefined;
  const [u0 = 0, w0 = 0, , r = 1, , lam = 0, bx = 0, by = 0] = result.parameters;
  const cov = scaledCovariance(result, true);
  const se = standardErrors(cov);
  const lag_s = lam * 1e-3, lagSigma_s = (se[5] ?? Infinity) * 1e-3;
  // An axis that never moved in the data has its play pinned by the prior alone: correlation about 0.
  const rho = (k: number): number => ((cov[5]?.[k] ?? 0) / ((se[5] ?? Infinity) * (se[k] ?? Infinity))) || 0;
  const lagPlayCorrelation = { x: rho(6), y: rho(7) };
  return {
    centre: { x_um: guess.centre.x_um + u0 * L, y_um: guess.centre.y_um + w0 * L },
    radius_um: Math.abs(r) * L,
    lag_s,
    lagSigma_s,
    halfPlay_um: { x: bx, y: by },
    significant: Math.abs(lag_s) > Math.max(o.min_s ?? 2e-4, (o.significance ?? 6) * lagSigma_s),
    lagPlayCorrelation,
    separable: Math.abs(lagPlayCorrelation.x) < SEPARABLE_CORRELATION && Math.abs(lagPlayCorrelation.y) < SEPARABLE_CORRELATION,
  };
}
