// The hidden truth of one seeded wafer: where the wafer really lies on the chuck after coarse alignment
// (offset, rotation, height plane), and what each die and site really does (optimum scatter, coupler
// loss, dead and high-loss dies). The figures come from wafer-level photonics probing, not from the
// product (sim/world/README.md "The wafer world" gives the sources); nothing here is visible through an
// instrument.
import type { GratingCoupler } from '../../models/grating.ts';
import type { SeededRandom } from '../random.ts';
import { CHIP_SURFACE_Z_UM } from './layout.ts';
import type { SiteTruth } from './truth.ts';
import { WAFER_CENTRE_UM, WAFER_GRID, WAFER_SITES, dieName, nominalWaferSite, waferSiteIndex } from './wafer-layout.ts';

/** Bounds of the hidden placement, and the die-to-die scatter (the wafer contract's numbers). */
export const WAFER_PLACEMENT_BOUNDS = {
  offset_um: 150,
  rotation_deg: 0.15,
  z0_um: 5,
  slope: 2e-4,
} as const;
/** Die-to-die scatter: die and site parts of the optimum's σ (√(1.2² + 0.9²) = 1.5 µm per axis), coupler loss σ. */
export const WAFER_SCATTER = { dieOptimum_um: 1.2, siteOptimum_um: 0.9, couplerLoss_dB: 0.3, dieHeight_um: 0.3 } as const;
/** How many of the 400 dies give no light, and how many lose 6 dB more: ~2 % each, chosen by seed. */
export const WAFER_DEAD_DIES = 8;
export const WAFER_HIGH_LOSS_DIES = 8;
export const HIGH_LOSS_EXTRA_DB = 6;

/**
 * The highest any die's surface can lie in stage Z: the plane's z0 and both slopes at their bounds at the
 * die centre farthest from the wafer centre (9 500 µm plus the offset per axis), plus 4σ of a die's height.
 */
export const WAFER_HIGHEST_SURFACE_UM =
  CHIP_SURFACE_Z_UM + WAFER_PLACEMENT_BOUNDS.z0_um + 2 * WAFER_PLACEMENT_BOUNDS.slope * (9_500 + WAFER_PLACEMENT_BOUNDS.offset_um) + 4 * WAFER_SCATTER.dieHeight_um;

/** Where the wafer lies: stage = centre + R(rotation)·(nominal − centre) + offset; surface = plane. */
export interface WaferPlacementTruth {
  offset_um: { x_um: number; y_um: number };
  rotation_deg: number;
  /** Surface Z = CHIP_SURFACE_Z_UM + z0 + ax·(x − 12 500) + ay·(y − 12 500) (stage µm, slopes µm/µm). */
  plane: { z0_um: number; ax: number; ay: number };
}

export interface WaferDieTruth {
  name: string;
  col: number;
  row: number;
  /** No light at any site (a broken waveguide or grating). */
  dead: boolean;
  /** Every site loses HIGH_LOSS_EXTRA_DB more. */
  highLoss: boolean;
  /** The die's own height above the plane (thickness, local bow), µm. */
  height_um: number;
}

export interface WaferTruth {
  placement: WaferPlacementTruth;
  dies: WaferDieTruth[];
  /** Every site, indexed by waferSiteIndex(col, row, site): optimum (stage XY, before drift), couplers, … */
  sites: SiteTruth[];
}

/** Where a nominal wafer point lies on the stage under a placement (rotation about the wafer centre, then offset). */
export function placePoint(p: WaferPlacementTruth, x_um: number, y_um: number): { x_um: number; y_um: number } {
  const a = (p.rotation_deg * Math.PI) / 180;
  const [c, s] = [Math.cos(a), Math.sin(a)];
  const dx = x_um - WAFER_CENTRE_UM.x_um;
  const dy = y_um - WAFER_CENTRE_UM.y_um;
  return { x_um: WAFER_CENTRE_UM.x_um + c * dx - s * dy + p.offset_um.x_um, y_um: WAFER_CENTRE_UM.y_um + s * dx + c * dy + p.offset_um.y_um };
}

/** The inverse of placePoint: the nominal wafer point under a stage XY. */
export function unplacePoint(p: WaferPlacementTruth, x_um: number, y_um: number): { x_um: number; y_um: number } {
  const a = (p.rotation_deg * Math.PI) / 180;
  const [c, s] = [Math.cos(a), Math.sin(a)];
  const dx = x_um - p.offset_um.x_um - WAFER_CENTRE_UM.x_um;
  const dy = y_um - p.offset_um.y_um - WAFER_CENTRE_UM.y_um;
  return { x_um: WAFER_CENTRE_UM.x_um + c * dx + s * dy, y_um: WAFER_CENTRE_UM.y_um - s * dx + c * dy };
}

/** The plane's surface Z at a stage XY (without a die's own height), µm. */
export function planeZ_um(p: WaferPlacementTruth, x_um: number, y_um: number): number {
  return CHIP_SURFACE_Z_UM + p.plane.z0_um + p.plane.ax * (x_um - WAFER_CENTRE_UM.x_um) + p.plane.ay * (y_um - WAFER_CENTRE_UM.y_um);
}

/** Draws the whole wafer from `rng` (a stream of its own, so the chip world's draws never change). */
export function drawWaferTruth(rng: SeededRandom): WaferTruth {
  const b = WAFER_PLACEMENT_BOUNDS;
  const placement: WaferPlacementTruth = {
    offset_um: { x_um: rng.uniform(-b.offset_um, b.offset_um), y_um: rng.uniform(-b.offset_um, b.offset_um) },
    rotation_deg: rng.uniform(-b.rotation_deg, b.rotation_deg),
    plane: { z0_um: rng.uniform(-b.z0_um, b.z0_um), ax: rng.uniform(-b.slope, b.slope), ay: rng.uniform(-b.slope, b.slope) },
  };
  const dieCount = WAFER_GRID.cols * WAFER_GRID.rows;
  const bad = shuffledDies(rng, dieCount).slice(0, WAFER_DEAD_DIES + WAFER_HIGH_LOSS_DIES);
  const dead = new Set(bad.slice(0, WAFER_DEAD_DIES));
  const high = new Set(bad.slice(WAFER_DEAD_DIES));
  // One grating design on the whole wafer; fabrication moves each die's centre wavelength and loss a little.
  const design = { centre_nm: rng.uniform(1543, 1557), bandwidth1dB_nm: rng.uniform(28, 36), peakLoss_dB: rng.uniform(3.3, 4.3), bestGap_um: rng.uniform(17, 23) };
  const dies: WaferDieTruth[] = [];
  const sites: SiteTruth[] = [];
  for (let row = 0; row < WAFER_GRID.rows; row++) {
    for (let col = 0; col < WAFER_GRID.cols; col++) {
      const d = row * WAFER_GRID.cols + col;
      dies.push({ name: dieName(col, row), col, row, dead: dead.has(d), highLoss: high.has(d), height_um: rng.normal(0, WAFER_SCATTER.dieHeight_um) });
      const dieShift = { x: rng.normal(0, WAFER_SCATTER.dieOptimum_um), y: rng.normal(0, WAFER_SCATTER.dieOptimum_um) };
      const centre_nm = design.centre_nm + rng.normal(0, 1.5);
      const dieLoss_dB = design.peakLoss_dB + rng.normal(0, WAFER_SCATTER.couplerLoss_dB);
      for (let k = 0; k < WAFER_SITES.length; k++) {
        const nominal = nominalWaferSite(col, row, WAFER_SITES[k]!);
        const placed = placePoint(placement, nominal.x_um, nominal.y_um);
        const couplerIn: GratingCoupler = { centre_nm: centre_nm + rng.uniform(-0.5, 0.5), bandwidth1dB_nm: design.bandwidth1dB_nm, peakLoss_dB: Math.max(2.5, dieLoss_dB + rng.uniform(-0.1, 0.1)) };
        const couplerOut: GratingCoupler = { centre_nm: centre_nm + rng.uniform(-0.5, 0.5), bandwidth1dB_nm: design.bandwidth1dB_nm, peakLoss_dB: Math.max(2.5, dieLoss_dB + rng.uniform(-0.1, 0.1)) };
        sites.push({
          index: waferSiteIndex(col, row, k),
          optimum_um: {
            x_um: placed.x_um + dieShift.x + rng.normal(0, WAFER_SCATTER.siteOptimum_um),
            y_um: placed.y_um + dieShift.y + rng.normal(0, WAFER_SCATTER.siteOptimum_um),
          },
          couplerIn,
          couplerOut,
          chipModeRadius_um: rng.uniform(5.0, 5.4),
          waveguideLoss_dB: rng.uniform(0.8, 1.2) + (high.has(d) ? HIGH_LOSS_EXTRA_DB : 0),
          bestGap_um: design.bestGap_um + rng.normal(0, 0.5),
          rippleDepth_dB: rng.uniform(0.15, 0.3),
        });
      }
    }
  }
  return { placement, dies, sites };
}

/** A seeded permutation of die numbers 0…n−1 (Fisher–Yates). */
function shuffledDies(rng: SeededRandom, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
