// The wafer under the fiber array (`world: 'wafer'`): 20 × 20 dies of four loopback sites each, placed by
// the hidden placement and tilted by its height plane. The light at a fiber position comes from the
// nearest site of the nearest die, found by undoing the placement and rounding to the grid (constant time
// per meter sample, not a scan over 1600 sites). Each site responds as a chip-world site does
// (siteTransmission); a dead die gives no light, and the drift moves the whole wafer.
import { siteTransmission } from './chip.ts';
import type { ChipResponse, FiberPosition, SurfaceModel } from './chip.ts';
import type { DriftModel } from './drift.ts';
import type { SiteTruth } from './truth.ts';
import { WAFER_GRID, WAFER_SITE_COUNT, fromWaferSiteIndex, nearestNominalSite, waferSiteIndex } from './wafer-layout.ts';
import { planeZ_um, unplacePoint } from './wafer-truth.ts';
import type { WaferDieTruth, WaferTruth } from './wafer-truth.ts';

export class WaferModel implements SurfaceModel {
  constructor(
    readonly truth: WaferTruth,
    private readonly drift: DriftModel,
  ) {}

  /** Where wafer site k (waferSiteIndex) has its optimum at bench time t: XY of the peak and the best Z, µm. */
  optimumAt(k: number, t_s: number): FiberPosition {
    const site = this.site(k);
    const d = this.drift.offset(t_s);
    const { x_um, y_um } = site.optimum_um;
    return { x_um: x_um + d.dx_um, y_um: y_um + d.dy_um, z_um: this.surfaceUndrifted_um(x_um, y_um, this.dieOf(k)) + d.dz_um + site.bestGap_um };
  }

  /** True surface height at bench time t under a stage XY (default: the wafer centre's die), µm. */
  surfaceAt_um(t_s: number, xy: { x_um: number; y_um: number } = { x_um: 12_500, y_um: 12_500 }): number {
    const d = this.drift.offset(t_s);
    const x = xy.x_um - d.dx_um;
    const y = xy.y_um - d.dy_um;
    const n = unplacePoint(this.truth.placement, x, y);
    const near = nearestNominalSite(n.x_um, n.y_um);
    return this.surfaceUndrifted_um(x, y, this.die(near.col, near.row)) + d.dz_um;
  }

  response(pos: FiberPosition, wavelength_nm: number, t_s: number): ChipResponse {
    const d = this.drift.offset(t_s);
    const x = pos.x_um - d.dx_um;
    const y = pos.y_um - d.dy_um;
    const n = unplacePoint(this.truth.placement, x, y);
    const near = nearestNominalSite(n.x_um, n.y_um);
    const index = waferSiteIndex(near.col, near.row, near.site);
    const site = this.site(index);
    const die = this.die(near.col, near.row);
    const gap_um = pos.z_um - (this.surfaceUndrifted_um(x, y, die) + d.dz_um);
    const dx_um = x - site.optimum_um.x_um;
    const dy_um = y - site.optimum_um.y_um;
    if (gap_um <= 0) return { transmission: 0, contact: true, site: index, gap_um, dx_um, dy_um };
    const transmission = die.dead ? 0 : siteTransmission(site, dx_um, dy_um, gap_um, wavelength_nm);
    return { transmission, contact: false, site: index, gap_um, dx_um, dy_um };
  }

  /** The die a wafer site index belongs to. */
  dieOf(k: number): WaferDieTruth {
    const { col, row } = fromWaferSiteIndex(k);
    return this.die(col, row);
  }

  die(col: number, row: number): WaferDieTruth {
    const d = this.truth.dies[row * WAFER_GRID.cols + col];
    if (!d) throw new RangeError(`die (col ${col}, row ${row}) is off the wafer grid`);
    return d;
  }

  private site(k: number): SiteTruth {
    const s = this.truth.sites[k];
    if (!s) throw new RangeError(`wafer site index ${k} must be 0-${WAFER_SITE_COUNT - 1}`);
    return s;
  }

  private surfaceUndrifted_um(x_um: number, y_um: number, die: WaferDieTruth): number {
    return planeZ_um(this.truth.placement, x_um, y_um) + die.height_um;
  }
}
