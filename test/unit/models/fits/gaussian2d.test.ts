import normal from '@stdlib/random-base-normal';
import uniform from '@stdlib/random-base-uniform';
import { describe, expect, it } from 'vitest';
import { chipModeRadius_um, lateralTolerance_um, loopbackTransmission, scanProfileRadius_um } from '../../../../models/coupling.ts';
import { fitGaussian2D, gaussianSurface, gaussianTolerances, profileTolerance_um } from '../../../../models/fits/gaussian2d.ts';
import type { ScanPoint } from '../../../../models/fits/gaussian2d.ts';
import { fitRefusal } from './fit-reason.ts';

const SEEDS = 200;
const W_FIBER = 5.2;

interface Truth { x0: number; y0: number; wChip: number; peak_mW: number; background_mW: number }

/** A loopback alignment scan (coupling.ts physics), 11×11 raster, step 2 µm, around the nominal site at (0, 0). */
function loopbackScan(truth: Truth, noise: () => number, step_um = 2, half = 5): ScanPoint[] {
  const t0 = loopbackTransmission({ dx_um: 0, dy_um: 0, w_fiber_um: W_FIBER, w_chip_um: truth.wChip, wavelength_nm: 1550 });
  const points: ScanPoint[] = [];
  for (let i = -half; i <= half; i++) {
    for (let j = -half; j <= half; j++) {
      const x = i * step_um, y = j * step_um;
      const t = loopbackTransmission({ dx_um: x - truth.x0, dy_um: y - truth.y0, w_fiber_um: W_FIBER, w_chip_um: truth.wChip, wavelength_nm: 1550 });
      points.push({ x_um: x, y_um: y, power_mW: truth.background_mW + (truth.peak_mW * t) / t0 + noise() });
    }
  }
  return points;
}

function randomTruth(seed: number): Truth {
  const u = uniform.factory(0, 1, { seed: 1000 + seed });
  return { x0: -3 + 6 * u(), y0: -3 + 6 * u(), wChip: 4.6 + 1.2 * u(), peak_mW: 0.05 + 0.1 * u(), background_mW: 2e-3 };
}

describe('fitGaussian2D recovers a loopback alignment scan (200 seeds)', () => {
  it('at 30 dB SNR: centre within 0.1 µm, radius within 1 %, peak within 1 %, honest 2σ in ≈ 95 % of seeds', () => {
    let worstCentre = 0, worstRadius = 0, worstPeak = 0;
    const inside = { x0: 0, y0: 0, radius: 0, peak: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const truth = randomTruth(seed);
      const gauss = normal.factory(0, truth.peak_mW * 1e-3, { seed }); // 30 dB SNR
      const fit = fitGaussian2D(loopbackScan(truth, gauss));
      const radius = scanProfileRadius_um(W_FIBER, truth.wChip, 2);
      worstCentre = Math.max(worstCentre, Math.abs(fit.x0_um - truth.x0), Math.abs(fit.y0_um - truth.y0));
      worstRadius = Math.max(worstRadius, Math.abs(fit.radius_um / radius - 1));
      worstPeak = Math.max(worstPeak, Math.abs(fit.peak_mW / truth.peak_mW - 1));
      if (Math.abs(fit.x0_um - truth.x0) < 2 * fit.sigma.x0_um) inside.x0++;
      if (Math.abs(fit.y0_um - truth.y0) < 2 * fit.sigma.y0_um) inside.y0++;
      if (Math.abs(fit.radius_um - radius) < 2 * fit.sigma.radius_um) inside.radius++;
      if (Math.abs(fit.peak_mW - truth.peak_mW) < 2 * fit.sigma.peak_mW) inside.peak++;
      expect(fit.rSquared).toBeGreaterThan(0.999);
      expect(fit.peakInsideScan).toBe(true);
    }
    expect(worstCentre).toBeLessThan(0.1);
    expect(worstRadius).toBeLessThan(0.01);
    expect(worstPeak).toBeLessThan(0.01);
    for (const count of Object.values(inside)) {
      expect(count / SEEDS).toBeGreaterThan(0.9);
      expect(count / SEEDS).toBeLessThan(0.99);
    }
  });

  it('at 20 dB SNR on a sparser 7×7 scan: centre within 0.3 µm, still honest sigmas', () => {
    let worst = 0, inside = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      // a floor 5σ above zero: the fit refuses negative readings (a meter reports its floor instead)
      const truth = { ...randomTruth(seed), background_mW: 0 };
      truth.background_mW = 0.05 * truth.peak_mW;
      const fit = fitGaussian2D(loopbackScan(truth, normal.factory(0, truth.peak_mW * 1e-2, { seed }), 2.5, 3));
      worst = Math.max(worst, Math.hypot(fit.x0_um - truth.x0, fit.y0_um - truth.y0));
      if (Math.abs(fit.x0_um - truth.x0) < 2 * fit.sigma.x0_um) inside++;
    }
    expect(worst).toBeLessThan(0.3);
    expect(inside / SEEDS).toBeGreaterThan(0.9);
  });

  it('with the noise given: χ²/dof ≈ 1 on average, and it flags a noise understated tenfold', () => {
    let sum = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const truth = randomTruth(seed);
      const s = truth.peak_mW * 1e-3;
      const fit = fitGaussian2D(loopbackScan(truth, normal.factory(0, s, { seed })), { noise_mW: s });
      sum += fit.reducedChiSquare ?? NaN;
    }
    expect(sum / 50).toBeGreaterThan(0.9);
    expect(sum / 50).toBeLessThan(1.1);
    const truth = randomTruth(3);
    const fit = fitGaussian2D(loopbackScan(truth, normal.factory(0, truth.peak_mW * 1e-3, { seed: 3 })), { noise_mW: truth.peak_mW * 1e-4 });
    expect(fit.reducedChiSquare).toBeGreaterThan(50);
    // the sigmas are then scaled up by √χ²ν rather than believed
    const plain = fitGaussian2D(loopbackScan(truth, normal.factory(0, truth.peak_mW * 1e-3, { seed: 3 })));
    expect(fit.sigma.x0_um / plain.sigma.x0_um).toBeCloseTo(1, 1);
    expect(plain.reducedChiSquare).toBeUndefined();
  });

  it('recovers the chip mode radius and the tolerances from the fitted radius', () => {
    const truth = { x0: 0.8, y0: -1.3, wChip: 4.8, peak_mW: 0.1, background_mW: 0 };
    const fit = fitGaussian2D(loopbackScan(truth, () => 0));
    expect(chipModeRadius_um(fit.radius_um, W_FIBER, 2)).toBeCloseTo(4.8, 4);
    const tol = gaussianTolerances(fit);
    // a loopback loses 1 dB where each coupler loses 0.5 dB
    expect(tol.tolerance1dB_um).toBeCloseTo(lateralTolerance_um(W_FIBER, 4.8, 0.5), 4);
    expect(tol.tolerance05dB_um).toBeCloseTo(lateralTolerance_um(W_FIBER, 4.8, 0.25), 4);
    expect(profileTolerance_um(Math.sqrt(2) * 5.2, 1)).toBeCloseTo(2.5, 1); // single SMF–SMF joint: PHYSICS.md ±2.5 µm
    // A noiseless scan pins the tolerance down: its uncertainty is tiny but finite.
    expect(Number.isFinite(tol.sigma.tolerance1dB_um)).toBe(true);
    expect(tol.sigma.tolerance1dB_um).toBeLessThan(1e-3 * tol.tolerance1dB_um);
  });

  it('fits scattered (spiral) samples and a fixed background', () => {
    const truth = { x0: 1.1, y0: 0.4, wChip: 5.0, peak_mW: 0.08, background_mW: 1e-3 };
    const R = scanProfileRadius_um(W_FIBER, truth.wChip, 2);
    const gauss = normal.factory(0, 1e-4, { seed: 11 });
    const points: ScanPoint[] = [];
    for (let k = 0; k < 150; k++) {
      const r = 0.09 * k, a = 0.5 * k;
      const x = r * Math.cos(a), y = r * Math.sin(a);
      const p = truth.background_mW + truth.peak_mW * Math.exp((-2 * ((x - truth.x0) ** 2 + (y - truth.y0) ** 2)) / R ** 2);
      points.push({ x_um: x, y_um: y, power_mW: p + gauss() });
    }
    const free = fitGaussian2D(points);
    expect(free.x0_um).toBeCloseTo(1.1, 1);
    expect(free.y0_um).toBeCloseTo(0.4, 1);
    const fixed = fitGaussian2D(points, { background_mW: 1e-3 });
    expect(fixed.background_mW).toBe(1e-3);
    expect(fixed.sigma.background_mW).toBe(0);
    expect(fixed.radius_um).toBeCloseTo(R, 1);
    expect(fixed.sigma.radius_um).toBeLessThan(free.sigma.radius_um);
  });

  it('keeps the background a power (>= 0) when the true one is 0: 200 seeds of a dark floor, the model finite in dB', () => {
    let onBound = 0, worstCentre = 0, worstRadius = 0, worstPeak = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const truth = { ...randomTruth(seed + 500), background_mW: 0 };
      // 1 % multiplicative noise and a meter's tiny positive dark reading: every reading >= 0, as a meter's are.
      const gauss = normal.factory(0, 1, { seed });
      const points = loopbackScan(truth, () => 0).map((p) => ({ ...p, power_mW: p.power_mW * (1 + 0.01 * gauss()) + 1e-5 * Math.abs(gauss()) }));
      const fit = fitGaussian2D(points);
      expect(fit.background_mW).toBeGreaterThanOrEqual(0);
      if (fit.background_mW === 0) {
        onBound++;
        // How well the scan pins the floor down is still reported.
        expect(fit.sigma.background_mW).toBeGreaterThan(0);
      }
      const far_dBm = 10 * Math.log10(gaussianSurface(fit, fit.x0_um + 30, fit.y0_um));
      expect(Number.isNaN(far_dBm)).toBe(false);
      const radius = scanProfileRadius_um(W_FIBER, truth.wChip, 2);
      worstCentre = Math.max(worstCentre, Math.abs(fit.x0_um - truth.x0), Math.abs(fit.y0_um - truth.y0));
      worstRadius = Math.max(worstRadius, Math.abs(fit.radius_um / radius - 1));
      worstPeak = Math.max(worstPeak, Math.abs(fit.peak_mW / truth.peak_mW - 1));
    }
    // The unconstrained optimum falls below zero often: the bound is exercised, not just stated.
    expect(onBound).toBeGreaterThan(SEEDS / 10);
    expect(worstCentre).toBeLessThan(0.05);
    expect(worstRadius).toBeLessThan(0.01);
    expect(worstPeak).toBeLessThan(0.02);
  });

  it('flags a peak found outside the scanned box, and draws the fitted surface', () => {
    const truth = { x0: 12, y0: 2, wChip: 5.2, peak_mW: 0.1, background_mW: 1e-3 };
    const fit = fitGaussian2D(loopbackScan(truth, normal.factory(0, 1e-5, { seed: 5 })));
    expect(fit.peakInsideScan).toBe(false);
    expect(fit.x0_um).toBeCloseTo(12, 1);
    expect(gaussianSurface(fit, fit.x0_um, fit.y0_um)).toBeCloseTo(fit.peak_mW + fit.background_mW, 12);
    expect(gaussianSurface(fit, fit.x0_um + fit.radius_um, fit.y0_um) - fit.background_mW).toBeCloseTo(fit.peak_mW * Math.exp(-2), 12);
  });
});

describe('fitGaussian2D fails loudly', () => {
  const good = loopbackScan({ x0: 0, y0: 0, wChip: 5, peak_mW: 0.1, background_mW: 1e-3 }, () => 0);
  const reason = fitRefusal;

  it('on too few points or a scan that is not 2-D', () => {
    expect(reason(() => fitGaussian2D(good.slice(0, 6)))).toMatch(/^too-few-points: fitGaussian2D: got 6 points, need at least 7/);
    expect(reason(() => fitGaussian2D(good.filter((p) => p.x_um === 0)))).toMatch(/^too-few-points: .*3 distinct x_um/);
  });

  it('on a flat scan or pure noise', () => {
    expect(reason(() => fitGaussian2D(good.map((p) => ({ ...p, power_mW: 1e-3 }))))).toMatch(/^no-peak: fitGaussian2D: the scan is flat/);
    for (let seed = 1; seed <= 20; seed++) {
      const gauss = normal.factory(1e-3, 1e-5, { seed });
      expect(reason(() => fitGaussian2D(good.map((p) => ({ ...p, power_mW: gauss() }))))).toMatch(/^no-peak: fitGaussian2D: /);
    }
  });

  it('on NaN, negative or mis-sized inputs', () => {
    const withNaN = good.map((p, i) => (i === 4 ? { ...p, power_mW: Number.NaN } : p));
    expect(reason(() => fitGaussian2D(withNaN))).toMatch(/^invalid-input: fitGaussian2D: point 4: power_mW must be a finite number, got NaN/);
    const negative = good.map((p, i) => (i === 2 ? { ...p, power_mW: -1e-6 } : p));
    expect(reason(() => fitGaussian2D(negative))).toMatch(/^invalid-input: .*point 2: power_mW must be >= 0/);
    expect(reason(() => fitGaussian2D(good.map((p, i) => (i === 1 ? { ...p, x_um: Infinity } : p))))).toMatch(/point 1: x_um/);
    expect(reason(() => fitGaussian2D(good, { noise_mW: [1e-4, 1e-4] }))).toMatch(/^invalid-input: .*noise_mW must hold one value or one per point/);
    expect(reason(() => fitGaussian2D(good, { noise_mW: 0 }))).toMatch(/noise_mW\[0\] must be a finite number > 0/);
    expect(reason(() => fitGaussian2D(good, { background_mW: -1 }))).toMatch(/background_mW/);
    expect(reason(() => fitGaussian2D(good, { maxIterations: 0 }))).toMatch(/maxIterations must be an integer >= 1/);
    expect(reason(() => fitGaussian2D('scan' as unknown as ScanPoint[]))).toMatch(/^invalid-input/);
  });

  it('when the iteration budget runs out', () => {
    // guess from a lopsided scan, one iteration allowed
    const far = loopbackScan({ x0: 9, y0: -9, wChip: 5, peak_mW: 0.1, background_mW: 1e-3 }, normal.factory(0, 1e-4, { seed: 2 }));
    expect(reason(() => fitGaussian2D(far, { maxIterations: 1 }))).toMatch(/^not-converged: fitGaussian2D: Levenberg–Marquardt did not converge in 1 iterations/);
  });
});
