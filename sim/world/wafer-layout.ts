// The public, nominal layout of the simulated wafer (`world: 'wafer'`, sim/world/README.md "The wafer
// world"): what a wafer map describes and a prober's recipe knows. The hidden placement (wafer-truth.ts)
// moves the real wafer around it. The library map sequences/library/maps/wafer-a.csv agrees with these
// numbers (the sim never imports sequences/; the contract is written down in both places).

/** Dies per row and per column. */
export const WAFER_GRID = { cols: 20, rows: 20 } as const;
/** Die pitch in X and Y, µm. */
export const DIE_PITCH_UM = { x: 1_000, y: 1_000 } as const;
/** Nominal stage XY of die C00R00's reference point (its centre), µm. */
export const DIE_ORIGIN_UM = { x_um: 3_000, y_um: 3_000 } as const;
/** The wafer centre the hidden rotation turns about, stage µm. */
export const WAFER_CENTRE_UM = { x_um: 12_500, y_um: 12_500 } as const;
/** Loopback sites per die, and their offsets from the die centre (x; y = 0), µm. */
export const WAFER_SITES = ['A', 'B', 'C', 'D'] as const;
export type WaferSiteName = (typeof WAFER_SITES)[number];
export const WAFER_SITE_OFFSETS_UM: Readonly<Record<WaferSiteName, number>> = { A: -375, B: -125, C: 125, D: 375 };
/** Spacing of the site offsets along X, µm (250: the out-grating 127 µm from the in-grating fits between). */
const SITE_SPACING_UM = 250;
export const WAFER_SITE_COUNT = WAFER_GRID.cols * WAFER_GRID.rows * WAFER_SITES.length;

export interface DieIndex {
  col: number;
  row: number;
}

/** `C07R03`: column then row, two digits each. */
export function dieName(col: number, row: number): string {
  checkDie(col, row);
  return `C${String(col).padStart(2, '0')}R${String(row).padStart(2, '0')}`;
}

/** Parses `C07R03` (case-insensitive) into its column and row; throws naming the text when it is not a die of the grid. */
export function parseDieName(name: string): DieIndex {
  const m = /^C(\d{2})R(\d{2})$/i.exec(name.trim());
  if (!m) throw new RangeError(`die name '${name}' must look like C07R03 (column, row: two digits each)`);
  const die = { col: Number(m[1]), row: Number(m[2]) };
  checkDie(die.col, die.row);
  return die;
}

export function checkDie(col: number, row: number): void {
  if (!Number.isInteger(col) || col < 0 || col >= WAFER_GRID.cols || !Number.isInteger(row) || row < 0 || row >= WAFER_GRID.rows) {
    throw new RangeError(`die (col ${col}, row ${row}) is off the wafer grid: col 0-${WAFER_GRID.cols - 1}, row 0-${WAFER_GRID.rows - 1}`);
  }
}

export function siteNumber(site: WaferSiteName | string): number {
  const k = (WAFER_SITES as readonly string[]).indexOf(site);
  if (k < 0) throw new RangeError(`site '${site}' must be one of ${WAFER_SITES.join(', ')}`);
  return k;
}

/** Nominal stage XY of a die's centre, µm. */
export function nominalDieCentre(col: number, row: number): { x_um: number; y_um: number } {
  checkDie(col, row);
  return { x_um: DIE_ORIGIN_UM.x_um + col * DIE_PITCH_UM.x, y_um: DIE_ORIGIN_UM.y_um + row * DIE_PITCH_UM.y };
}

/** Nominal stage XY of a site (the reference fiber over its in-grating), µm. */
export function nominalWaferSite(col: number, row: number, site: WaferSiteName | string): { x_um: number; y_um: number } {
  const c = nominalDieCentre(col, row);
  const k = siteNumber(site);
  return { x_um: c.x_um + WAFER_SITE_OFFSETS_UM[WAFER_SITES[k]!], y_um: c.y_um };
}

/** One index per site of the wafer, die by die (row-major), then site A…D: (row·cols + col)·4 + site. */
export function waferSiteIndex(col: number, row: number, site: number): number {
  checkDie(col, row);
  if (!Number.isInteger(site) || site < 0 || site >= WAFER_SITES.length) throw new RangeError(`site number ${site} must be 0-${WAFER_SITES.length - 1}`);
  return (row * WAFER_GRID.cols + col) * WAFER_SITES.length + site;
}

export function fromWaferSiteIndex(index: number): DieIndex & { site: number } {
  if (!Number.isInteger(index) || index < 0 || index >= WAFER_SITE_COUNT) throw new RangeError(`wafer site index ${index} must be 0-${WAFER_SITE_COUNT - 1}`);
  const site = index % WAFER_SITES.length;
  const die = (index - site) / WAFER_SITES.length;
  return { col: die % WAFER_GRID.cols, row: Math.floor(die / WAFER_GRID.cols), site };
}

/**
 * The die and site nearest to a point given in the wafer's own nominal frame (placement undone), µm:
 * constant time, by rounding, not a scan (the world asks this for every meter sample). Points off the
 * grid map to the nearest edge die; they are far from any of its gratings, so they see no light.
 */
export function nearestNominalSite(x_um: number, y_um: number): DieIndex & { site: number } {
  const col = clampInt(Math.round((x_um - DIE_ORIGIN_UM.x_um) / DIE_PITCH_UM.x), WAFER_GRID.cols - 1);
  const row = clampInt(Math.round((y_um - DIE_ORIGIN_UM.y_um) / DIE_PITCH_UM.y), WAFER_GRID.rows - 1);
  const dx = x_um - (DIE_ORIGIN_UM.x_um + col * DIE_PITCH_UM.x);
  const site = clampInt(Math.round((dx - WAFER_SITE_OFFSETS_UM.A) / SITE_SPACING_UM), WAFER_SITES.length - 1);
  return { col, row, site };
}

function clampInt(v: number, max: number): number {
  return Math.min(max, Math.max(0, v));
}
