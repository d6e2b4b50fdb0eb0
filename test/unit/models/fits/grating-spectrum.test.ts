import normal from '@stdlib/random-base-normal';
import uniform from '@stdlib/random-base-uniform';
import { describe, expect, it } from 'vitest';
import { fitGratingSpectrum, spectrumCurve } from '../../../../models/fits/grating-spectrum.ts';
import type { SpectrumPoint } from '../../../../models/fits/grating-spectrum.ts';
import { gratingLoss_dB } from '../../../../models/grating.ts';
import type { GratingCoupler } from '../../../../models/grating.ts';
import { fitRefusal } from './fit-reason.ts';

const SEEDS = 200;

function sweep(gc: GratingCoupler, noise: () => number, from = 1500, to = 1600, step = 1): SpectrumPoint[] {
  const points: SpectrumPoint[] = [];
  for (let nm = from; nm <= to + 1e-9; nm += step) points.push({ wavelength_nm: nm, loss_dB: gratingLoss_dB(nm, gc) + noise() });
  return points;
}

describe('fitGratingSpectrum recovers a coupler from a noisy sweep (200 seeds)', () => {
  it('0.05 dB noise, 1500–1600 nm in 1 nm steps: centre within 0.2 nm, peak within 0.05 dB, width within 0.5 nm, honest 2σ', () => {
    let worst = { centre: 0, peak: 0, bw: 0 };
    const inside = { centre: 0, peak: 0, bw: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const u = uniform.factory(0, 1, { seed: 5000 + seed });
      const gc = { centre_nm: 1540 + 20 * u(), peakLoss_dB: 3 + 2 * u(), bandwidth1dB_nm: 25 + 15 * u() };
      const fit = fitGratingSpectrum(sweep(gc, normal.factory(0, 0.05, { seed })));
      const err = { centre: fit.centre_nm - gc.centre_nm, peak: fit.peakLoss_dB - gc.peakLoss_dB, bw: fit.bandwidth1dB_nm - gc.bandwidth1dB_nm };
      worst = { centre: Math.max(worst.centre, Math.abs(err.centre)), peak: Math.max(worst.peak, Math.abs(err.peak)), bw: Math.max(worst.bw, Math.abs(err.bw)) };
      if (Math.abs(err.centre) < 2 * fit.sigma.centre_nm) inside.centre++;
      if (Math.abs(err.peak) < 2 * fit.sigma.peakLoss_dB) inside.peak++;
      if (Math.abs(err.bw) < 2 * fit.sigma.bandwidth1dB_nm) inside.bw++;
      expect(fit.extrapolated).toBe(false);
      expect(fit.rSquared).toBeGreaterThan(0.99);
    }
    expect(worst.centre).toBeLessThan(0.2);
    expect(worst.peak).toBeLessThan(0.05);
    expect(worst.bw).toBeLessThan(0.5);
    for (const count of Object.values(inside)) {
      expect(count / SEEDS).toBeGreaterThan(0.9);
      expect(count / SEEDS).toBeLessThan(0.99);
    }
  });

  it('is exact on noiseless data and reports χ²/dof ≈ 1 against the stated noise', () => {
    const gc = { centre_nm: 1551.3, peakLoss_dB: 4.2, bandwidth1dB_nm: 31 };
    const exact = fitGratingSpectrum(sweep(gc, () => 0, 1520, 1580, 2));
    expect(exact.centre_nm).toBeCloseTo(1551.3, 9);
    expect(exact.peakLoss_dB).toBeCloseTo(4.2, 9);
    expect(exact.bandwidth1dB_nm).toBeCloseTo(31, 9);
    expect(exact.rSquared).toBeCloseTo(1, 12);
    let sum = 0;
    for (let seed = 1; seed <= 100; seed++) sum += fitGratingSpectrum(sweep(gc, normal.factory(0, 0.02, { seed })), { noise_dB: 0.02 }).reducedChiSquare ?? NaN;
    expect(sum / 100).toBeGreaterThan(0.95);
    expect(sum / 100).toBeLessThan(1.05);
  });

  it('window_dB drops the points far down the skirts', () => {
    const gc = { centre_nm: 1550, peakLoss_dB: 3, bandwidth1dB_nm: 30 };
    const fit = fitGratingSpectrum(sweep(gc, () => 0), { window_dB: 4 });
    expect(fit.used.every((p) => p.loss_dB <= 7 + 1e-9)).toBe(true);
    expect(fit.used.length).toBe(61); // |λ − 1550| ≤ 30 nm
    expect(fit.centre_nm).toBeCloseTo(1550, 9);
  });

  it('flags a centre outside the measured range', () => {
    const gc = { centre_nm: 1575, peakLoss_dB: 3.5, bandwidth1dB_nm: 30 };
    const fit = fitGratingSpectrum(sweep(gc, normal.factory(0, 0.01, { seed: 1 }), 1530, 1565));
    expect(fit.extrapolated).toBe(true);
    expect(fit.centre_nm).toBeCloseTo(1575, 0);
  });

  it('draws the model curve', () => {
    const gc = { centre_nm: 1550, peakLoss_dB: 3, bandwidth1dB_nm: 30 };
    expect(spectrumCurve(gc, [1535, 1550, 1565])).toEqual([
      { wavelength_nm: 1535, loss_dB: 4 },
      { wavelength_nm: 1550, loss_dB: 3 },
      { wavelength_nm: 1565, loss_dB: 4 },
    ]);
  });
});

describe('fitGratingSpectrum fails loudly', () => {
  const good = sweep({ centre_nm: 1550, peakLoss_dB: 3, bandwidth1dB_nm: 30 }, () => 0, 1530, 1570, 5);
  const reason = fitRefusal;

  it('on too few points or wavelengths', () => {
    expect(reason(() => fitGratingSpectrum(good.slice(0, 3)))).toMatch(/^too-few-points: fitGratingSpectrum: got 3 usable points, need at least 4/);
    const two = [1540, 1540, 1560, 1560].map((nm) => ({ wavelength_nm: nm, loss_dB: 4 }));
    expect(reason(() => fitGratingSpectrum(two))).toMatch(/^too-few-points: .*3 distinct wavelengths/);
    expect(reason(() => fitGratingSpectrum(good, { window_dB: 0.1 }))).toMatch(/^too-few-points/);
  });

  it('on a flat, noisy-flat or dipping spectrum (no peak)', () => {
    expect(reason(() => fitGratingSpectrum(good.map((p) => ({ ...p, loss_dB: 5 }))))).toMatch(/^no-peak: fitGratingSpectrum: /);
    expect(reason(() => fitGratingSpectrum(good.map((p) => ({ ...p, loss_dB: 10 - p.loss_dB }))))).toMatch(/^no-peak: .*does not curve upward/);
    let noPeak = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const g = normal.factory(0, 0.05, { seed });
      if (/^no-peak/.test(reason(() => fitGratingSpectrum(good.map((p) => ({ ...p, loss_dB: 5 + g() })))))) noPeak++;
    }
    expect(noPeak).toBeGreaterThanOrEqual(49);
  });

  it('on NaN or negative wavelengths and bad options', () => {
    expect(reason(() => fitGratingSpectrum(good.map((p, i) => (i === 2 ? { ...p, loss_dB: Number.NaN } : p))))).toMatch(/^invalid-input: .*point 2: loss_dB/);
    expect(reason(() => fitGratingSpectrum(good.map((p, i) => (i === 0 ? { ...p, wavelength_nm: -1550 } : p))))).toMatch(/point 0: wavelength_nm must be a finite number > 0/);
    expect(reason(() => fitGratingSpectrum(good, { window_dB: -1 }))).toMatch(/window_dB/);
    expect(reason(() => fitGratingSpectrum(good, { noise_dB: 0 }))).toMatch(/noise_dB/);
  });
});
