// First light: cover the search area until a reading reaches the threshold. Fly mode flies the raster's
// lines from the middle outwards (or the square spiral's legs), logging every move including the steps
// between lines, and stops after the first segment that saw light; a line's samples already say where
// along it the peak is, and how far across it the peak can be is bounded by how far light shows.
// Step mode reads point by point along the raster or spiral and stops at the first point over the
// threshold.
import { NoLightError } from './errors.ts';
import { alongLine } from './fly.ts';
import type { FlySegment } from './fly.ts';
import { fitLinePeak } from './line-fit.ts';
import { boundingBox, centreOutLines, lineEnds, rasterPoints, spiralPoints, squareSpiralLegs } from './paths.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';

export type Threshold = number | { above_floor: number };

/** Where the peak is thought to be and how far off it may still be along each axis. */
export interface PeakEstimate {
  at: Point_um;
  /** Half-width of the interval the peak lies in, per axis, µm. */
  range: { x_um: number; y_um: number };
  /** 1/e² radius of the power profile when a line fit measured it, µm. */
  radius_um?: number;
  /**
   * The direction (+1 / −1) the lines that located the peak ran along each axis. A fiber lags its
   * motor by half the play in the direction it last moved, so a peak seen running one way is where the
   * fiber gets to when it is approached that same way.
   */
  frame?: { x?: 1 | -1; y?: 1 | -1 };
}

export interface FirstLight extends PeakEstimate {
  power_dBm: number;
  /** Fly mode: every segment flown (their samples feed the refinement). */
  segments: FlySegment[];
}

export interface FirstLightOptions {
  centre: Point_um;
  radius_um: number;
  pitch_um: number;
  method: 'raster' | 'spiral';
  threshold: Threshold;
  /** Step mode: averaging of each reading. */
  averaging_s: number;
  /** Radius of the power profile assumed until one is measured, µm. */
  profileRadius_um: number;
}

/** The threshold in dBm now (a relative one stands on the darkest reading seen so far). */
export function thresholdNow_dBm(rig: AlignRig, threshold: Threshold): number {
  if (typeof threshold === 'number') return threshold;
  return (Number.isFinite(rig.floor_dBm) ? rig.floor_dBm : -Infinity) + threshold.above_floor;
}

/**
 * How far from a lit line the peak can lie: lines are a pitch apart, so the peak is within half a pitch
 * of one of them, but the first lit line need not be the nearest (light shows a couple of radii off).
 */
export function acrossRange_um(pitch_um: number, profileRadius_um: number): number {
  return pitch_um / 2 + profileRadius_um;
}

function area(o: FirstLightOptions): string {
  return `the ${o.method} search of radius ${o.radius_um} µm around (${o.centre.x_um.toFixed(1)}, ${o.centre.y_um.toFixed(1)}) µm`;
}

function noLight(rig: AlignRig, o: FirstLightOptions): NoLightError {
  return new NoLightError({
    area: area(o),
    threshold_dBm: thresholdNow_dBm(rig, o.threshold),
    best_dBm: rig.best?.power_dBm ?? -Infinity,
    ...(rig.best ? { bestAt: rig.best.at } : {}),
    readings: rig.readings,
  });
}

/** The estimate a lit segment gives: along a line, the fitted peak; across it (or off a diagonal), a range. */
export function estimateFromSegment(segment: FlySegment, floor_dBm: number, o: Pick<FirstLightOptions, 'pitch_um' | 'profileRadius_um'>): PeakEstimate & { power_dBm: number } {
  const best = segment.samples.reduce((b, s) => (s.power_dBm > b.power_dBm ? s : b));
  const across = acrossRange_um(o.pitch_um, o.profileRadius_um);
  if (segment.along === null) return { at: { x_um: best.x_um, y_um: best.y_um }, range: { x_um: across, y_um: across }, power_dBm: best.power_dBm };
  const peak = fitLinePeak(alongLine(segment), { floor_dBm });
  const good = peak !== undefined && peak.fitted && peak.inside;
  const alongAt = good ? peak.centre_um : segment.along === 'x' ? best.x_um : best.y_um;
  // A fitted centre is good to a few σ; the brightest sample of an unfitted line only to a radius or so.
  const alongRange = good ? Math.max(3 * peak.sigma_um, 0.5) : 1.5 * o.profileRadius_um;
  const radius = good && peak.radius_um > 1 && peak.radius_um < 50 ? { radius_um: peak.radius_um } : {};
  const direction: 1 | -1 = (segment.along === 'x' ? segment.to.x_um - segment.from.x_um : segment.to.y_um - segment.from.y_um) > 0 ? 1 : -1;
  return segment.along === 'x'
    ? { at: { x_um: alongAt, y_um: segment.to.y_um }, range: { x_um: alongRange, y_um: across }, power_dBm: best.power_dBm, frame: { x: direction }, ...radius }
    : { at: { x_um: segment.to.x_um, y_um: alongAt }, range: { x_um: across, y_um: alongRange }, power_dBm: best.power_dBm, frame: { y: direction }, ...radius };
}

export async function flyFirstLight(rig: AlignRig, o: FirstLightOptions): Promise<FirstLight> {
  rig.phase = 'first light';
  const lines = o.method === 'raster' ? centreOutLines(o.centre, o.radius_um, o.pitch_um, 'x') : squareSpiralLegs(o.centre, o.radius_um, o.pitch_um);
  const box = boundingBox([o.centre, ...lines.flatMap(lineEnds)]);
  rig.checkArea(box.min, box.max, area(o));
  const segments: FlySegment[] = [];
  // A relative threshold falls as darker readings arrive, so a segment flown earlier may qualify later.
  const lit = (): FlySegment | undefined => {
    const threshold = thresholdNow_dBm(rig, o.threshold);
    let hit: { segment: FlySegment; power_dBm: number } | undefined;
    for (const segment of segments) {
      for (const s of segment.samples) if (s.power_dBm >= threshold && (!hit || s.power_dBm > hit.power_dBm)) hit = { segment, power_dBm: s.power_dBm };
    }
    return hit?.segment;
  };
  // Legs are not confirmed one by one (an encoder read each): a dark leg's positions matter for nothing
  // but the floor, and an axis that stalled on any leg is still off its latest target later. When none
  // saw light, both are confirmed before the verdict; when one did, the next segment flown (fine
  // peaking's first) confirms them with its own axes, before its samples are used.
  const confirm = { confirm: false };
  for (const line of lines) {
    const [start, end] = lineEnds(line);
    const at = rig.at;
    // The step to the line's start is flown (and logged) too: where it passes light, it counts.
    if (!at || Math.hypot(at.x_um - start.x_um, at.y_um - start.y_um) > 1e-6) segments.push(await rig.flyTo(start, 'first-light', confirm));
    segments.push(await rig.flyTo(end, 'first-light', confirm));
    const hit = lit();
    if (hit) return { ...estimateFromSegment(hit, rig.floor_dBm, o), segments };
  }
  await rig.confirmArrival();
  throw noLight(rig, o);
}

export async function stepFirstLight(rig: AlignRig, o: FirstLightOptions): Promise<FirstLight> {
  rig.phase = 'first light';
  const points = o.method === 'raster' ? rasterPoints(o.centre, o.radius_um, o.pitch_um) : spiralPoints(o.centre, o.radius_um, o.pitch_um);
  const box = boundingBox(points);
  rig.checkArea(box.min, box.max, area(o));
  const read = rig.evaluator('first-light', o.averaging_s);
  const range = o.pitch_um * Math.SQRT1_2 + o.profileRadius_um;
  for (const p of points) {
    await read(p);
    // The best so far, not this point: a relative threshold falls as darker readings arrive.
    const best = rig.best;
    if (best && best.power_dBm >= thresholdNow_dBm(rig, o.threshold)) {
      return { at: best.at, power_dBm: best.power_dBm, range: { x_um: range, y_um: range }, segments: [] };
    }
  }
  throw noLight(rig, o);
}
