// The events of a wafer loop (`loop: { wafer: ..., sites: [...] }`): the map once when the loop starts, then
// one result per die and site as it ends. The records writer, the CLI, the service and the wafer map view
// all read these; a view draws the grid from 'wafer-map' before any die is measured.
import type { Measurement } from './step.ts';

/** A die as the map gives it: grid indices, its centre on the stage, and what the map says about it. */
export interface WaferDieSummary {
  /** The die's name, as in dies.csv (e.g. 'C07R03'). */
  die: string;
  /** Grid column and row (die_x, die_y in scope). */
  col: number;
  row: number;
  /** The die's reference point in stage coordinates (µm), before any learned placement. */
  x_um: number;
  y_um: number;
  /** Excluded dies are drawn but never visited. */
  excluded: boolean;
  /** Reference dies are visited first; the placement is learned from them. */
  reference: boolean;
}

export interface WaferMapEventBody {
  type: 'wafer-map';
  /** The loop's step-id prefix, e.g. 'wafer'; several wafer loops in one run keep their maps apart by it. */
  loopId: string;
  /** The map's name (its file name without extension, or its `name:`). */
  wafer: string;
  pitch_um: { x: number; y: number };
  sites: string[];
  /** Every site of the map (not only the visited ones): its offset from a die's reference point, µm. */
  siteOffsets_um: Record<string, { x: number; y: number }>;
  /** The flat or notch direction from the centre, degrees counter-clockwise from +X (null: the map gives none). */
  flat_deg: number | null;
  notch_deg: number | null;
  /** The point the placement rotates about (the map's `centre`), stage µm; a view centres the outline on it. */
  centre_um: { x: number; y: number };
  /** The visiting order's die names. */
  order: string[];
  dies: WaferDieSummary[];
}

/** What the run learned about where the chip lies, after each aligned site. */
export interface WaferPlacement {
  offset_um: { x: number; y: number };
  rotation_deg: number;
  /** Height plane z = z0 + ax·x + ay·y (µm, with slopes in µm/µm). */
  plane: { z0_um: number; ax: number; ay: number };
  /** Sites the fit used. */
  sites: number;
  rms_residual_um: number;
  /** Sites whose heights the plane stands on (absent: no site reported a height, the plane is the loop's height). */
  plane_sites?: number;
  /** RMS of those heights about the plane, µm. */
  plane_rms_um?: number;
}

export interface DieFinishedEventBody {
  type: 'die-finished';
  loopId: string;
  die: string;
  col: number;
  row: number;
  site: string;
  /** All of this die-site's limits passed and nothing failed. */
  passed: boolean;
  /** 1 = good; the map or sequence names the others (e.g. 2 'no light', 3 'high loss'). */
  bin: number;
  binName: string;
  measurements: Record<string, Measurement>;
  /** The step instances of this die-site, so a view can open their plots. */
  stepIds: string[];
  /** Present when the run predicted this site's optimum from the placement. */
  prediction?: {
    predicted_um: { x: number; y: number; z?: number };
    found_um: { x: number; y: number; z?: number } | null;
    /** found − predicted (µm): in the plane, and z when both heights are known; null when no light was found. */
    residual_um: { x: number; y: number; z?: number } | null;
    /** True when fine peaking started at the prediction and no first-light search ran. */
    firstLightSkipped: boolean;
    /** True when the align's height scan was left out: the height plane already knew the height (docs/wafer.md). */
    heightScanSkipped?: boolean;
  };
  /** The placement after this site (absent until enough sites were aligned to fit it). */
  placement?: WaferPlacement;
  /** True when this die-site was measured again by a reprobe pass. */
  reprobe?: boolean;
  /** The pass that measured it, on reprobes: 2 for the first reprobe pass (absent: 1, the first pass). */
  pass?: number;
  /** The failing step's error (bins 2 and 4). */
  error?: string;
}
