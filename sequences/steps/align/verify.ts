// The final check: an aligner must never report success at a power far below the peak its own scans
// saw, whatever went wrong on the way (a fly timing error, a fit fooled by it, play). The scans' evidence
// of the peak power does not depend on where a sample was placed, only on what the meter read:
//   - a fitted peak: a line's top (its parabola in dB) or a 2-D fit's peak inside its scan, less three of
//     its standard uncertainties;
//   - the brightest single reading, less three standard deviations of a reading like it (measured from
//     consecutive fly samples, which needs no positions; else the scatter about a step-and-read fit;
//     5 % when nothing measured it).
// The final reading must come within VERIFY_DB of the highest of these. When it does not, the peak is
// found again by step-and-read around the best reading (no timing involved: every reading is taken at
// rest where the stage reports it) and checked once more; failing that, AlignVerificationError names
// the powers.
import { FitError } from '../../../models/fits/fit-error.ts';
import { gaussianSurface } from '../../../models/fits/gaussian2d.ts';
import type { Gaussian2DFit, ScanPoint } from '../../../models/fits/gaussian2d.ts';
import { LostLightError } from './errors.ts';
import type { Refined } from './fine.ts';
import type { FlySegment } from './fly.ts';
import { gridFitPeak } from './grid-fit.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';

/**
 * How far the final power may fall below the scans' evidence beyond its noise, dB: the aligner's own
 * accuracy (0.15 µm on a 5 µm profile costs 0.01 dB), the final reading's noise and the few hundredths
 * the motion blurs a fly sample by, with room to spare. A fiber 1 µm off a 5 µm profile loses 0.3 dB.
 */
export const VERIFY_DB = 0.2;
/** Relative noise of a reading assumed when no fit measured it (as the timing fit assumes). */
const NOMINAL_RELATIVE_NOISE = 0.05;
/** Standard deviations of allowance on each piece of evidence. */
const K_SIGMA = 3;
/** Readings whose fitted power is at least this share of the peak measure the relative noise. */
const TOP_SHARE = 0.5;
const DB_PER_RELATIVE = 10 / Math.LN10;
/** Fly samples this close to the brightest measure the sample noise, dB; and how many triples it takes. */
const TOP_WINDOW_DB = 10;
const MIN_TRIPLES = 12;
/** σ of a normal distribution per median absolute deviation. */
const MAD_TO_SIGMA = 1.4826;

/** One estimate of the peak power the scans saw, with the allowance it is granted. */
export interface PeakClaim {
  what: string;
  power_dBm: number;
  /** Three standard uncertainties of the estimate, dB. */
  allowance_dB: number;
}

export interface PeakEvidence {
  claims: PeakClaim[];
  /** The final power must be at least this, dBm (−Infinity: nothing to hold it to). */
  required_dBm: number;
  /** The claim that sets `required_dBm`. */
  strongest?: PeakClaim;
  best?: { power_dBm: number; at: Point_um };
}

/** Relative scatter of the readings about a 2-D fit where it is bright; undefined with too few there. */
export function relativeNoise(fit: Gaussian2DFit, points: readonly ScanPoint[]): number | undefined {
  const top = fit.peak_mW + fit.background_mW;
  const rel: number[] = [];
  for (const p of points) {
    const m = gaussianSurface(fit, p.x_um, p.y_um);
    if (m >= TOP_SHARE * top && m > 0) rel.push((p.power_mW - m) / m);
  }
  if (rel.length < 5) return undefined;
  return Math.sqrt(rel.reduce((s, r) => s + r * r, 0) / (rel.length - 1));
}

/**
 * Scatter of one logged sample, dB, from the fly segments alone: the fiber moves smoothly in time, so
 * the second difference of consecutive samples (in dB) is noise (variance 6σ²) plus a slowly varying
 * curvature, whatever the timing estimate made of their positions. Median-centred and scaled by the
 * median absolute deviation, over the bright samples (within TOP_WINDOW_DB of the brightest: relative
 * noise, clear of the floor's). Undefined with fewer than MIN_TRIPLES triples there.
 */
export function flySampleNoise_dB(segments: readonly FlySegment[]): number | undefined {
  let brightest = -Infinity;
  for (const seg of segments) for (const x of seg.samples) brightest = Math.max(brightest, x.power_dBm);
  const d2: number[] = [];
  for (const seg of segments) {
    const p = seg.samples.map((x) => x.power_dBm);
    for (let k = 1; k + 1 < p.length; k++) {
      const [a, b, c] = [p[k - 1] as number, p[k] as number, p[k + 1] as number];
      if (Math.min(a, b, c) >= brightest - TOP_WINDOW_DB) d2.push(a - 2 * b + c);
    }
  }
  if (d2.length < MIN_TRIPLES) return undefined;
  const m = median(d2);
  return (MAD_TO_SIGMA * median(d2.map((v) => Math.abs(v - m)))) / Math.sqrt(6);
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? (v[h] as number) : ((v[h - 1] as number) + (v[h] as number)) / 2;
}

/**
 * Relative noise of one reading like the brightest: from the fly samples themselves when there are
 * any, else the least scatter about a step-and-read 2-D fit, else NOMINAL_RELATIVE_NOISE.
 */
function readingNoise(refinements: readonly Refined[]): number {
  const fly = flySampleNoise_dB(refinements.flatMap((r) => r.segments ?? []));
  if (fly !== undefined) return Math.expm1(fly / DB_PER_RELATIVE);
  let fitted: number | undefined;
  for (const r of refinements) {
    const n = r.fit && r.points ? relativeNoise(r.fit, r.points) : undefined;
    if (n !== undefined) fitted = Math.min(fitted ?? Infinity, n);
  }
  return fitted ?? NOMINAL_RELATIVE_NOISE;
}

/** What the refinements (as many as were made) and the brightest reading say about the peak power. */
export function peakEvidence(refinements: readonly Refined[], best: { power_dBm: number; at: Point_um } | null): PeakEvidence {
  const claims: PeakClaim[] = [];
  for (const r of refinements) {
    for (const t of r.lineTops ?? []) {
      if (Number.isFinite(t.peak_dBm) && Number.isFinite(t.sigma_dB)) claims.push({ what: 'a fitted line top', power_dBm: t.peak_dBm, allowance_dB: K_SIGMA * t.sigma_dB });
    }
    const f = r.fit;
    if (f && f.peakInsideScan) {
      const peak_mW = f.peak_mW + f.background_mW;
      const sigma_dB = DB_PER_RELATIVE * (Math.hypot(f.sigma.peak_mW, f.sigma.background_mW) / peak_mW);
      if (peak_mW > 0 && Number.isFinite(sigma_dB)) claims.push({ what: 'the 2-D fit\'s peak', power_dBm: 10 * Math.log10(peak_mW), allowance_dB: K_SIGMA * sigma_dB });
    }
  }
  if (best && Number.isFinite(best.power_dBm)) {
    claims.push({ what: 'the best reading', power_dBm: best.power_dBm, allowance_dB: K_SIGMA * DB_PER_RELATIVE * Math.log1p(readingNoise(refinements)) });
  }
  let strongest: PeakClaim | undefined;
  for (const c of claims) if (!strongest || c.power_dBm - c.allowance_dB > strongest.power_dBm - strongest.allowance_dB) strongest = c;
  return {
    claims,
    required_dBm: strongest ? strongest.power_dBm - strongest.allowance_dB - VERIFY_DB : -Infinity,
    ...(strongest ? { strongest } : {}),
    ...(best ? { best } : {}),
  };
}

/** The final power passes (a NaN or −Infinity reading never does once there is evidence). */
export function meetsEvidence(final_dBm: number, e: PeakEvidence): boolean {
  if (!Number.isFinite(e.required_dBm)) return true;
  return final_dBm >= e.required_dBm;
}

/** One line for logs and notes: the final power against the claim that holds it. */
export function describeShortfall(final_dBm: number, e: PeakEvidence): string {
  const s = e.strongest;
  if (!s) return `final power ${final_dBm.toFixed(2)} dBm`;
  const where = e.best ? `; best reading ${e.best.power_dBm.toFixed(2)} dBm at (${e.best.at.x_um.toFixed(2)}, ${e.best.at.y_um.toFixed(2)}) µm` : '';
  return `final power ${final_dBm.toFixed(2)} dBm is ${(s.power_dBm - final_dBm).toFixed(2)} dB below ${s.what} (${s.power_dBm.toFixed(2)} dBm, ` +
    `allowed ${(s.allowance_dB + VERIFY_DB).toFixed(2)} dB${where})`;
}

export interface StepRepeakOptions {
  /** Averaging of each reading, s. */
  averaging_s: number;
  /** Radius of the power profile to size the grids by, µm. */
  radius_um: number;
}

/**
 * Finds the peak again by step-and-read: from the brighter of `here` (read just now, `here_dBm`) and
 * the best reading's position, a 5×5 grid a profile radius either side, re-centred on its 2-D fit until
 * the peak is inside, then a 3×3 grid half that size around it.
 */
export async function stepRepeak(rig: AlignRig, here: Point_um, here_dBm: number, best: Point_um | undefined, o: StepRepeakOptions): Promise<Refined> {
  rig.phase = 'final check (step-and-read re-peak)';
  let from = here;
  if (best && Math.hypot(best.x_um - here.x_um, best.y_um - here.y_um) > 0.05) {
    const there = await rig.evaluator('verify', o.averaging_s)(best);
    if (there > here_dBm || !Number.isFinite(here_dBm)) from = best;
  }
  const coarse = await gridFitPeak(rig, from, { n: 5, half_um: o.radius_um, averaging_s: o.averaging_s, phase: 'verify', maxRounds: 4 });
  const radius = coarse.fit instanceof FitError || !(coarse.fit.radius_um > 1 && coarse.fit.radius_um < 50) ? o.radius_um : coarse.fit.radius_um;
  const fine = await gridFitPeak(rig, coarse.centre, { n: 3, half_um: 0.5 * radius, averaging_s: o.averaging_s, phase: 'verify', maxRounds: 2 });
  if (fine.fit instanceof FitError) {
    const brightest = [...coarse.points, ...fine.points].reduce<ScanPoint | undefined>((b, p) => (!b || p.power_mW > b.power_mW ? p : b), undefined);
    if (!brightest) throw new LostLightError(`align: light lost during the step-and-read re-peak around (${from.x_um.toFixed(2)}, ${from.y_um.toFixed(2)}) µm`);
    return { centre: { x_um: brightest.x_um, y_um: brightest.y_um }, radius_um: radius, notes: [`step-and-read re-peak not fitted (${fine.fit.reason}): at its brightest reading`] };
  }
  return { centre: fine.centre, fit: fine.fit, points: fine.points, radius_um: fine.fit.radius_um, notes: [] };
}

