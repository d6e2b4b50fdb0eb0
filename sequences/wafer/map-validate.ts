// Checks of a wafer map that do not depend on its form: names and grid cells unique, no two dies
// overlapping (closer than a pitch on both axes), a reference die never excluded, at least one die to
// visit; and, against a stage's soft limits, the origin and every visited site inside them. Each problem
// names the die.
import type { SequenceIssue } from '../schema/errors.ts';
import { siteStage_um, type WaferMap } from './map-types.ts';

export interface AxisLimits {
  min_um: number;
  max_um: number;
}

/** Geometry of the map alone. */
export function checkMap(map: WaferMap, issues: SequenceIssue[]): void {
  const issue = (field: string, message: string) => issues.push({ file: map.file, line: 0, col: 0, field, message });
  const byName = new Map<string, number>();
  const byCell = new Map<string, string>();
  for (const d of map.dies) {
    byName.set(d.name, (byName.get(d.name) ?? 0) + 1);
    const cell = `${d.col},${d.row}`;
    const other = byCell.get(cell);
    if (other !== undefined && other !== d.name) issue(`die ${d.name}`, `dies ${other} and ${d.name} are both at column ${d.col}, row ${d.row}`);
    byCell.set(cell, d.name);
    if (d.reference && d.excluded) issue(`die ${d.name}`, `die ${d.name} is both excluded and a reference die; a reference die must be visited`);
  }
  for (const [name, n] of byName) if (n > 1) issue(`die ${name}`, `die ${name} is listed ${n} times; die names must be unique`);
  // Sorted by x, a sweep finds every pair closer than a pitch on both axes without comparing all pairs.
  const sorted = [...map.dies].sort((a, b) => a.x_um - b.x_um);
  const eps = 1e-6;
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (b.x_um - a.x_um >= map.pitch_um.x - eps) break;
      if (Math.abs(b.y_um - a.y_um) < map.pitch_um.y - eps) {
        issue(`die ${b.name}`, `dies ${a.name} at (${a.x_um}, ${a.y_um}) µm and ${b.name} at (${b.x_um}, ${b.y_um}) µm overlap: ` +
          `their centres are closer than the pitch (${map.pitch_um.x} × ${map.pitch_um.y} µm)`);
      }
    }
  }
  if (!map.dies.some((d) => !d.excluded)) issue('(dies)', 'every die is excluded; expected at least one die to visit');
  if (map.sites.length === 0) issue('sites', 'expected at least one site');
}

/**
 * The origin and every site of every visited die (of the chosen sites) inside the stage's X/Y soft
 * limits. Problems name the die and the site.
 */
export function checkMapOnStage(map: WaferMap, siteNames: readonly string[], limits: { x?: AxisLimits; y?: AxisLimits }, issues: SequenceIssue[], where: { file: string; line: number; col: number; field: string }): void {
  const out = (v: number, l: AxisLimits | undefined) => l !== undefined && (v < l.min_um || v > l.max_um);
  const fmt = (l: AxisLimits | undefined) => (l ? `[${l.min_um}, ${l.max_um}] µm` : '');
  if (out(map.origin_um.x, limits.x) || out(map.origin_um.y, limits.y)) {
    issues.push({ ...where, message: `the map's origin (${map.origin_um.x}, ${map.origin_um.y}) µm (${map.file}) is outside the stage's limits X ${fmt(limits.x)}, Y ${fmt(limits.y)}` });
  }
  const sites = map.sites.filter((s) => siteNames.includes(s.name));
  for (const d of map.dies) {
    if (d.excluded) continue;
    for (const s of sites) {
      const p = siteStage_um(d, s);
      if (out(p.x, limits.x) || out(p.y, limits.y)) {
        issues.push({ ...where, message: `die ${d.name} site ${s.name} at (${p.x}, ${p.y}) µm is outside the stage's soft limits X ${fmt(limits.x)}, Y ${fmt(limits.y)}; exclude the die in the map or fix its position` });
      }
    }
  }
}
