// Where the wafer map view draws each die, site and the wafer's outline: plain numbers from the 'wafer-map'
// event, in drawing units of µm with Y pointing down (screen), so the SVG needs no flipping transform and its
// text stays upright. Dies sit in their grid cells (col along +X, row along +Y = up on the screen).
import type { WaferMapEventBody } from '../../sequences/wafer-events.ts';

export interface DieCell {
  die: string;
  col: number;
  row: number;
  /** The cell's top-left corner and size, drawing µm. */
  x: number;
  y: number;
  w: number;
  h: number;
  excluded: boolean;
  reference: boolean;
}

export interface WaferOutline {
  /** Centre and radius of the wafer's circle, drawing µm. */
  cx: number;
  cy: number;
  r: number;
  /** The SVG path of the outline: the circle cut by the flat, or with the notch's V, or a plain circle. */
  path: string;
}

export interface WaferLayout {
  /** The drawing's extent: viewBox = `0 0 width height`. */
  width: number;
  height: number;
  cells: DieCell[];
  outline: WaferOutline;
  /** A site's point on the drawing (its nominal position in its die's cell), for its marker and arrow. */
  sitePoint(die: string, site: string): { x: number; y: number } | null;
}

/** A flat's depth as a share of the radius (SEMI flats cut a few per cent of the diameter). */
const FLAT_DEPTH = 0.06;
/** The notch's depth and half-width as shares of the radius. */
const NOTCH_DEPTH = 0.04;
const NOTCH_HALF_DEG = 3;

/**
 * The stage position of die (0, 0): the commonest `x_um − col·pitch` over the dies. A CSV map may list
 * a die away from its cell; the grid's own origin is what most dies agree on.
 */
export function gridOrigin_um(map: Pick<WaferMapEventBody, 'dies' | 'pitch_um'>): { x: number; y: number } {
  const mode = (values: number[]): number => {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  };
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    x: mode(map.dies.map((d) => r(d.x_um - d.col * map.pitch_um.x))),
    y: mode(map.dies.map((d) => r(d.y_um - d.row * map.pitch_um.y))),
  };
}

export function waferLayout(map: Pick<WaferMapEventBody, 'dies' | 'pitch_um' | 'centre_um' | 'flat_deg' | 'notch_deg' | 'siteOffsets_um'>): WaferLayout {
  if (map.dies.length === 0) throw new Error('waferLayout: the wafer map has no dies; expected at least one');
  const { x: px, y: py } = map.pitch_um;
  if (!(px > 0 && py > 0)) throw new Error(`waferLayout: the pitch must be positive, got ${px} × ${py} µm`);
  const origin = gridOrigin_um(map);
  // Stage extent: every die's cell, and the wafer's circle about the centre through the visited dies' corners.
  const stageCentre = (d: { col: number; row: number }) => ({ x: origin.x + d.col * px, y: origin.y + d.row * py });
  const visited = map.dies.filter((d) => !d.excluded);
  const corners = (visited.length ? visited : map.dies).flatMap((d) => {
    const c = stageCentre(d);
    return [[-1, -1], [-1, 1], [1, -1], [1, 1]].map(([sx, sy]) => ({ x: c.x + (sx as number) * px / 2, y: c.y + (sy as number) * py / 2 }));
  });
  // A flat or notch cuts into the circle: it must pass outside the visited dies too.
  const cut = map.flat_deg ?? map.notch_deg;
  const depth = map.flat_deg !== null ? FLAT_DEPTH : map.notch_deg !== null ? NOTCH_DEPTH : 0;
  const along = cut === null ? 0 : Math.max(...corners.map((p) => (p.x - map.centre_um.x) * Math.cos((cut * Math.PI) / 180) + (p.y - map.centre_um.y) * Math.sin((cut * Math.PI) / 180)));
  const radius = Math.max(along / (1 - depth), ...corners.map((p) => Math.hypot(p.x - map.centre_um.x, p.y - map.centre_um.y))) * 1.03;
  const minX = Math.min(map.centre_um.x - radius, ...map.dies.map((d) => stageCentre(d).x - px / 2));
  const maxX = Math.max(map.centre_um.x + radius, ...map.dies.map((d) => stageCentre(d).x + px / 2));
  const minY = Math.min(map.centre_um.y - radius, ...map.dies.map((d) => stageCentre(d).y - py / 2));
  const maxY = Math.max(map.centre_um.y + radius, ...map.dies.map((d) => stageCentre(d).y + py / 2));
  const margin = 0.02 * Math.max(maxX - minX, maxY - minY);
  const toX = (x: number) => x - minX + margin;
  const toY = (y: number) => maxY - y + margin;
  const cells: DieCell[] = map.dies.map((d) => {
    const c = stageCentre(d);
    return { die: d.die, col: d.col, row: d.row, x: toX(c.x - px / 2), y: toY(c.y + py / 2), w: px, h: py, excluded: d.excluded, reference: d.reference };
  });
  const byName = new Map(cells.map((c) => [c.die, c]));
  const cx = toX(map.centre_um.x);
  const cy = toY(map.centre_um.y);
  return {
    width: maxX - minX + 2 * margin,
    height: maxY - minY + 2 * margin,
    cells,
    outline: { cx, cy, r: radius, path: outlinePath(cx, cy, radius, map.flat_deg, map.notch_deg) },
    sitePoint(die, site) {
      const c = byName.get(die);
      const o = map.siteOffsets_um[site];
      if (!c || !o) return null;
      return { x: c.x + c.w / 2 + o.x, y: c.y + c.h / 2 - o.y };
    },
  };
}

/** The outline in drawing coordinates (Y down): angles are counter-clockwise from +X on the stage. */
export function outlinePath(cx: number, cy: number, r: number, flat_deg: number | null, notch_deg: number | null): string {
  const at = (deg: number, rr = r) => {
    const a = (deg * Math.PI) / 180;
    return `${fmt(cx + rr * Math.cos(a))} ${fmt(cy - rr * Math.sin(a))}`;
  };
  if (flat_deg !== null) {
    // The chord at distance r·(1 − depth) from the centre, perpendicular to the flat's direction.
    const half = (Math.acos(1 - FLAT_DEPTH) * 180) / Math.PI;
    // From one end of the chord the long way round the circle (screen sweep flag 0: counter-clockwise on the stage).
    return `M ${at(flat_deg + half)} A ${fmt(r)} ${fmt(r)} 0 1 0 ${at(flat_deg - half)} Z`;
  }
  if (notch_deg !== null) {
    return `M ${at(notch_deg + NOTCH_HALF_DEG)} A ${fmt(r)} ${fmt(r)} 0 1 0 ${at(notch_deg - NOTCH_HALF_DEG)} L ${at(notch_deg, r * (1 - NOTCH_DEPTH))} Z`;
  }
  return `M ${fmt(cx - r)} ${fmt(cy)} A ${fmt(r)} ${fmt(r)} 0 1 0 ${fmt(cx + r)} ${fmt(cy)} A ${fmt(r)} ${fmt(r)} 0 1 0 ${fmt(cx - r)} ${fmt(cy)} Z`;
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}
