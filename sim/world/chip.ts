// The chip under the fiber array: four loopback structures (in-grating → waveguide → out-grating) whose
// gratings sit at the array pitch, so both fibers see the same offset. Transmission = Gaussian-overlap
// coupling of both fibers (models/coupling.ts) × both grating spectra (models/grating.ts) × waveguide
// loss × a weak Fabry–Perot ripple between fiber facet and chip.
import { loopbackTransmission } from '../../models/coupling.ts';
import { gratingTransmission } from '../../models/grating.ts';
import { lossDbToTransmission } from '../../models/units.ts';
import type { DriftModel } from './drift.ts';
import { FIBER_MODE_RADIUS_UM } from './layout.ts';
import type { SiteTruth, WorldTruth } from './truth.ts';

export interface FiberPosition {
  x_um: number;
  y_um: number;
  z_um: number;
}

export interface ChipResponse {
  /** Power transmission fiber-in → fiber-out (linear). */
  transmission: number;
  /** The fiber touches the chip (gap ≤ 0): no light, and a contact to report. */
  contact: boolean;
  /** The site whose optimum is nearest the fiber. */
  site: number;
  /** Fiber height above the true (drifted) surface, µm. */
  gap_um: number;
  /** Lateral offset from that site's current optimum, µm. */
  dx_um: number;
  dy_um: number;
}

/** What the optical world asks of what lies under the fiber array: the chip world's chip or the wafer. */
export interface SurfaceModel {
  /** Where site k's optimum is at bench time t (stage XY of the peak, best Z), µm. */
  optimumAt(k: number, t_s: number): FiberPosition;
  /** True surface height at bench time t (at a stage XY, for a surface that is not flat), µm. */
  surfaceAt_um(t_s: number, xy?: { x_um: number; y_um: number }): number;
  response(pos: FiberPosition, wavelength_nm: number, t_s: number): ChipResponse;
}

/** The loopback's transmission for a fiber at (dx, dy) from a site's optimum, `gap_um` above the surface. */
export function siteTransmission(site: SiteTruth, dx_um: number, dy_um: number, gap_um: number, wavelength_nm: number): number {
  const coupling = loopbackTransmission({
    dx_um,
    dy_um,
    gap_um: Math.abs(gap_um - site.bestGap_um),
    w_fiber_um: FIBER_MODE_RADIUS_UM,
    w_chip_um: site.chipModeRadius_um,
    wavelength_nm,
  });
  const spectral = gratingTransmission(wavelength_nm, site.couplerIn) * gratingTransmission(wavelength_nm, site.couplerOut);
  const waveguide = lossDbToTransmission(site.waveguideLoss_dB);
  // Facet-to-chip cavity: the round trip changes by λ when the gap changes by λ/2.
  const ripple_dB = (site.rippleDepth_dB / 2) * Math.cos((4 * Math.PI * gap_um) / (wavelength_nm * 1e-3));
  return coupling * spectral * waveguide * 10 ** (ripple_dB / 10);
}

export class ChipModel implements SurfaceModel {
  constructor(
    private readonly truth: WorldTruth,
    private readonly drift: DriftModel,
  ) {}

  /** Where site k's optimum is at bench time t: XY of the peak and the best Z, µm (stage coordinates). */
  optimumAt(k: number, t_s: number): FiberPosition {
    const site = this.site(k);
    const d = this.drift.offset(t_s);
    return {
      x_um: site.optimum_um.x_um + d.dx_um,
      y_um: site.optimum_um.y_um + d.dy_um,
      z_um: this.truth.surfaceZ_um + d.dz_um + site.bestGap_um,
    };
  }

  /** True surface height at bench time t, µm. */
  surfaceAt_um(t_s: number): number {
    return this.truth.surfaceZ_um + this.drift.offset(t_s).dz_um;
  }

  response(pos: FiberPosition, wavelength_nm: number, t_s: number): ChipResponse {
    const d = this.drift.offset(t_s);
    const gap_um = pos.z_um - (this.truth.surfaceZ_um + d.dz_um);
    const nearest = this.nearestSite(pos.x_um - d.dx_um, pos.y_um - d.dy_um);
    const dx_um = pos.x_um - d.dx_um - nearest.optimum_um.x_um;
    const dy_um = pos.y_um - d.dy_um - nearest.optimum_um.y_um;
    if (gap_um <= 0) return { transmission: 0, contact: true, site: nearest.index, gap_um, dx_um, dy_um };
    const transmission = siteTransmission(nearest, dx_um, dy_um, gap_um, wavelength_nm);
    return { transmission, contact: false, site: nearest.index, gap_um, dx_um, dy_um };
  }

  private site(k: number): SiteTruth {
    const s = this.truth.sites[k];
    if (!s) throw new RangeError(`site index ${k} must be 0-${this.truth.sites.length - 1}`);
    return s;
  }

  /** The site whose (undrifted) optimum is nearest to a drift-corrected XY. */
  private nearestSite(x_um: number, y_um: number): SiteTruth {
    let best = this.site(0);
    let bestD2 = Infinity;
    for (const s of this.truth.sites) {
      const d2 = (s.optimum_um.x_um - x_um) ** 2 + (s.optimum_um.y_um - y_um) ** 2;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = s;
      }
    }
    return best;
  }
}
