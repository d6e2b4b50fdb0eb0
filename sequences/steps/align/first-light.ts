// First light: cover the search area until a reading reaches the threshold. Fly mode flies the raster's
// lines (or the square spiral's legs) with the meter logging and stops after the first line that saw
// light; its samples already say where along that line the peak is. Step mode reads point by point
// along the raster or spiral and stops at the first point over the threshold.
import { NoLightError } from './errors.ts';
import { fitLinePeak } from './line-fit.ts';
import type { LinePeak } from './line-fit.ts';
import { boundingBox, lineEnds, rasterLines, rasterPoints, spiralPoints, squareSpiralLegs } from './paths.ts';
import type { Point_um, ScanLine } from './paths.ts';
import type { AlignRig, FlyLineResult, FlySample } from './rig.ts';

export type Threshold = number | { above_floor: number };

export interface FirstLight {
  /** Best estimate of the peak so far. */
  at: Point_um;
  power_dBm: number;
  /** Fly mode: the line that saw light, and the peak fitted along it. */
  line?: ScanLine;
  linePeak?: LinePeak;
}

export interface FirstLightOptions {
  centre: Point_um;
  radius_um: number;
  pitch_um: number;
  method: 'raster' | 'spiral';
  threshold: Threshold;
  /** Step mode: averaging of each reading. */
  averaging_s: number;
}

/** The threshold in dBm now (a relative one stands on the darkest reading seen so far). */
export function thresholdNow_dBm(rig: AlignRig, threshold: Threshold): number {
  if (typeof threshold === 'number') return threshold;
  return (Number.isFinite(rig.floor_dBm) ? rig.floor_dBm : -Infinity) + threshold.above_floor;
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

export async function flyFirstLight(rig: AlignRig, o: FirstLightOptions): Promise<FirstLight> {
  rig.phase = 'first light';
  const lines = o.method === 'raster' ? rasterLines(o.centre, o.radius_um, o.pitch_um, 'x') : squareSpiralLegs(o.centre, o.radius_um, o.pitch_um);
  rig.checkArea(boundingBox(lines.flatMap(lineEnds)).min, boundingBox(lines.flatMap(lineEnds)).max, area(o));
  // A relative threshold falls as darker readings arrive, so a line flown earlier may qualify later.
  const flownLines: { flown: FlyLineResult; best: FlySample }[] = [];
  for (const line of lines) {
    const flown = await rig.flyLine(line, 'first-light');
    const best = flown.samples.reduce((b, s) => (s.power_dBm > b.power_dBm ? s : b), { x_um: NaN, y_um: NaN, power_dBm: -Infinity });
    flownLines.push({ flown, best });
    const threshold = thresholdNow_dBm(rig, o.threshold);
    const hit = flownLines.filter((f) => f.best.power_dBm >= threshold).sort((a, b) => b.best.power_dBm - a.best.power_dBm)[0];
    if (!hit) continue;
    const { line: lit } = hit.flown;
    const peak = fitLinePeak(hit.flown.alongLine, { floor_dBm: rig.floor_dBm });
    const along = peak?.centre_um ?? (lit.along === 'x' ? hit.best.x_um : hit.best.y_um);
    const at = lit.along === 'x' ? { x_um: along, y_um: lit.fixed_um } : { x_um: lit.fixed_um, y_um: along };
    return { at, power_dBm: hit.best.power_dBm, line: lit, ...(peak ? { linePeak: peak } : {}) };
  }
  throw noLight(rig, o);
}

export async function stepFirstLight(rig: AlignRig, o: FirstLightOptions): Promise<FirstLight> {
  rig.phase = 'first light';
  const points = o.method === 'raster' ? rasterPoints(o.centre, o.radius_um, o.pitch_um) : spiralPoints(o.centre, o.radius_um, o.pitch_um);
  const box = boundingBox(points);
  rig.checkArea(box.min, box.max, area(o));
  const read = rig.evaluator('first-light', o.averaging_s);
  for (const p of points) {
    await read(p);
    // The best so far, not this point: a relative threshold falls as darker readings arrive.
    const best = rig.best;
    if (best && best.power_dBm >= thresholdNow_dBm(rig, o.threshold)) return { at: best.at, power_dBm: best.power_dBm };
  }
  throw noLight(rig, o);
}
