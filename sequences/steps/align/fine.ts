// Fine peaking and refinement by fly lines. A line across a Gaussian peak gives the peak's coordinate
// along it whatever the other axis is (the profile separates), so each line through the current estimate
// pins one axis down: first the axis the peak is least known on, with a line just long enough to cover
// where it can be, until both are known to a micrometre or so. Then every sample flown so far near the
// peak (first light's included) goes into one 2-D Gaussian fit; while the fit is short of the accuracy
// asked for, one short line through the fitted centre along the worse axis is added and the fit redone.
// All lines along one axis run the same way (the lit first-light line's, or the first one's): the fiber
// lags its motor by half the mechanical play in the direction of motion, so the peak is found where the
// fiber gets to when approached that way — and the final move approaches it that way (align-run.ts).
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitGaussian2D } from '../../../models/fits/gaussian2d.ts';
import type { Gaussian2DFit, ScanPoint } from '../../../models/fits/gaussian2d.ts';
import { LostLightError } from './errors.ts';
import type { PeakEstimate } from './first-light.ts';
import { alongLine } from './fly.ts';
import type { FlySample, FlySegment } from './fly.ts';
import { fitLinePeak } from './line-fit.ts';
import type { LinePeak } from './line-fit.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';

export type Frame = { x?: 1 | -1; y?: 1 | -1 };

export interface Refined {
  centre: Point_um;
  fit?: Gaussian2DFit;
  radius_um: number;
  notes: string[];
  /** The direction per axis in which the centre was measured, and so must be approached. */
  frame?: Frame;
  /**
   * The peak power the lines that crossed the peak saw (their fitted tops; a timing error moves a line's
   * peak, not its height), dBm: the final reading should come within noise of it.
   */
  linePeak_dBm?: number;
  /** Every fitted line top behind the estimate, with its standard uncertainty (for the final check). */
  lineTops?: LineTop[];
  /** The readings behind `fit` (for the final check's noise estimate). */
  points?: ScanPoint[];
  /** The fly segments behind the estimate (for a later timing check). */
  segments?: FlySegment[];
}

export interface LineTop {
  peak_dBm: number;
  sigma_dB: number;
}

/** A fitted line's top as evidence of the peak power (undefined when the line did not show the peak). */
export function lineTop(peak: LinePeak | undefined): LineTop | undefined {
  if (!peak?.fitted || !peak.inside) return undefined;
  return { peak_dBm: peak.peak_dBm, sigma_dB: peak.peakSigma_dB };
}

export interface FlyRefineOptions {
  /** 1σ of the fitted centre aimed at, µm. */
  accuracy_um: number;
  /** Radius of the power profile assumed until a fit measures it, µm. */
  profileRadius_um: number;
  /** An axis known to within this half-range is left to the 2-D fit, µm (default 1.5). */
  located_um?: number;
  /** Lines the refinement may add to the first 2-D fit (default 3). */
  maxRefineLines?: number;
  /**
   * Lines the refinement adds even when the first fit is accurate enough (default 0). One makes sure the
   * lag-and-play fit (timing-lag.ts) has an axis crossed the same way at a second speed: the refinement
   * line runs 1.6 radii up to the peak and 0.7 past it, so it crosses the peak braking, not at the
   * top speed of a symmetric locating line.
   */
  minRefineLines?: number;
}

/** 1/e² radius of the coupled-power profile assumed before a fit has measured it (SMF on a grating loopback). */
export const NOMINAL_PROFILE_RADIUS_UM = 5.2;

/** Radius to size scans by: measured when a fit gave a plausible one, nominal otherwise. */
export function scanRadius(measured: number | undefined): number {
  return measured !== undefined && measured > 1 && measured < 50 ? measured : NOMINAL_PROFILE_RADIUS_UM;
}

type Axis = 'x' | 'y';
const coord = (p: Point_um, a: Axis): number => (a === 'x' ? p.x_um : p.y_um);
const withCoord = (p: Point_um, a: Axis, v: number): Point_um => (a === 'x' ? { ...p, x_um: v } : { ...p, y_um: v });

/** Half-length of a line that locates a peak known to ±range: the range plus enough flank to fit. */
export function locatingHalf_um(range_um: number, radius_um: number): number {
  return Math.max(range_um + 0.8 * radius_um, 1.6 * radius_um);
}

/**
 * Flies a line along `axis` through `through`, from `before_um` ahead of `centre_um` to `after_um` past
 * it, in the frame's direction for that axis (set here, from the end nearer the stage, when the frame has
 * none yet). Returns the transition (when one was needed) and the line.
 */
export async function flyLine(rig: AlignRig, axis: Axis, through: Point_um, centre_um: number, before_um: number, after_um: number, frame: Frame): Promise<FlySegment[]> {
  const here = rig.at ?? through;
  const dir = frame[axis] ?? (coord(here, axis) <= centre_um ? 1 : -1);
  frame[axis] = dir;
  const start = withCoord(through, axis, centre_um - dir * before_um);
  const end = withCoord(through, axis, centre_um + dir * after_um);
  const out: FlySegment[] = [];
  if (Math.hypot(here.x_um - start.x_um, here.y_um - start.y_um) > 1e-6) out.push(await rig.flyTo(start, 'fine'));
  out.push(await rig.flyTo(end, 'fine'));
  return out;
}

/** A sample moving against the frame on either axis sees the peak shifted by the play: it is left out. */
export function inFrame(s: FlySample, frame: Frame): boolean {
  return !((frame.x !== undefined && s.vx_um_s * frame.x < 0) || (frame.y !== undefined && s.vy_um_s * frame.y < 0));
}

/**
 * The samples the 2-D fit uses: those in the frame, within `window_dB` of the brightest of them and
 * clear of the floor, in linear power.
 */
export function scanPoints(segments: readonly FlySegment[], floor_dBm: number, frame: Frame = {}, window_dB = 20): ScanPoint[] {
  const usable = segments.flatMap((seg) => seg.samples.filter((s) => inFrame(s, frame)));
  let best = -Infinity;
  for (const s of usable) best = Math.max(best, s.power_dBm);
  const cut = Math.max(floor_dBm + 3, best - window_dB);
  return usable.filter((s) => s.power_dBm >= cut).map((s) => ({ x_um: s.x_um, y_um: s.y_um, power_mW: 10 ** (s.power_dBm / 10) }));
}

function fit2D(points: readonly ScanPoint[]): Gaussian2DFit | FitError {
  try {
    return fitGaussian2D(points);
  } catch (err) {
    if (err instanceof FitError) return err;
    throw err;
  }
}

export async function flyRefine(rig: AlignRig, start: PeakEstimate, flown: readonly FlySegment[], o: FlyRefineOptions): Promise<Refined> {
  rig.phase = 'fine peaking (fly lines)';
  const located = o.located_um ?? 1.5;
  const segments = [...flown];
  let at = { ...start.at };
  const range = { x: start.range.x_um, y: start.range.y_um };
  let radius = start.radius_um ?? o.profileRadius_um;
  const frame: Frame = { ...start.frame };
  let linePeak_dBm = -Infinity;
  const lineTops: LineTop[] = [];
  const top = (peak: LinePeak | undefined): void => {
    const t = lineTop(peak);
    if (!t) return;
    linePeak_dBm = Math.max(linePeak_dBm, t.peak_dBm);
    lineTops.push(t);
  };
  for (let round = 0; Math.max(range.x, range.y) > located; round++) {
    if (round >= 6) throw new LostLightError(`align: the peak could not be located by fly lines around (${at.x_um.toFixed(2)}, ${at.y_um.toFixed(2)}) µm`);
    const axis: Axis = range.x >= range.y ? 'x' : 'y';
    const half = locatingHalf_um(range[axis], radius);
    const flownNow = await flyLine(rig, axis, at, coord(at, axis), half, half, frame);
    segments.push(...flownNow);
    const line = flownNow[flownNow.length - 1] as FlySegment;
    const peak = fitLinePeak(alongLine(line), { floor_dBm: rig.floor_dBm });
    if (!peak) {
      throw new LostLightError(`align: light lost during fine peaking: a ${(2 * half).toFixed(1)} µm line along ${axis} through ` +
        `(${at.x_um.toFixed(2)}, ${at.y_um.toFixed(2)}) µm saw only the floor`);
    }
    const good = peak.fitted && peak.inside;
    top(peak);
    at = withCoord(at, axis, good ? peak.centre_um : peak.best.position_um);
    // An unfitted line (the peak at or past its end) moves the estimate to its brightest sample, still a range off.
    range[axis] = good ? Math.max(3 * peak.sigma_um, 0.1) : half / 2;
    if (good && peak.radius_um > 1 && peak.radius_um < 50) radius = peak.radius_um;
  }
  rig.phase = 'refinement (2-D Gaussian fit)';
  let points = scanPoints(segments, rig.floor_dBm, frame);
  let fit = fit2D(points);
  for (let added = 0; added < (o.maxRefineLines ?? 3); added++) {
    const accurate = !(fit instanceof FitError) && fit.peakInsideScan && Math.max(fit.sigma.x0_um, fit.sigma.y0_um) <= o.accuracy_um;
    if (accurate && added >= (o.minRefineLines ?? 0)) break;
    const centre = fit instanceof FitError ? at : { x_um: fit.x0_um, y_um: fit.y0_um };
    if (!(fit instanceof FitError) && fit.radius_um > 1 && fit.radius_um < 50) radius = fit.radius_um;
    const axis: Axis = fit instanceof FitError ? (range.x >= range.y ? 'x' : 'y') : fit.sigma.x0_um >= fit.sigma.y0_um ? 'x' : 'y';
    // Short past the peak: the final move comes back over it (to approach it the measured way), so every
    // micrometre beyond is flown twice; 0.7 radii (a 4 dB fall) still shows the curvature.
    const flownNow = await flyLine(rig, axis, centre, coord(centre, axis), 1.6 * radius, 0.7 * radius, frame);
    segments.push(...flownNow);
    top(fitLinePeak(alongLine(flownNow.at(-1) as FlySegment), { floor_dBm: rig.floor_dBm }));
    points = scanPoints(segments, rig.floor_dBm, frame);
    fit = fit2D(points);
  }
  const promised = Number.isFinite(linePeak_dBm) ? { linePeak_dBm } : {};
  if (fit instanceof FitError) return { centre: at, radius_um: radius, frame, segments, lineTops, ...promised, notes: [`2-D Gaussian refinement not fitted (${fit.reason}): ${fit.message}`] };
  return { centre: { x_um: fit.x0_um, y_um: fit.y0_um }, fit, points, radius_um: fit.radius_um, frame, segments, lineTops, ...promised, notes: [] };
}

