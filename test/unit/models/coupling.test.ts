import { describe, expect, it } from 'vitest';
import {
  chipModeRadius_um, couplingEfficiency, couplingLoss_dB, gapCoupling, gapTolerance_um, lateralCoupling, lateralTolerance_um,
  loopbackTransmission, offsetGapCoupling, scanProfileRadius_um, tiltCoupling, tiltTolerance_rad,
} from '../../../models/coupling.ts';
import { ModelInputError } from '../../../models/errors.ts';

const W_SMF_1550 = 5.2; // µm, SMF-28 MFD 10.4 µm at 1550 nm
const dB = (eta: number) => -10 * Math.log10(eta);
const DEG = Math.PI / 180;

describe('Gaussian mode coupling: PHYSICS.md reference figures (SMF-28, 1550 nm)', () => {
  it('1-dB lateral tolerance ±2.5 µm and 0.5-dB ±1.76 µm', () => {
    expect(lateralTolerance_um(W_SMF_1550, W_SMF_1550, 1)).toBeCloseTo(2.5, 1);
    expect(lateralTolerance_um(W_SMF_1550, W_SMF_1550, 1)).toBeGreaterThan(2.45);
    expect(lateralTolerance_um(W_SMF_1550, W_SMF_1550, 0.5)).toBeCloseTo(1.76, 2);
    // and the tolerance is where the model loses exactly that
    expect(dB(lateralCoupling(W_SMF_1550, W_SMF_1550, lateralTolerance_um(W_SMF_1550, W_SMF_1550, 1)))).toBeCloseTo(1, 10);
  });

  it('1-dB tilt tolerance 2.6°', () => {
    const tilt = tiltTolerance_rad(W_SMF_1550, 1, 1550);
    expect(tilt / DEG).toBeCloseTo(2.6, 1);
    expect(dB(tiltCoupling(W_SMF_1550, tilt, 1550))).toBeCloseTo(1, 10);
  });

  it('1-dB gap tolerance ≈ 56 µm', () => {
    const gap = gapTolerance_um(W_SMF_1550, W_SMF_1550, 1, 1550);
    expect(gap).toBeGreaterThan(55);
    expect(gap).toBeLessThan(57);
    expect(dB(gapCoupling(W_SMF_1550, W_SMF_1550, gap, 1550))).toBeCloseTo(1, 10);
  });

  it('tolerances tighten in index-matching fluid for tilt and loosen for gap', () => {
    expect(tiltTolerance_rad(W_SMF_1550, 1, 1550, 1.45)).toBeCloseTo(tiltTolerance_rad(W_SMF_1550, 1, 1550) / 1.45, 12);
    expect(gapTolerance_um(W_SMF_1550, W_SMF_1550, 1, 1550, 1.45)).toBeCloseTo(1.45 * gapTolerance_um(W_SMF_1550, W_SMF_1550, 1, 1550), 9);
  });
});

describe('Gaussian mode coupling terms', () => {
  it('is lossless for identical, aligned, touching modes', () => {
    expect(lateralCoupling(5.2, 5.2, 0)).toBe(1);
    expect(gapCoupling(5.2, 5.2, 0, 1550)).toBe(1);
    expect(tiltCoupling(5.2, 0, 1550)).toBe(1);
    expect(couplingEfficiency({ w1_um: 5.2, w2_um: 5.2, wavelength_nm: 1550 })).toBe(1);
    expect(couplingLoss_dB({ w1_um: 5.2, w2_um: 5.2, wavelength_nm: 1550 })).toBeCloseTo(0, 15);
  });

  it('charges the size mismatch once, in both the lateral and the gap term', () => {
    // w2 = 2·w1: [2·2/(1+4)]² = 0.64
    expect(lateralCoupling(2, 4, 0)).toBeCloseTo(0.64, 14);
    expect(gapCoupling(2, 4, 0, 1550)).toBeCloseTo(0.64, 14);
    expect(couplingEfficiency({ w1_um: 2, w2_um: 4, wavelength_nm: 1550 })).toBeCloseTo(0.64, 14);
    expect(couplingEfficiency({ w1_um: 2, w2_um: 4, dx_um: 1, dy_um: 2, wavelength_nm: 1550 })).toBeCloseTo(lateralCoupling(2, 4, Math.sqrt(5)), 14);
  });

  it('is symmetric in the two modes and even in offset and tilt', () => {
    expect(lateralCoupling(4.6, 5.8, 1.3)).toBeCloseTo(lateralCoupling(5.8, 4.6, -1.3), 15);
    expect(gapCoupling(4.6, 5.8, 20, 1550)).toBeCloseTo(gapCoupling(5.8, 4.6, 20, 1550), 15);
    expect(tiltCoupling(5.2, 0.02, 1550)).toBeCloseTo(tiltCoupling(5.2, -0.02, 1550), 15);
  });

  it('multiplies the terms in couplingEfficiency and reports the loss in dB', () => {
    const input = { w1_um: 5.2, w2_um: 5.2, dx_um: 1.2, dy_um: -0.7, tilt_rad: 0.01, gap_um: 18, wavelength_nm: 1550 };
    const product = lateralCoupling(5.2, 5.2, Math.hypot(1.2, -0.7)) * tiltCoupling(5.2, 0.01, 1550) * gapCoupling(5.2, 5.2, 18, 1550);
    expect(couplingEfficiency(input)).toBeCloseTo(product, 14);
    expect(couplingLoss_dB(input)).toBeCloseTo(dB(product), 12);
  });

  it('uses w_eff² = 2w1²w2²/(w1²+w2²) for the tilt of unequal modes', () => {
    const eta = couplingEfficiency({ w1_um: 4, w2_um: 6, tilt_rad: 0.03, wavelength_nm: 1310 });
    const wEff = Math.sqrt((2 * 16 * 36) / 52);
    expect(eta).toBeCloseTo(lateralCoupling(4, 6, 0) * tiltCoupling(wEff, 0.03, 1310), 14);
  });

  it('exact offset+gap overlap reduces to each term alone and matches a numerical overlap integral', () => {
    expect(offsetGapCoupling(4.6, 5.8, 1.7, 0, 1550)).toBeCloseTo(lateralCoupling(4.6, 5.8, 1.7), 14);
    expect(offsetGapCoupling(4.6, 5.8, 0, 35, 1550)).toBeCloseTo(gapCoupling(4.6, 5.8, 35, 1550), 14);
    // |∫u1·u2*|² / (∫|u1|²·∫|u2|²) with u1 a waist w1 propagated over z (curved phase front), separable in x and y
    const w1 = 4.6, w2 = 5.8, z = 30, d = 2.5, lambda = 1.55;
    const k = (2 * Math.PI) / lambda, zR = (Math.PI * w1 * w1) / lambda;
    const wz2 = w1 * w1 * (1 + (z / zR) ** 2), invR = z / (z * z + zR * zR);
    const overlap1d = (offset: number) => {
      let re = 0, im = 0, n1 = 0, n2 = 0;
      for (let x = -80; x <= 80; x += 0.01) {
        const amp1 = Math.exp(-((x - offset) ** 2) / wz2), phase1 = (-k * (x - offset) ** 2 * invR) / 2;
        const amp2 = Math.exp(-(x * x) / (w2 * w2));
        re += amp1 * amp2 * Math.cos(phase1);
        im += amp1 * amp2 * Math.sin(phase1);
        n1 += amp1 * amp1;
        n2 += amp2 * amp2;
      }
      return (re * re + im * im) / (n1 * n2);
    };
    expect(offsetGapCoupling(w1, w2, d, z, 1550)).toBeCloseTo(overlap1d(d) * overlap1d(0), 9);
    // the gap widens the lateral profile, which the product of terms ignores
    const productRatio = lateralCoupling(5.2, 5.2, 3) / lateralCoupling(5.2, 5.2, 0);
    const exactRatio = offsetGapCoupling(5.2, 5.2, 3, 20, 1550) / offsetGapCoupling(5.2, 5.2, 0, 20, 1550);
    expect(exactRatio).toBeGreaterThan(productRatio);
  });

  it('gives the loopback transmission as η² with both fibers at the same offset', () => {
    const input = { dx_um: 1.5, dy_um: -2, gap_um: 15, w_fiber_um: 5.2, w_chip_um: 4.8, wavelength_nm: 1550 };
    const eta = couplingEfficiency({ w1_um: 5.2, w2_um: 4.8, dx_um: 1.5, dy_um: -2, gap_um: 15, wavelength_nm: 1550 });
    expect(loopbackTransmission(input)).toBeCloseTo(eta * eta, 15);
    // its lateral profile is a Gaussian of 1/e² power radius √((w_f² + w_c²)/2)
    const R = scanProfileRadius_um(5.2, 4.8, 2);
    const t0 = loopbackTransmission({ ...input, dx_um: 0, dy_um: 0 });
    expect(loopbackTransmission(input) / t0).toBeCloseTo(Math.exp((-2 * (1.5 ** 2 + 2 ** 2)) / R ** 2), 12);
    expect(chipModeRadius_um(R, 5.2, 2)).toBeCloseTo(4.8, 12);
    expect(chipModeRadius_um(scanProfileRadius_um(5.2, 4.6), 5.2)).toBeCloseTo(4.6, 12);
  });
});

describe('coupling input checks', () => {
  it('rejects non-positive mode radii, wavelengths and indices, and negative gaps, naming the field', () => {
    expect(() => lateralCoupling(0, 5, 0)).toThrow(/lateralCoupling: w1_um must be a finite number > 0/);
    expect(() => lateralCoupling(5, Number.NaN, 0)).toThrow(ModelInputError);
    expect(() => lateralCoupling(5, 5, Number.POSITIVE_INFINITY)).toThrow(/offset_um/);
    expect(() => tiltCoupling(5, 0.1, -1550)).toThrow(/wavelength_nm/);
    expect(() => tiltCoupling(5, 0.1, 1550, 0)).toThrow(/tiltCoupling: n/);
    expect(() => gapCoupling(5, 5, -1, 1550)).toThrow(/gap_um must be a finite number >= 0/);
    expect(() => couplingEfficiency({ w1_um: 5, w2_um: 5, dx_um: Number.NaN, wavelength_nm: 1550 })).toThrow(/dx_um/);
    expect(() => lateralTolerance_um(5, 5, -1)).toThrow(/excessLoss_dB/);
    expect(() => loopbackTransmission({ dx_um: 0, dy_um: 0, w_fiber_um: -5, w_chip_um: 5, wavelength_nm: 1550 })).toThrow(/w1_um/);
    expect(() => chipModeRadius_um(3, 5.2, 1)).toThrow(/chipModeRadius_um/);
    expect(() => offsetGapCoupling(5, 5, 0, -3, 1550)).toThrow(RangeError);
  });
});
