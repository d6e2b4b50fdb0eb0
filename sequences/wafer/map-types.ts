// A wafer map: the die grid (pitch, origin, flat/notch), which dies are excluded or reference dies, and the
// test sites of a die with their offsets from its reference point. Read from a YAML grid (map-yaml.ts) or
// a CSV list (map-csv.ts); docs/wafer.md describes both. Stage coordinates throughout, µm.
import { SequenceError } from '../schema/errors.ts';

export interface WaferSiteDef {
  /** Site name as `$site` and in step ids (A, B, ...). */
  name: string;
  /** Offset of the site from the die's reference point, µm. */
  dx_um: number;
  dy_um: number;
}

export interface WaferDie {
  /** 'C07R03' unless the CSV names it otherwise. */
  name: string;
  col: number;
  row: number;
  /** The die's reference point (its centre) on the stage, nominal, µm. */
  x_um: number;
  y_um: number;
  excluded: boolean;
  reference: boolean;
}

export interface WaferMap {
  /** The map's `wafer:` name, else the file name without extension. */
  name: string;
  /** Absolute path of the file it was read from. */
  file: string;
  pitch_um: { x: number; y: number };
  /** Where die (0, 0)'s reference point lies on the stage, µm. */
  origin_um: { x: number; y: number };
  /** The flat or notch direction, degrees counter-clockwise from +X (drawn by the view; 270 = flat at −Y). */
  flat_deg: number | null;
  notch_deg: number | null;
  /** The point the placement's rotation is about (default: the middle of the die grid), µm. */
  centre_um: { x: number; y: number };
  sites: WaferSiteDef[];
  dies: WaferDie[];
}

/** Problems in a wafer map: each a SequenceIssue naming the map file, the line, the field or die. */
export class WaferMapError extends SequenceError {
  override name = 'WaferMapError';
}

/** `C07R03` for column 7, row 3. */
export function dieName(col: number, row: number): string {
  return `C${String(col).padStart(2, '0')}R${String(row).padStart(2, '0')}`;
}

/** The nominal stage position of a site of a die, µm. */
export function siteStage_um(die: Pick<WaferDie, 'x_um' | 'y_um'>, site: Pick<WaferSiteDef, 'dx_um' | 'dy_um'>): { x: number; y: number } {
  return { x: die.x_um + site.dx_um, y: die.y_um + site.dy_um };
}

/** The contract's four loopback sites (docs/wafer.md), used when a map names none. */
export const DEFAULT_SITES: readonly WaferSiteDef[] = [
  { name: 'A', dx_um: -375, dy_um: 0 },
  { name: 'B', dx_um: -125, dy_um: 0 },
  { name: 'C', dx_um: 125, dy_um: 0 },
  { name: 'D', dx_um: 375, dy_um: 0 },
];
