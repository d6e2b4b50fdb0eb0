// Fiber-to-chip coupling by Gaussian mode overlap (PHYSICS.md). Closed-form, no numerics package needed.
// Conventions: w = 1/e² *field* radius of a mode (half the mode field diameter) in µm; wavelength in nm
// (vacuum); n = index of the medium between fiber and chip (1 = air); η = power coupling efficiency (linear).
import { requireFinite, requireNonNegative, requirePositive } from './errors.ts';

const LN10_OVER_10 = Math.LN10 / 10; // dB → nepers of power: exp(−x) loses x/LN10_OVER_10 dB

/** [2·w1·w2/(w1²+w2²)]²: the loss of two centred, parallel, touching modes of different size. */
function mismatchFactor(w1_um: number, w2_um: number): number {
  const r = (2 * w1_um * w2_um) / (w1_um * w1_um + w2_um * w2_um);
  return r * r;
}

/** η for lateral offset `offset_um` between modes w1, w2 (mode-size mismatch included). */
export function lateralCoupling(w1_um: number, w2_um: number, offset_um: number): number {
  requirePositive('lateralCoupling', 'w1_um', w1_um);
  requirePositive('lateralCoupling', 'w2_um', w2_um);
  requireFinite('lateralCoupling', 'offset_um', offset_um);
  const s2 = w1_um * w1_um + w2_um * w2_um;
  return mismatchFactor(w1_um, w2_um) * Math.exp((-2 * offset_um * offset_um) / s2);
}

/** η for an angle `tilt_rad` between two identical modes of radius w: exp(−(π·n·w·θ/λ)²). */
export function tiltCoupling(w_um: number, tilt_rad: number, wavelength_nm: number, n = 1): number {
  requirePositive('tiltCoupling', 'w_um', w_um);
  requireFinite('tiltCoupling', 'tilt_rad', tilt_rad);
  requirePositive('tiltCoupling', 'wavelength_nm', wavelength_nm);
  requirePositive('tiltCoupling', 'n', n);
  const a = (Math.PI * n * w_um * tilt_rad) / (wavelength_nm * 1e-3);
  return Math.exp(-a * a);
}

/**
 * η for a longitudinal gap (free propagation over `gap_um` ≥ 0) between two waists, size mismatch
 * included: 4 / [(w1/w2 + w2/w1)² + (λ·z/(π·n·w1·w2))²].
 */
export function gapCoupling(w1_um: number, w2_um: number, gap_um: number, wavelength_nm: number, n = 1): number {
  requirePositive('gapCoupling', 'w1_um', w1_um);
  requirePositive('gapCoupling', 'w2_um', w2_um);
  requireNonNegative('gapCoupling', 'gap_um', gap_um);
  requirePositive('gapCoupling', 'wavelength_nm', wavelength_nm);
  requirePositive('gapCoupling', 'n', n);
  const m = w1_um / w2_um + w2_um / w1_um;
  const g = (wavelength_nm * 1e-3 * gap_um) / (Math.PI * n * w1_um * w2_um);
  return 4 / (m * m + g * g);
}

export interface CouplingInput {
  /** Mode radius (1/e² field) of the fiber, µm. */
  w1_um: number;
  /** Mode radius (1/e² field) of the chip coupler, µm. */
  w2_um: number;
  dx_um?: number;
  dy_um?: number;
  tilt_rad?: number;
  gap_um?: number;
  wavelength_nm: number;
  /** Index of the medium in the gap (default 1, air). */
  n?: number;
}

/**
 * Total η as the product of PHYSICS.md's terms, the size mismatch counted once:
 * η = η_gap(w1, w2, z) · exp(−2d²/(w1²+w2²)) · exp(−(π·n·w_eff·θ/λ)²), d = √(dx²+dy²),
 * with w_eff² = 2·w1²·w2²/(w1²+w2²) (the tilt term of two unequal modes; = w for equal ones).
 * The product ignores the widening of the lateral tolerance with the gap (see offsetGapCoupling for
 * the exact overlap); at a 20 µm gap for SMF at 1550 nm the exact profile is 1.7 % wider, which a
 * fit absorbs into its radius.
 */
export function couplingEfficiency(input: CouplingInput): number {
  const { w1_um, w2_um, wavelength_nm } = input;
  const n = input.n ?? 1;
  const dx = requireFinite('couplingEfficiency', 'dx_um', input.dx_um ?? 0);
  const dy = requireFinite('couplingEfficiency', 'dy_um', input.dy_um ?? 0);
  const tilt = requireFinite('couplingEfficiency', 'tilt_rad', input.tilt_rad ?? 0);
  const gapTerm = gapCoupling(w1_um, w2_um, input.gap_um ?? 0, wavelength_nm, n);
  const s2 = w1_um * w1_um + w2_um * w2_um;
  const offsetTerm = Math.exp((-2 * (dx * dx + dy * dy)) / s2);
  const wEff = Math.sqrt((2 * w1_um * w1_um * w2_um * w2_um) / s2);
  return gapTerm * offsetTerm * tiltCoupling(wEff, tilt, wavelength_nm, n);
}

/** Coupling loss in dB (positive): −10·log10 η. */
export function couplingLoss_dB(input: CouplingInput): number {
  return -10 * Math.log10(couplingEfficiency(input));
}

/**
 * The exact overlap of a waist w1 propagated over `gap_um` with a waist w2 offset laterally by
 * `offset_um` (no tilt). It reduces to lateralCoupling at zero gap and to gapCoupling at zero
 * offset; with both, the lateral tolerance grows with the beam, which the plain product misses.
 */
export function offsetGapCoupling(w1_um: number, w2_um: number, offset_um: number, gap_um: number, wavelength_nm: number, n = 1): number {
  requirePositive('offsetGapCoupling', 'w1_um', w1_um);
  requirePositive('offsetGapCoupling', 'w2_um', w2_um);
  requireFinite('offsetGapCoupling', 'offset_um', offset_um);
  requireNonNegative('offsetGapCoupling', 'gap_um', gap_um);
  requirePositive('offsetGapCoupling', 'wavelength_nm', wavelength_nm);
  requirePositive('offsetGapCoupling', 'n', n);
  // Field of beam j: exp(−a_j·r²), a = i·k/(2q). Beam 1 at distance z: q1 = z + i·zR1; beam 2 at its waist.
  const lambda_um = wavelength_nm * 1e-3;
  const k = (2 * Math.PI * n) / lambda_um;
  const zR = (Math.PI * n * w1_um * w1_um) / lambda_um;
  const den = gap_um * gap_um + zR * zR;
  const a1re = (k * zR) / (2 * den);
  const a1im = (k * gap_um) / (2 * den);
  const a2 = 1 / (w2_um * w2_um);
  // η = 4·Re(a1)·a2/|a1 + a2|² · exp(−2·Re(a1·a2/(a1 + a2))·d²)
  const sre = a1re + a2;
  const sAbs2 = sre * sre + a1im * a1im;
  const prefactor = (4 * a1re * a2) / sAbs2;
  // a1·a2/(a1+a2) = a2·(a1re + i·a1im)(sre − i·a1im)/|s|²; its real part:
  const c = (a2 * (a1re * sre + a1im * a1im)) / sAbs2;
  return prefactor * Math.exp(-2 * c * offset_um * offset_um);
}

/** ±d at which the lateral offset adds `excessLoss_dB` (on top of any mode mismatch). 1 dB, SMF–SMF at 1550 nm: 2.5 µm. */
export function lateralTolerance_um(w1_um: number, w2_um: number, excessLoss_dB: number): number {
  requirePositive('lateralTolerance_um', 'w1_um', w1_um);
  requirePositive('lateralTolerance_um', 'w2_um', w2_um);
  requireNonNegative('lateralTolerance_um', 'excessLoss_dB', excessLoss_dB);
  return Math.sqrt((excessLoss_dB * LN10_OVER_10 * (w1_um * w1_um + w2_um * w2_um)) / 2);
}

/** ±θ at which a tilt between identical modes of radius w costs `excessLoss_dB`. 1 dB, SMF at 1550 nm: 2.6°. */
export function tiltTolerance_rad(w_um: number, excessLoss_dB: number, wavelength_nm: number, n = 1): number {
  requirePositive('tiltTolerance_rad', 'w_um', w_um);
  requireNonNegative('tiltTolerance_rad', 'excessLoss_dB', excessLoss_dB);
  requirePositive('tiltTolerance_rad', 'wavelength_nm', wavelength_nm);
  requirePositive('tiltTolerance_rad', 'n', n);
  return (Math.sqrt(excessLoss_dB * LN10_OVER_10) * wavelength_nm * 1e-3) / (Math.PI * n * w_um);
}

/** Gap at which the separation adds `excessLoss_dB` to the zero-gap (mismatch-only) loss. 1 dB, SMF at 1550 nm: ≈ 56 µm. */
export function gapTolerance_um(w1_um: number, w2_um: number, excessLoss_dB: number, wavelength_nm: number, n = 1): number {
  requirePositive('gapTolerance_um', 'w1_um', w1_um);
  requirePositive('gapTolerance_um', 'w2_um', w2_um);
  requireNonNegative('gapTolerance_um', 'excessLoss_dB', excessLoss_dB);
  requirePositive('gapTolerance_um', 'wavelength_nm', wavelength_nm);
  requirePositive('gapTolerance_um', 'n', n);
  // η(z)/η(0) = m²/(m² + g²) = 10^(−L/10)  ⇒  g = m·√(10^(L/10) − 1)
  const m = w1_um / w2_um + w2_um / w1_um;
  const g = m * Math.sqrt(10 ** (excessLoss_dB / 10) - 1);
  return (g * Math.PI * n * w1_um * w2_um) / (wavelength_nm * 1e-3);
}

export interface LoopbackInput {
  /** Offset of the fiber array from the optimum, shared by both fibers, µm. */
  dx_um: number;
  dy_um: number;
  /** Fiber-to-chip gap beyond the optimum height, µm (default 0). */
  gap_um?: number;
  w_fiber_um: number;
  w_chip_um: number;
  wavelength_nm: number;
  /** Index of the medium in the gap (default 1). */
  n?: number;
  /** Tilt of the array, shared by both fibers, rad (default 0). */
  tilt_rad?: number;
}

/**
 * Fiber array over a loopback structure: both fibers move together, so T = η_in·η_out = η² with the
 * same offset (linear; the gratings' own loss and the waveguide loss are separate factors). As a
 * function of offset this is a Gaussian of 1/e² power radius √((w_fiber² + w_chip²)/2).
 */
export function loopbackTransmission(input: LoopbackInput): number {
  const eta = couplingEfficiency({
    w1_um: input.w_fiber_um,
    w2_um: input.w_chip_um,
    dx_um: input.dx_um,
    dy_um: input.dy_um,
    gap_um: input.gap_um ?? 0,
    tilt_rad: input.tilt_rad ?? 0,
    wavelength_nm: input.wavelength_nm,
    n: input.n ?? 1,
  });
  return eta * eta;
}

/**
 * 1/e² intensity radius of the coupled-power profile P(d) ∝ exp(−2d²/R²) seen by a lateral scan:
 * R² = w1² + w2² for one coupler, (w1² + w2²)/2 for a loopback (two couplers moving together).
 */
export function scanProfileRadius_um(w_fiber_um: number, w_chip_um: number, couplers: 1 | 2 = 1): number {
  requirePositive('scanProfileRadius_um', 'w_fiber_um', w_fiber_um);
  requirePositive('scanProfileRadius_um', 'w_chip_um', w_chip_um);
  return Math.sqrt((w_fiber_um * w_fiber_um + w_chip_um * w_chip_um) / couplers);
}

/** Inverse of scanProfileRadius_um: the chip mode radius from a fitted scan radius and a known fiber mode. */
export function chipModeRadius_um(scanRadius_um: number, w_fiber_um: number, couplers: 1 | 2 = 1): number {
  requirePositive('chipModeRadius_um', 'scanRadius_um', scanRadius_um);
  requirePositive('chipModeRadius_um', 'w_fiber_um', w_fiber_um);
  const w2sq = couplers * scanRadius_um * scanRadius_um - w_fiber_um * w_fiber_um;
  if (!(w2sq > 0)) {
    requirePositive('chipModeRadius_um', `scanRadius_um² · ${couplers} − w_fiber_um²`, w2sq);
  }
  return Math.sqrt(w2sq);
}
