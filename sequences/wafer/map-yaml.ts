// The YAML grid form of a wafer map: pitch, origin, the grid's column and row ranges, flat or notch,
// excluded and reference dies by name, and the sites of a die. Every die of the ranges exists; excluded
// ones are drawn and never visited. docs/wafer.md has an example.
import { basename, extname } from 'node:path';
import { z } from 'zod';
import type { SequenceIssue } from '../schema/errors.ts';
import { q } from '../schema/q.ts';
import { zodInto } from '../schema/sequence-file.ts';
import { SourceFile } from '../schema/source.ts';
import { DEFAULT_SITES, dieName, type WaferDie, type WaferMap, type WaferSiteDef } from './map-types.ts';

const xy = z.strictObject({ x: q.length_um(), y: q.length_um() }, { error: 'expected { x: <length>, y: <length> }, e.g. { x: 1000um, y: 1000um }' });
const positiveXy = z.strictObject({ x: q.length_um({ positive: true }), y: q.length_um({ positive: true }) }, { error: 'expected { x: 1000um, y: 1000um }' });
/** `20` (0…19) or `[5, 14]` (inclusive). */
const span = z.union([
  z.number().int().min(1),
  z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([a, b]) => b >= a, { error: 'expected [first, last] with last >= first' }),
], { error: 'expected a count (20 → 0…19) or an inclusive range [first, last], e.g. [5, 14]' });
const dieList = z.array(z.string(), { error: 'expected a list of die names, e.g. [C00R00, C19R19]' });

export const mapYamlSchema = z.strictObject({
  wafer: z.string().optional(),
  pitch: positiveXy,
  origin: xy,
  grid: z.strictObject({ cols: span, rows: span }, { error: 'expected { cols: 20, rows: 20 } or { cols: [5, 14], rows: [5, 14] }' }),
  flat: q.angle_deg().optional(),
  notch: q.angle_deg().optional(),
  centre: xy.optional(),
  excluded: dieList.default([]),
  reference: dieList.default([]),
  sites: z.record(z.string(), xy, { error: 'expected sites as name → offset, e.g. { A: { x: -375um, y: 0um } }' }).optional(),
}, { error: 'expected a wafer map: { wafer, pitch, origin, grid, flat|notch, excluded, reference, sites }' });

function range(s: z.output<typeof span>): [number, number] {
  return typeof s === 'number' ? [0, s - 1] : s;
}

/** Parses the YAML grid form; problems are appended to `issues` (null when the map cannot be built). */
export function parseMapYaml(file: string, text: string, issues: SequenceIssue[]): WaferMap | null {
  const { source, errors } = SourceFile.parse(file, text);
  if (errors.length) {
    issues.push(...errors);
    return null;
  }
  const m = zodInto(source, mapYamlSchema, source.toJS(), [], issues);
  if (!m) return null;
  const [c0, c1] = range(m.grid.cols);
  const [r0, r1] = range(m.grid.rows);
  const excluded = new Set(m.excluded);
  const reference = new Set(m.reference);
  const dies: WaferDie[] = [];
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      const name = dieName(col, row);
      dies.push({
        name, col, row, x_um: m.origin.x + col * m.pitch.x, y_um: m.origin.y + row * m.pitch.y,
        excluded: excluded.has(name), reference: reference.has(name),
      });
    }
  }
  const known = new Set(dies.map((d) => d.name));
  for (const key of ['excluded', 'reference'] as const) {
    m[key].forEach((name, i) => {
      if (!known.has(name)) issues.push(source.issue([key, i], `no die '${name}' in the grid (columns ${c0}…${c1}, rows ${r0}…${r1}); expected a name like ${dieName(c0, r0)}`));
    });
  }
  m.reference.forEach((name, i) => {
    if (excluded.has(name)) issues.push(source.issue(['reference', i], `die ${name} is both excluded and a reference die; a reference die must be visited`));
  });
  const sites: WaferSiteDef[] = m.sites
    ? Object.entries(m.sites).map(([name, o]) => ({ name, dx_um: o.x, dy_um: o.y }))
    : DEFAULT_SITES.map((s) => ({ ...s }));
  for (const s of sites) {
    if (!/^[A-Za-z0-9_-]+$/.test(s.name)) issues.push(source.issue(['sites', s.name], 'expected a site name of letters, digits, - or _'));
  }
  const centre = m.centre ?? { x: m.origin.x + ((c0 + c1) / 2) * m.pitch.x, y: m.origin.y + ((r0 + r1) / 2) * m.pitch.y };
  return {
    name: m.wafer ?? basename(file, extname(file)), file, pitch_um: m.pitch, origin_um: m.origin,
    flat_deg: m.flat ?? null, notch_deg: m.notch ?? null, centre_um: centre, sites, dies,
  };
}
