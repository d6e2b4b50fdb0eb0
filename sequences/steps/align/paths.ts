// Search paths for first light, in the plane of the two alignment axes (called x and y here; the step
// maps them to the bench's logical axes). Pure geometry: no stage, no limits — the step checks those.

export interface Point_um {
  x_um: number;
  y_um: number;
}

/** A straight fly line along one axis while the other stays put. */
export interface ScanLine {
  along: 'x' | 'y';
  /** Position of the other axis during the line, µm. */
  fixed_um: number;
  from_um: number;
  to_um: number;
}

/** A path request was unusable (non-finite centre, radius or pitch ≤ 0, ...). */
export class PathError extends RangeError {
  override name = 'PathError';
}

function checkArea(centre: Point_um, radius_um: number, pitch_um: number): void {
  if (!Number.isFinite(centre.x_um) || !Number.isFinite(centre.y_um)) {
    throw new PathError(`search path: centre (${centre.x_um}, ${centre.y_um}) µm must be finite`);
  }
  if (!(Number.isFinite(radius_um) && radius_um > 0)) throw new PathError(`search path: radius_um is ${radius_um}; expected a length > 0`);
  if (!(Number.isFinite(pitch_um) && pitch_um > 0)) throw new PathError(`search path: pitch_um is ${pitch_um}; expected a length > 0`);
  if (radius_um / pitch_um > 10_000) throw new PathError(`search path: ${radius_um} µm at a ${pitch_um} µm pitch is too many points`);
}

/**
 * Offsets of n = ⌈2r/p⌉ evenly spaced lines (or grid columns), centred on 0, p apart: every point of
 * [−r, r] lies within p/2 of one of them.
 */
export function coveringOffsets_um(radius_um: number, pitch_um: number): number[] {
  const n = Math.max(1, Math.ceil((2 * radius_um) / pitch_um - 1e-9));
  return Array.from({ length: n }, (_, k) => (k - (n - 1) / 2) * pitch_um);
}

/**
 * Serpentine raster of fly lines covering the square centre ± radius: lines `along` one axis, `pitch`
 * apart on the other, alternating direction so each line starts where the previous one ended.
 */
export function rasterLines(centre: Point_um, radius_um: number, pitch_um: number, along: 'x' | 'y' = 'x'): ScanLine[] {
  checkArea(centre, radius_um, pitch_um);
  const [c, f] = along === 'x' ? [centre.x_um, centre.y_um] : [centre.y_um, centre.x_um];
  return coveringOffsets_um(radius_um, pitch_um).map((o, k) => ({
    along,
    fixed_um: f + o,
    from_um: k % 2 === 0 ? c - radius_um : c + radius_um,
    to_um: k % 2 === 0 ? c + radius_um : c - radius_um,
  }));
}

/**
 * Fly lines covering the square centre ± radius, `pitch` apart, flown from the middle outwards (the
 * lines nearest the centre first: where the search centre is a guess, the light is likeliest near it),
 * each starting at the end where the previous one stopped, so the move between two lines is a single
 * step across.
 */
export function centreOutLines(centre: Point_um, radius_um: number, pitch_um: number, along: 'x' | 'y' = 'x'): ScanLine[] {
  checkArea(centre, radius_um, pitch_um);
  const [c, f] = along === 'x' ? [centre.x_um, centre.y_um] : [centre.y_um, centre.x_um];
  // Nearest first; of two equally near, the one on the positive side, then alternate sides.
  const offsets = coveringOffsets_um(radius_um, pitch_um).sort((a, b) => Math.abs(a) - Math.abs(b) || b - a);
  return offsets.map((o, k) => ({
    along,
    fixed_um: f + o,
    from_um: k % 2 === 0 ? c - radius_um : c + radius_um,
    to_um: k % 2 === 0 ? c + radius_um : c - radius_um,
  }));
}

/** Serpentine grid of points covering the square centre ± radius, `pitch` apart (step-and-read raster). */
export function rasterPoints(centre: Point_um, radius_um: number, pitch_um: number): Point_um[] {
  checkArea(centre, radius_um, pitch_um);
  const offsets = coveringOffsets_um(radius_um, pitch_um);
  const out: Point_um[] = [];
  offsets.forEach((oy, row) => {
    const xs = row % 2 === 0 ? offsets : [...offsets].reverse();
    for (const ox of xs) out.push({ x_um: centre.x_um + ox, y_um: centre.y_um + oy });
  });
  return out;
}

/**
 * Archimedean spiral r = p·θ/2π from the centre outwards, points about `pitch` apart along the arm, until
 * the arm is half a pitch beyond `radius` (so the rim is covered). Successive turns are `pitch` apart.
 */
export function spiralPoints(centre: Point_um, radius_um: number, pitch_um: number): Point_um[] {
  checkArea(centre, radius_um, pitch_um);
  const out: Point_um[] = [{ ...centre }];
  const b = pitch_um / (2 * Math.PI);
  let theta = 2 * Math.PI * 0.5; // the first point half a turn out: r = p/2
  for (;;) {
    const r = b * theta;
    if (r > radius_um + pitch_um / 2) break;
    out.push({ x_um: centre.x_um + r * Math.cos(theta), y_um: centre.y_um + r * Math.sin(theta) });
    // Arc length ds = √(r² + b²) dθ: step θ so consecutive points are about one pitch apart.
    theta += pitch_um / Math.hypot(r, b);
  }
  return out;
}

/**
 * A square spiral of fly legs from the centre (legs of 1, 1, 2, 2, 3, 3, … pitches, turning +x, +y, −x,
 * −y): each leg is one single-axis move, so a stage without coordinated motion can fly it. Stops once
 * the spiral's half-width exceeds `radius`.
 */
export function squareSpiralLegs(centre: Point_um, radius_um: number, pitch_um: number): ScanLine[] {
  checkArea(centre, radius_um, pitch_um);
  const legs: ScanLine[] = [];
  let x = centre.x_um, y = centre.y_um;
  const dirs: [number, number][] = [[1, 0], [0, 1], [-1, 0], [0, -1]];
  for (let k = 0; ; k++) {
    const length = Math.floor(k / 2 + 1) * pitch_um;
    const [dx, dy] = dirs[k % 4] as [number, number];
    const nx = x + dx * length, ny = y + dy * length;
    legs.push(dx !== 0 ? { along: 'x', fixed_um: y, from_um: x, to_um: nx } : { along: 'y', fixed_um: x, from_um: y, to_um: ny });
    x = nx;
    y = ny;
    if (Math.max(Math.abs(x - centre.x_um), Math.abs(y - centre.y_um)) > radius_um + pitch_um / 2 && k % 2 === 1) break;
  }
  return legs;
}

/** Start and end points of a line in the plane. */
export function lineEnds(line: ScanLine): [Point_um, Point_um] {
  return line.along === 'x'
    ? [{ x_um: line.from_um, y_um: line.fixed_um }, { x_um: line.to_um, y_um: line.fixed_um }]
    : [{ x_um: line.fixed_um, y_um: line.from_um }, { x_um: line.fixed_um, y_um: line.to_um }];
}

/** The bounding box of a set of points (for soft-limit checks before anything moves). */
export function boundingBox(points: readonly Point_um[]): { min: Point_um; max: Point_um } {
  if (points.length === 0) throw new PathError('search path: no points');
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x_um);
    minY = Math.min(minY, p.y_um);
    maxX = Math.max(maxX, p.x_um);
    maxY = Math.max(maxY, p.y_um);
  }
  return { min: { x_um: minX, y_um: minY }, max: { x_um: maxX, y_um: maxY } };
}
