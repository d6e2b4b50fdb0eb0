// Fine peaking by fly cross-scans. A line across a Gaussian peak gives the peak's coordinate along it
// whatever the other axis is (the profile separates), so one pair of lines per axis finds the peak. Each
// pair runs out and back: the two directions see the peak shifted by equal and opposite amounts (timing
// lag × velocity plus half the backlash), so their mean is free of both and their half-difference
// measures the shift, which then corrects every sample of that axis for the 2-D Gaussian refinement.
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitGaussian2D } from '../../../models/fits/gaussian2d.ts';
import type { Gaussian2DFit, ScanPoint } from '../../../models/fits/gaussian2d.ts';
import { LostLightError } from './errors.ts';
import { fitLinePeak } from './line-fit.ts';
import type { LinePeak } from './line-fit.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig, FlyLineResult } from './rig.ts';

export interface PairResult {
  along: 'x' | 'y';
  fixed_um: number;
  /** Peak coordinate along the pair's axis (mean of both directions where both fitted), µm. */
  centre_um: number;
  /** Apparent shift of a line run towards larger positions, µm (0 unless both directions fitted). */
  shift_um: number;
  peak_dBm: number;
  radius_um: number;
  lines: [FlyLineResult, FlyLineResult];
  fits: [LinePeak | undefined, LinePeak | undefined];
}

/** Out and back along one axis through `centre`, ±half, the other axis at `fixed`. */
export async function flyPair(rig: AlignRig, along: 'x' | 'y', fixed_um: number, centre_um: number, half_um: number, phase: string): Promise<PairResult> {
  const out = await rig.flyLine({ along, fixed_um, from_um: centre_um - half_um, to_um: centre_um + half_um }, phase);
  const back = await rig.flyLine({ along, fixed_um, from_um: centre_um + half_um, to_um: centre_um - half_um }, phase);
  const fo = fitLinePeak(out.alongLine, { floor_dBm: rig.floor_dBm });
  const fb = fitLinePeak(back.alongLine, { floor_dBm: rig.floor_dBm });
  const usable = [fo, fb].filter((f): f is LinePeak => f !== undefined && f.fitted && f.inside);
  if (usable.length === 0) {
    const seen = [fo, fb].find((f) => f !== undefined);
    if (!seen) throw new LostLightError(`align: light lost during ${phase}: a ${2 * half_um} µm line along ${along} at ${fixed_um.toFixed(2)} µm saw only the floor`);
    // Light but no fittable peak (the line clipped it): go on from the brightest sample.
    return { along, fixed_um, centre_um: seen.best.position_um, shift_um: 0, peak_dBm: seen.best.power_dBm, radius_um: NaN, lines: [out, back], fits: [fo, fb] };
  }
  const both = usable.length === 2 && fo && fb;
  const centre = usable.reduce((s, f) => s + f.centre_um, 0) / usable.length;
  return {
    along,
    fixed_um,
    centre_um: centre,
    shift_um: both ? (fo.centre_um - fb.centre_um) / 2 : 0,
    peak_dBm: Math.max(...usable.map((f) => f.peak_dBm)),
    radius_um: usable.reduce((s, f) => s + f.radius_um, 0) / usable.length,
    lines: [out, back],
    fits: [fo, fb],
  };
}

export interface CrossOptions {
  /** Half-length of the first pair, across the first-light line: must reach past the peak. */
  firstHalf_um: number;
  /** Half-length of the pairs once the peak is known to about a µm. */
  half_um: number;
  /** Repeat a pair when the other one moved by more than this, µm. */
  recentre_um: number;
  maxRounds: number;
}

export interface CrossResult {
  centre: Point_um;
  pairs: { x: PairResult; y: PairResult };
}

/**
 * From a first-light estimate (exact along the lit line, unknown across it): a pair across the line,
 * then a pair along it through the new centre, repeated while either moved the other's line.
 */
export async function crossScanPeak(rig: AlignRig, start: Point_um, litAlong: 'x' | 'y', o: CrossOptions): Promise<CrossResult> {
  rig.phase = 'fine peaking (fly cross-scans)';
  let c = { ...start };
  const across: 'x' | 'y' = litAlong === 'x' ? 'y' : 'x';
  const coord = (p: Point_um, a: 'x' | 'y'): number => (a === 'x' ? p.x_um : p.y_um);
  const set = (p: Point_um, a: 'x' | 'y', v: number): Point_um => (a === 'x' ? { ...p, x_um: v } : { ...p, y_um: v });
  let pa = await flyPair(rig, across, coord(c, litAlong), coord(c, across), o.firstHalf_um, 'fine');
  c = set(c, across, pa.centre_um);
  let pb = await flyPair(rig, litAlong, coord(c, across), coord(c, litAlong), o.half_um, 'fine');
  c = set(c, litAlong, pb.centre_um);
  for (let round = 1; round < o.maxRounds; round++) {
    // The first pair ran through the lit line's estimate; redo it if the second pair moved that much.
    if (Math.abs(pb.centre_um - pa.fixed_um) <= o.recentre_um && Math.abs(pa.centre_um - pb.fixed_um) <= o.recentre_um) break;
    pa = await flyPair(rig, across, coord(c, litAlong), coord(c, across), o.half_um, 'fine');
    c = set(c, across, pa.centre_um);
    pb = await flyPair(rig, litAlong, coord(c, across), coord(c, litAlong), o.half_um, 'fine');
    c = set(c, litAlong, pb.centre_um);
  }
  const pairs = across === 'x' ? { x: pa, y: pb } : { x: pb, y: pa };
  return { centre: c, pairs };
}

/**
 * The 2-D Gaussian refinement of the final cross: every sample within `window_dB` of the best, its
 * coordinate along its line corrected by the pair's measured direction shift, fitted in linear power.
 */
export function fitCross(rig: AlignRig, cross: CrossResult, window_dB = 20): Gaussian2DFit | FitError {
  const points: ScanPoint[] = [];
  let best = -Infinity;
  for (const pair of [cross.pairs.x, cross.pairs.y]) for (const l of pair.lines) for (const s of l.samples) best = Math.max(best, s.power_dBm);
  const cut = Math.max(rig.floor_dBm + 3, best - window_dB);
  for (const pair of [cross.pairs.x, cross.pairs.y]) {
    for (const l of pair.lines) {
      const shift = l.direction * pair.shift_um;
      for (const s of l.samples) {
        if (!(s.power_dBm >= cut)) continue;
        const x_um = pair.along === 'x' ? s.x_um - shift : s.x_um;
        const y_um = pair.along === 'y' ? s.y_um - shift : s.y_um;
        points.push({ x_um, y_um, power_mW: 10 ** (s.power_dBm / 10) });
      }
    }
  }
  try {
    return fitGaussian2D(points);
  } catch (err) {
    if (err instanceof FitError) return err;
    throw err;
  }
}
