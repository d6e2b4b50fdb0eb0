// The wafer's outputs in the run folder, rewritten whole (atomically) after every die-site from the
// journalled results, so a resumed run's files are the same as an uninterrupted one's:
// dies.csv (one row per die and site: every measurement with its unit, pass/fail, bin), kgd.csv (one row per
// die: its bin, the worst of its sites) and kgd.txt (the known-good-die map as a text grid, row 0 at the bottom).
import { join } from 'node:path';
import { writeFileAtomic } from '../records/atomic-file.ts';
import { formatRows, metadataLine } from '../records/csv-table.ts';
import type { DieFinishedEventBody, WaferMapEventBody, WaferPlacement } from '../wafer-events.ts';
import { BIN_NAMES } from './wafer-plan.ts';

export type DieResult = Omit<DieFinishedEventBody, 'type'>;

/** run.json's `wafer` (or each of `wafers`). */
export interface WaferRecord {
  map: Omit<WaferMapEventBody, 'type'>;
  results: DieResult[];
  placement: WaferPlacement | null;
  /** found − fitted per aligned site, from the last placement fit (µm). */
  residuals?: { key: string; dx_um: number; dy_um: number; dz_um?: number }[];
}

/** A measurement's column: the name carries its unit (power_dBm) or gets it (`readings`, unitless, stays). */
function columnOf(name: string, unit: string): string {
  const u = unit.replace(/[µμ]/g, 'u').replace('/', '_');
  return u === '' || name.endsWith(`_${u}`) ? name : `${name}_${u}`;
}

/** The latest result of each die-site (a reprobe replaces the first pass in the map, both stay in dies.csv). */
export function latestResults(results: readonly DieResult[]): Map<string, DieResult> {
  const out = new Map<string, DieResult>();
  for (const r of results) out.set(`${r.loopId}|${r.die}.${r.site}`, r);
  return out;
}

export function diesCsv(wafers: readonly WaferRecord[]): string {
  const results = wafers.flatMap((w) => w.results);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    for (const [name, m] of Object.entries(r.measurements)) {
      const c = columnOf(name, m.unit);
      if (!seen.has(c)) {
        seen.add(c);
        columns.push(c);
      }
    }
  }
  const several = wafers.length > 1;
  const header = [...(several ? ['loop'] : []), 'die', 'die_x', 'die_y', 'site', ...columns,
    'predicted_x_um', 'predicted_y_um', 'residual_x_um', 'residual_y_um', 'predicted_z_um', 'residual_z_um', 'first_light_skipped', 'height_scan_skipped', 'passed', 'bin', 'bin_name', 'reprobe', 'pass'];
  const rows = results.map((r) => {
    const byColumn = new Map(Object.entries(r.measurements).map(([n, m]) => [columnOf(n, m.unit), m.value]));
    const p = r.prediction;
    return [
      ...(several ? [r.loopId] : []), r.die, r.col, r.row, r.site, ...columns.map((c) => byColumn.get(c) ?? ''),
      p?.predicted_um.x ?? '', p?.predicted_um.y ?? '', p?.residual_um?.x ?? '', p?.residual_um?.y ?? '', p?.predicted_um.z ?? '', p?.residual_um?.z ?? '',
      p ? p.firstLightSkipped : '', p ? p.heightScanSkipped === true : '', r.passed, r.bin, r.binName, r.reprobe === true, r.pass ?? 1,
    ];
  });
  const meta = wafers.map((w) => metadataLine(`wafer ${w.map.loopId}`, `${w.map.wafer}, sites ${w.map.sites.join(' ')}`)).join('');
  return meta + metadataLine('bins', Object.entries(BIN_NAMES).map(([b, n]) => `${b} ${n}`).join(', ')) + formatRows([header, ...rows]);
}

/** Per die: the worst bin over its sites (the latest result of each), or null while none is measured. */
export function dieBins(w: WaferRecord): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of latestResults(w.results).values()) out.set(r.die, Math.max(out.get(r.die) ?? 0, r.bin));
  return out;
}

export function kgdCsv(wafers: readonly WaferRecord[]): string {
  const rows: unknown[][] = [['loop', 'die', 'col', 'row', 'status', 'bin', 'bin_name', 'good']];
  for (const w of wafers) {
    const bins = dieBins(w);
    for (const d of w.map.dies) {
      const bin = bins.get(d.die);
      const status = d.excluded ? 'excluded' : bin === undefined ? 'untested' : 'tested';
      rows.push([w.map.loopId, d.die, d.col, d.row, status, bin ?? '', bin === undefined ? '' : BIN_NAMES[bin] ?? '', bin === 1]);
    }
  }
  return formatRows(rows);
}

/** The map as text: one character per die, the top row first: bin digit, `.` excluded, `-` not measured. */
export function kgdText(wafers: readonly WaferRecord[]): string {
  return wafers.map((w) => {
    const bins = dieBins(w);
    const cols = w.map.dies.map((d) => d.col);
    const rows = w.map.dies.map((d) => d.row);
    const [c0, c1, r0, r1] = [Math.min(...cols), Math.max(...cols), Math.min(...rows), Math.max(...rows)];
    const at = new Map(w.map.dies.map((d) => [`${d.col},${d.row}`, d]));
    const lines = [`# known-good dies of ${w.map.wafer} (${w.map.loopId}): 1 good, 2 no light, 3 failed limits, 4 step error, . excluded, - not measured, blank no die`];
    for (let r = r1; r >= r0; r--) {
      let line = `R${String(r).padStart(2, '0')} `;
      for (let c = c0; c <= c1; c++) {
        const d = at.get(`${c},${r}`);
        line += !d ? ' ' : d.excluded ? '.' : String(bins.get(d.die) ?? '-');
      }
      lines.push(line);
    }
    const good = [...bins.values()].filter((b) => b === 1).length;
    lines.push(`${good} good of ${bins.size} measured dies (${w.map.dies.filter((d) => !d.excluded).length} to visit)`);
    return `${lines.join('\n')}\n`;
  }).join('\n');
}

export function writeWaferOutputs(folder: string, wafers: readonly WaferRecord[]): void {
  writeFileAtomic(join(folder, 'dies.csv'), diesCsv(wafers));
  writeFileAtomic(join(folder, 'kgd.csv'), kgdCsv(wafers));
  writeFileAtomic(join(folder, 'kgd.txt'), kgdText(wafers));
}
