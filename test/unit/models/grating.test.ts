import { describe, expect, it } from 'vitest';
import {
  gratingAngleCentre_nm, gratingAngleTuning_nm_per_rad, gratingBandwidth1e2_nm, gratingLoss_dB, gratingTransmission,
} from '../../../models/grating.ts';

const gc = { centre_nm: 1550, peakLoss_dB: 4, bandwidth1dB_nm: 30 };

describe('grating coupler spectrum', () => {
  it('is a parabola in dB: peak at the centre, +1 dB at ±BW/2, +4 dB at ±BW', () => {
    expect(gratingLoss_dB(1550, gc)).toBe(4);
    expect(gratingLoss_dB(1565, gc)).toBeCloseTo(5, 12);
    expect(gratingLoss_dB(1535, gc)).toBeCloseTo(5, 12);
    expect(gratingLoss_dB(1580, gc)).toBeCloseTo(8, 12);
  });

  it('gives the linear transmission and its Gaussian 1/e² width', () => {
    expect(gratingTransmission(1550, gc)).toBeCloseTo(10 ** -0.4, 14);
    const s = gratingBandwidth1e2_nm(gc) / 2; // 1/e² half width of T(λ) ∝ exp(−2(λ−λc)²/s²)
    expect(gratingTransmission(1550 + s, gc) / gratingTransmission(1550, gc)).toBeCloseTo(Math.exp(-2), 12);
  });

  it('shifts the centre with fiber angle by phase matching (≈ 10° for 220 nm SOI, Λ ≈ 630 nm)', () => {
    const design = { period_nm: 630, nEff: 2.634 };
    const at10 = gratingAngleCentre_nm((10 * Math.PI) / 180, design);
    expect(at10).toBeGreaterThan(1540);
    expect(at10).toBeLessThan(1560);
    // A steeper fiber → shorter wavelength; ≈ −11 nm per degree in air at 10°
    const perDeg = (gratingAngleTuning_nm_per_rad((10 * Math.PI) / 180, design) * Math.PI) / 180;
    expect(perDeg).toBeCloseTo(-10.86, 1);
    const at11 = gratingAngleCentre_nm((11 * Math.PI) / 180, design);
    expect(at11 - at10).toBeCloseTo(perDeg, 0);
  });

  it('rejects a non-positive bandwidth and NaN wavelength', () => {
    expect(() => gratingLoss_dB(1550, { ...gc, bandwidth1dB_nm: 0 })).toThrow(/gratingLoss_dB: bandwidth1dB_nm must be a finite number > 0/);
    expect(() => gratingLoss_dB(Number.NaN, gc)).toThrow(/wavelength_nm/);
    expect(() => gratingAngleCentre_nm(0.1, { period_nm: -630, nEff: 2.6 })).toThrow(/period_nm/);
  });
});
