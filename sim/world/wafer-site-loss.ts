// What a wafer site's loopback really loses at its best: the fiber pair on the optimum at the best gap, the
// lowest loss over a wavelength band. Truth for benchmarks and tests (which site should a limit fail?),
// never visible through an instrument. The facet ripple (± rippleDepth/2, ≤ 0.15 dB) is left out: it belongs
// to where the aligner stops in Z, not to the die, and is part of a measurement's uncertainty.
import { siteTransmission } from './chip.ts';
import type { SiteTruth } from './truth.ts';

export interface WavelengthBand {
  start_nm: number;
  stop_nm: number;
}

/** Step of the wavelength scan, nm: the loss is a parabola with a 1-dB width of tens of nm, so 0.01 nm is far finer than any error that matters. */
const SCAN_STEP_NM = 0.01;

/** The site's lowest loopback loss over `band` (dB, positive), fibers on the optimum at the best gap, no ripple. */
export function siteBestLoss_dB(site: SiteTruth, band: WavelengthBand): number {
  if (!Number.isFinite(band.start_nm) || !Number.isFinite(band.stop_nm) || band.stop_nm < band.start_nm) {
    throw new RangeError(`siteBestLoss_dB: band must be finite with start ≤ stop, got ${band.start_nm}–${band.stop_nm} nm`);
  }
  const clean: SiteTruth = { ...site, rippleDepth_dB: 0 };
  const n = Math.max(1, Math.ceil((band.stop_nm - band.start_nm) / SCAN_STEP_NM));
  let best = 0;
  for (let i = 0; i <= n; i++) {
    const wl = band.start_nm + ((band.stop_nm - band.start_nm) * i) / n;
    best = Math.max(best, siteTransmission(clean, 0, 0, site.bestGap_um, wl));
  }
  return -10 * Math.log10(best);
}
