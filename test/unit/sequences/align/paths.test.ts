import { describe, expect, it } from 'vitest';
import {
  PathError, boundingBox, centreOutLines, coveringOffsets_um, lineEnds, rasterLines, rasterPoints, spiralPoints, squareSpiralLegs,
} from '../../../../sequences/steps/align/paths.ts';
import type { Point_um } from '../../../../sequences/steps/align/paths.ts';

const centre = { x_um: 12_500, y_um: 12_500 };

/** Farthest any point of the disc (or square) of radius r lies from the nearest path point. */
function worstGap(points: Point_um[], r: number, square: boolean): number {
  let worst = 0;
  for (let x = -r; x <= r; x += 0.5) {
    for (let y = -r; y <= r; y += 0.5) {
      if (!square && Math.hypot(x, y) > r) continue;
      let best = Infinity;
      for (const p of points) best = Math.min(best, Math.hypot(p.x_um - centre.x_um - x, p.y_um - centre.y_um - y));
      worst = Math.max(worst, best);
    }
  }
  return worst;
}

describe('search paths', () => {
  it('covering offsets are centred, a pitch apart, and leave no gap wider than half a pitch', () => {
    expect(coveringOffsets_um(35, 15)).toEqual([-30, -15, 0, 15, 30]);
    expect(coveringOffsets_um(30, 15)).toEqual([-22.5, -7.5, 7.5, 22.5]);
    expect(coveringOffsets_um(1, 15)).toEqual([0]);
  });

  it('raster lines are a serpentine covering the square', () => {
    const lines = rasterLines(centre, 35, 15);
    expect(lines.map((l) => l.fixed_um - centre.y_um)).toEqual([-30, -15, 0, 15, 30]);
    lines.forEach((l, k) => {
      expect(l.along).toBe('x');
      expect(Math.abs(l.to_um - l.from_um)).toBe(70);
      if (k > 0) expect(l.from_um).toBe(lines[k - 1]?.to_um);
    });
    const ys = rasterLines(centre, 20, 10, 'y');
    expect(ys.every((l) => l.along === 'y')).toBe(true);
    expect(lineEnds(ys[0]!)).toEqual([{ x_um: 12_485, y_um: 12_480 }, { x_um: 12_485, y_um: 12_520 }]);
  });

  it('centre-out lines: nearest the centre first, alternating sides, each starting where the last ended', () => {
    const lines = centreOutLines(centre, 35, 18);
    expect(lines.map((l) => l.fixed_um - centre.y_um)).toEqual([9, -9, 27, -27]);
    lines.forEach((l, k) => {
      expect(Math.abs(l.to_um - l.from_um)).toBe(70);
      if (k > 0) expect(l.from_um).toBe(lines[k - 1]?.to_um);
    });
    expect(centreOutLines(centre, 35, 15).map((l) => l.fixed_um - centre.y_um)).toEqual([0, 15, -15, 30, -30]);
    expect(centreOutLines(centre, 10, 5, 'y').every((l) => l.along === 'y' && l.fixed_um - centre.x_um <= 7.5)).toBe(true);
    expect(() => centreOutLines(centre, 10, 0)).toThrow(/pitch_um/);
  });

  it('the default fly spiral (16 µm) leaves no point of the ±35 µm square more than 9.2 µm from a leg', () => {
    const legs = squareSpiralLegs(centre, 35, 16);
    const pts = legs.flatMap((l) => {
      const [a, b] = lineEnds(l);
      const n = Math.ceil(Math.abs(l.to_um - l.from_um) / 0.5);
      return Array.from({ length: n + 1 }, (_, k) => ({ x_um: a.x_um + ((b.x_um - a.x_um) * k) / n, y_um: a.y_um + ((b.y_um - a.y_um) * k) / n }));
    });
    expect(worstGap(pts, 35, true)).toBeLessThan(9.25);
  });

  it('raster points cover the square within half a pitch diagonal, in serpentine order', () => {
    const pts = rasterPoints(centre, 30, 10);
    expect(pts).toHaveLength(36);
    expect(worstGap(pts, 30, true)).toBeLessThanOrEqual(5 * Math.SQRT2 + 1e-9);
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!, b = pts[i]!;
      expect(Math.hypot(a.x_um - b.x_um, a.y_um - b.y_um)).toBeCloseTo(10, 9); // neighbours only
    }
  });

  it('the spiral starts at the centre, steps about one pitch, and covers the disc', () => {
    const pts = spiralPoints(centre, 30, 8);
    expect(pts[0]).toEqual(centre);
    for (let i = 2; i < pts.length; i++) {
      const a = pts[i - 1]!, b = pts[i]!;
      expect(Math.hypot(a.x_um - b.x_um, a.y_um - b.y_um)).toBeLessThan(8 * 1.1);
    }
    const radii = pts.map((p) => Math.hypot(p.x_um - centre.x_um, p.y_um - centre.y_um));
    for (let i = 1; i < radii.length; i++) expect(radii[i]!).toBeGreaterThanOrEqual(radii[i - 1]!);
    expect(worstGap(pts, 30, false)).toBeLessThan(8);
  });

  it('square-spiral legs chain end to start, alternate axes and cover the square', () => {
    const legs = squareSpiralLegs(centre, 20, 10);
    for (let i = 1; i < legs.length; i++) {
      expect(legs[i]!.along).not.toBe(legs[i - 1]!.along);
      expect(lineEnds(legs[i]!)[0]).toEqual(lineEnds(legs[i - 1]!)[1]);
    }
    const pts = legs.flatMap((l) => {
      const [a, b] = lineEnds(l);
      const n = 20;
      return Array.from({ length: n + 1 }, (_, k) => ({ x_um: a.x_um + ((b.x_um - a.x_um) * k) / n, y_um: a.y_um + ((b.y_um - a.y_um) * k) / n }));
    });
    expect(worstGap(pts, 20, true)).toBeLessThanOrEqual(10 / Math.SQRT2 + 1e-9);
    const box = boundingBox(pts);
    expect(box.max.x_um - centre.x_um).toBeLessThanOrEqual(35);
  });

  it('refuses unusable areas with the field named', () => {
    expect(() => rasterLines(centre, 0, 10)).toThrow(PathError);
    expect(() => spiralPoints(centre, 10, -1)).toThrow(/pitch_um/);
    expect(() => rasterPoints({ x_um: NaN, y_um: 0 }, 10, 1)).toThrow(/centre/);
    expect(() => squareSpiralLegs(centre, 1e6, 1e-3)).toThrow(/too many/);
    expect(() => boundingBox([])).toThrow(/no points/);
  });
});
