// Grating-coupler spectrum (PHYSICS.md): near-Gaussian in linear power, i.e. a parabola in dB.
import { requireFinite, requirePositive } from './errors.ts';

export interface GratingCoupler {
  /** Wavelength of minimum loss, nm. */
  centre_nm: number;
  /** Insertion loss at the centre, dB (positive). */
  peakLoss_dB: number;
  /** Full width over which the loss stays within 1 dB of the peak, nm. */
  bandwidth1dB_nm: number;
}

function checkCoupler(where: string, gc: GratingCoupler): void {
  requireFinite(where, 'centre_nm', gc.centre_nm);
  requireFinite(where, 'peakLoss_dB', gc.peakLoss_dB);
  requirePositive(where, 'bandwidth1dB_nm', gc.bandwidth1dB_nm);
}

/** IL(λ) = IL_peak + ((λ − λc)/(BW1dB/2))², dB. */
export function gratingLoss_dB(wavelength_nm: number, gc: GratingCoupler): number {
  requireFinite('gratingLoss_dB', 'wavelength_nm', wavelength_nm);
  checkCoupler('gratingLoss_dB', gc);
  const u = (wavelength_nm - gc.centre_nm) / (gc.bandwidth1dB_nm / 2);
  return gc.peakLoss_dB + u * u;
}

/** Power transmission (linear) of the coupler at `wavelength_nm`. */
export function gratingTransmission(wavelength_nm: number, gc: GratingCoupler): number {
  return 10 ** (-gratingLoss_dB(wavelength_nm, gc) / 10);
}

/** 1/e² full width (nm) of the Gaussian in linear power that the 1-dB parabola describes. */
export function gratingBandwidth1e2_nm(gc: GratingCoupler): number {
  checkCoupler('gratingBandwidth1e2_nm', gc);
  // exp(−2u²/s²) loses 10·log10(e)·2u²/s² dB; equal to (u/(BW/2))² ⇒ s = (BW/2)·√(20·log10 e)
  return gc.bandwidth1dB_nm * Math.sqrt(20 * Math.LOG10E);
}

export interface GratingDesign {
  /** Grating period Λ, nm (≈ 630 nm for 220 nm SOI at 1550 nm). */
  period_nm: number;
  /** Effective index of the grating region. */
  nEff: number;
  /**
   * Index of the medium the fiber angle is measured in (1 = air, ≈ 1.44 for index-matching fluid).
   * Snell's law makes the buried-oxide/cladding index drop out: n_c·sin θ_c = n_top·sin θ_top.
   */
  nTop?: number;
}

/** Phase matching n_eff − n_top·sin θ = λ/Λ: the centre wavelength (nm) at fiber angle `angle_rad` from the normal. */
export function gratingAngleCentre_nm(angle_rad: number, design: GratingDesign): number {
  requireFinite('gratingAngleCentre_nm', 'angle_rad', angle_rad);
  requirePositive('gratingAngleCentre_nm', 'period_nm', design.period_nm);
  requirePositive('gratingAngleCentre_nm', 'nEff', design.nEff);
  const nTop = requirePositive('gratingAngleCentre_nm', 'nTop', design.nTop ?? 1);
  return design.period_nm * (design.nEff - nTop * Math.sin(angle_rad));
}

/** dλc/dθ in nm per radian (negative: a steeper fiber shifts the spectrum to shorter wavelengths). */
export function gratingAngleTuning_nm_per_rad(angle_rad: number, design: GratingDesign): number {
  requireFinite('gratingAngleTuning_nm_per_rad', 'angle_rad', angle_rad);
  requirePositive('gratingAngleTuning_nm_per_rad', 'period_nm', design.period_nm);
  const nTop = requirePositive('gratingAngleTuning_nm_per_rad', 'nTop', design.nTop ?? 1);
  return -design.period_nm * nTop * Math.cos(angle_rad);
}
