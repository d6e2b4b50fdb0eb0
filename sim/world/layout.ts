// The public, nominal layout of the virtual bench (sim/world/README.md). The sequencer and the bench
// files rely on these numbers; the hidden truth (truth.ts) scatters the real chip around them.
import type { AxisName } from '../motion/motion-system.ts';

/** Stage travel per axis, µm (stage coordinates). Z is the fiber height: larger = further from the chip. */
export const STAGE_TRAVEL_UM: Readonly<Record<AxisName, readonly [number, number]>> = {
  X: [0, 25_000],
  Y: [0, 25_000],
  Z: [0, 10_000],
};

/** Number of loopback test sites on the chip. */
export const SITE_COUNT = 4;
/** Spacing of the sites along X, µm. */
export const SITE_PITCH_UM = 250;
/** Nominal position of site 0 (the fiber array's reference fiber over the in-grating), µm. */
export const SITE0_UM = { x_um: 12_500, y_um: 12_500 } as const;
/** Nominal chip surface height in stage Z, µm. */
export const CHIP_SURFACE_Z_UM = 5_000;
/** Nominal fiber height above the surface the couplers are designed for (the truth lies in 15–25 µm). */
export const NOMINAL_WORKING_GAP_UM = 20;
/** How far the true optimum of a site may lie from its nominal XY, µm (each axis). */
export const SITE_POSITION_TOLERANCE_UM = 30;
/** How far the true chip surface may lie from its nominal Z, µm. */
export const SURFACE_TOLERANCE_UM = 5;
/** Standard single-mode fiber (SMF-28) 1/e² field radius at 1550 nm, µm (PHYSICS.md). */
export const FIBER_MODE_RADIUS_UM = 5.2;
/** Fiber-array pitch; the two gratings of a loopback sit at this pitch, µm. */
export const FIBER_ARRAY_PITCH_UM = 127;

export interface SitePosition {
  x_um: number;
  y_um: number;
}

/** Nominal XY of site k (0 … SITE_COUNT−1): (12 500 + k·250, 12 500) µm. */
export function nominalSite(k: number): SitePosition {
  if (!Number.isInteger(k) || k < 0 || k >= SITE_COUNT) {
    throw new RangeError(`site index ${k} must be an integer 0-${SITE_COUNT - 1}`);
  }
  return { x_um: SITE0_UM.x_um + k * SITE_PITCH_UM, y_um: SITE0_UM.y_um };
}
