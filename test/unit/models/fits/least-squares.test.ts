import { describe, expect, it } from 'vitest';
import { linearLeastSquares, nonlinearLeastSquares, scaledCovariance, standardErrors } from '../../../../models/fits/least-squares.ts';

describe('least-squares engines', () => {
  it('solves a weighted line with the textbook covariance', () => {
    const x = [0, 1, 2, 3, 4];
    const y = [1.1, 2.9, 5.2, 6.8, 9.1];
    const s = [0.1, 0.1, 0.2, 0.2, 0.4];
    const fit = linearLeastSquares(x.map((v) => [1, v]), y, s);
    expect(fit).toBeDefined();
    // closed form: S = Σw, Sx = Σwx, Sxx = Σwx², Δ = S·Sxx − Sx²
    const w = s.map((v) => 1 / v ** 2);
    const S = w.reduce((a, b) => a + b), Sx = w.reduce((a, wi, i) => a + wi * (x[i] ?? 0), 0), Sxx = w.reduce((a, wi, i) => a + wi * (x[i] ?? 0) ** 2, 0);
    const Sy = w.reduce((a, wi, i) => a + wi * (y[i] ?? 0), 0), Sxy = w.reduce((a, wi, i) => a + wi * (x[i] ?? 0) * (y[i] ?? 0), 0);
    const D = S * Sxx - Sx * Sx;
    expect(fit?.parameters[0]).toBeCloseTo((Sxx * Sy - Sx * Sxy) / D, 12);
    expect(fit?.parameters[1]).toBeCloseTo((S * Sxy - Sx * Sy) / D, 12);
    expect(fit?.unscaledCovariance[1]?.[1]).toBeCloseTo(S / D, 12);
    expect(fit?.dof).toBe(3);
    const known = standardErrors(scaledCovariance(fit!, true));
    expect(known[1]).toBeGreaterThanOrEqual(Math.sqrt(S / D) - 1e-15);
  });

  it('reports degenerate designs as undefined instead of NaN', () => {
    expect(linearLeastSquares([[1, 2], [1, 2], [1, 2]], [1, 2, 3])).toBeUndefined();
  });

  it('fits an exponential decay by Levenberg–Marquardt to convergence', () => {
    const t = Array.from({ length: 30 }, (_, i) => i * 0.2);
    const y = t.map((ti) => 2.5 * Math.exp(-ti / 1.3));
    const fit = nonlinearLeastSquares({
      n: t.length,
      y,
      model: ([a = 0, tau = 1], i) => a * Math.exp(-(t[i] ?? 0) / tau),
      jacobian: ([a = 0, tau = 1], i) => {
        const e = Math.exp(-(t[i] ?? 0) / tau);
        return [e, (a * e * (t[i] ?? 0)) / (tau * tau)];
      },
      initial: [1, 0.5],
    });
    expect(fit?.converged).toBe(true);
    expect(fit?.parameters[0]).toBeCloseTo(2.5, 8);
    expect(fit?.parameters[1]).toBeCloseTo(1.3, 8);
  });
});
