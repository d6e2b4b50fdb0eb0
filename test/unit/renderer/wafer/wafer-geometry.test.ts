import { describe, expect, it } from 'vitest';
import { gridOrigin_um, outlinePath, waferLayout } from '../../../../renderer/wafer/wafer-geometry.ts';
import { mapBody } from './wafer-events.ts';

describe('wafer geometry', () => {
  it('puts each die in its grid cell, +Y up the screen, inside the wafer circle through the visited dies', () => {
    const map = mapBody();
    const l = waferLayout(map);
    const cell = (d: string) => l.cells.find((c) => c.die === d);
    const a = cell('C08R08');
    const right = cell('C09R08');
    const up = cell('C08R09');
    expect(a).toMatchObject({ w: 1000, h: 1000, reference: true, excluded: false });
    expect((right?.x ?? 0) - (a?.x ?? 0)).toBeCloseTo(1000, 6);
    // Row 9 lies above row 8: a smaller screen y.
    expect((a?.y ?? 0) - (up?.y ?? 0)).toBeCloseTo(1000, 6);
    expect(cell('C10R09')?.excluded).toBe(true);
    // The circle about the centre reaches the farthest corner of a visited die (C10R08's lower right at
    // (13500, 10500) → √(1500² + 1000²)), with a small margin, and the drawing holds it.
    expect(l.outline.r).toBeGreaterThan(Math.hypot(1500, 1000));
    expect(l.outline.r).toBeLessThan(Math.hypot(1500, 1000) * 1.05);
    expect(l.outline.cx - l.outline.r).toBeGreaterThanOrEqual(0);
    expect(l.outline.cy + l.outline.r).toBeLessThanOrEqual(l.height);
    expect(l.width).toBeGreaterThan(2 * l.outline.r);
  });

  it('makes the wafer big enough that its flat passes outside every visited die', () => {
    // A column of three dies about the centre: the flat at 270° (below) would cut the bottom one, whose
    // lower edge lies as far down as the farthest corner.
    const dies = [7, 8, 9].map((row) => ({ die: `C09R0${row}`, col: 9, row, x_um: 12000, y_um: 3000 + row * 1000, excluded: false, reference: false }));
    const map = mapBody({ dies, centre_um: { x: 12000, y: 11000 } });
    const l = waferLayout(map);
    const flatY = l.outline.cy + l.outline.r * (1 - 0.06);
    for (const c of l.cells.filter((x) => !x.excluded)) expect(c.y + c.h).toBeLessThan(flatY);
    const plain = waferLayout({ ...map, flat_deg: null });
    expect(l.outline.r).toBeGreaterThan(plain.outline.r);
  });

  it('places a site at its offset from the die centre, and knows no unknown die or site', () => {
    const l = waferLayout(mapBody());
    const c = l.cells.find((x) => x.die === 'C09R08');
    expect(l.sitePoint('C09R08', 'A')).toEqual({ x: (c?.x ?? 0) + 500 - 375, y: (c?.y ?? 0) + 500 });
    expect(l.sitePoint('C09R08', 'B')?.x).toBeCloseTo((c?.x ?? 0) + 375, 6);
    expect(l.sitePoint('C99R99', 'A')).toBeNull();
    expect(l.sitePoint('C09R08', 'Z')).toBeNull();
  });

  it('draws a die listed off its cell in its cell: the origin is what most dies agree on', () => {
    const map = mapBody();
    const off = map.dies.map((d) => (d.die === 'C09R09' ? { ...d, y_um: d.y_um + 500 } : d));
    expect(gridOrigin_um({ dies: off, pitch_um: map.pitch_um })).toEqual({ x: 3000, y: 3000 });
    const l = waferLayout({ ...map, dies: off });
    const a = l.cells.find((c) => c.die === 'C09R08');
    const b = l.cells.find((c) => c.die === 'C09R09');
    expect((a?.y ?? 0) - (b?.y ?? 0)).toBeCloseTo(1000, 6);
  });

  it('cuts the flat where the map says (270° = the bottom), draws a notch as a V, a plain circle without either', () => {
    // The flat's chord at 270°: both its ends below the centre (screen y larger), symmetric about cx.
    const flat = outlinePath(100, 100, 50, 270, null);
    const nums = flat.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];
    const [x1, y1] = nums;
    const [x2, y2] = nums.slice(-2);
    expect(flat).toMatch(/^M .* A 50 50 0 1 0 .* Z$/);
    expect(y1).toBeCloseTo(y2 as number, 6);
    expect(y1).toBeCloseTo(100 + 50 * 0.94, 1);
    expect((x1 as number) + (x2 as number)).toBeCloseTo(200, 1);
    const notch = outlinePath(100, 100, 50, null, 0);
    // The V's tip, toward +X, inside the circle.
    expect(notch).toMatch(/L 148 100 Z$/);
    expect(outlinePath(100, 100, 50, null, null).match(/A /g)).toHaveLength(2);
  });

  it('refuses a map without dies or with a non-positive pitch, saying what it expected', () => {
    expect(() => waferLayout(mapBody({ dies: [] }))).toThrow(/has no dies; expected at least one/);
    expect(() => waferLayout(mapBody({ pitch_um: { x: 0, y: 1000 } }))).toThrow(/pitch must be positive, got 0 × 1000 µm/);
  });
});
