import poisson from '@stdlib/random-base-poisson';
import { describe, expect, it } from 'vitest';
import {
  berInterval, berUpperBound, bitsToClaim, confidenceLevel, confidenceLevelAbove, poissonMeanToClaim, timeToClaim_s,
} from '../../../models/confidence.ts';

/** Direct Poisson CDF, Σ_{k≤E} e^(−μ) μ^k/k!, for checking the gamma-function route. */
function poissonCdf(e: number, mu: number): number {
  let term = Math.exp(-mu), sum = term;
  for (let k = 1; k <= e; k++) {
    term *= mu / k;
    sum += term;
  }
  return sum;
}

describe('BER confidence: PHYSICS.md reference figures', () => {
  it.each([
    [0, 2.996],
    [1, 4.744],
    [2, 6.296],
    [3, 7.754],
  ])('95 %% CL with %i errors needs N·BER = %f', (errors, nBer) => {
    expect(poissonMeanToClaim(0.95, errors)).toBeCloseTo(nBer, 3);
    expect(bitsToClaim(1e-12, 0.95, errors) * 1e-12).toBeCloseTo(nBer, 3);
  });

  it('E = 0 is the closed form −ln(1 − CL)', () => {
    for (const cl of [0.5, 0.9, 0.95, 0.99, 0.999999]) expect(poissonMeanToClaim(cl)).toBeCloseTo(-Math.log(1 - cl), 10);
  });

  it.each([
    [25.78, 116],
    [53.125, 56],
    [106.25, 28],
  ])('to claim 1e-12 at 95 %% with 0 errors at %f Gb/s takes %i s', (rate, seconds) => {
    expect(Math.round(timeToClaim_s(1e-12, 0.95, rate))).toBe(seconds);
  });
});

describe('confidence level and its inverses', () => {
  it('agrees with a direct Poisson sum', () => {
    for (const [bits, errors, ber] of [[1e12, 0, 1e-12], [3e12, 2, 1e-12], [1e9, 7, 5e-9], [4e6, 40, 1e-5]] as const) {
      expect(confidenceLevel(bits, errors, ber)).toBeCloseTo(1 - poissonCdf(errors, bits * ber), 12);
      if (errors > 0) expect(confidenceLevelAbove(bits, errors, ber)).toBeCloseTo(poissonCdf(errors - 1, bits * ber), 12);
    }
  });

  it('round-trips: the bits to claim give exactly the requested confidence', () => {
    for (const cl of [0.68, 0.9, 0.95, 0.99, 0.9999]) {
      for (const e of [0, 1, 2, 5, 20]) {
        for (const ber of [1e-15, 1e-12, 2.4e-4]) {
          const n = bitsToClaim(ber, cl, e);
          expect(confidenceLevel(n, e, ber)).toBeCloseTo(cl, 10);
          expect(berUpperBound(n, e, cl) / ber).toBeCloseTo(1, 10);
        }
      }
    }
  });

  it('grows with bits and falls with errors; is 0 before any bit', () => {
    expect(confidenceLevel(0, 0, 1e-12)).toBe(0);
    expect(confidenceLevel(2e12, 0, 1e-12)).toBeGreaterThan(confidenceLevel(1e12, 0, 1e-12));
    expect(confidenceLevel(2e12, 1, 1e-12)).toBeLessThan(confidenceLevel(2e12, 0, 1e-12));
    expect(confidenceLevelAbove(1e12, 0, 1e-12)).toBe(0);
    // 20 errors in 1e12 bits: surely worse than 1e-12 (μ = 1)
    expect(confidenceLevelAbove(1e12, 20, 1e-12)).toBeGreaterThan(0.999999);
  });

  it('keeps precision at confidences near 1', () => {
    // (1 − CL is taken as the double it is; the P route would lose all digits here)
    for (const cl of [1 - 1e-9, 1 - 1e-12, 1 - 1e-15]) expect(poissonMeanToClaim(cl) / -Math.log(1 - cl)).toBeCloseTo(1, 12);
    expect(bitsToClaim(1e-12, 1 - 1e-12, 3)).toBeGreaterThan(bitsToClaim(1e-12, 1 - 1e-9, 3));
  });

  it('berInterval holds the estimate, starts at 0 without errors and covers the truth in ≥ CL of repeats', () => {
    const none = berInterval(1e12, 0, 0.95);
    expect(none.low).toBe(0);
    expect(none.estimate).toBe(0);
    expect(none.high * 1e12).toBeCloseTo(-Math.log(0.025), 8);
    const some = berInterval(1e9, 10, 0.95);
    expect(some.low).toBeLessThan(some.estimate);
    expect(some.high).toBeGreaterThan(some.estimate);
    // Garwood 95 % limits for 10 counts: 4.795…18.39
    expect(some.low * 1e9).toBeCloseTo(4.795, 2);
    expect(some.high * 1e9).toBeCloseTo(18.39, 1);
    const draw = poisson.factory({ seed: 20240605 });
    let covered = 0;
    const trials = 4000, trueBer = 3e-9, bits = 2e9;
    for (let i = 0; i < trials; i++) {
      const e = draw(trueBer * bits);
      const { low, high } = berInterval(bits, e, 0.9);
      if (low <= trueBer && trueBer <= high) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('one-sided upper bound covers the truth in ≈ CL of repeats', () => {
    const draw = poisson.factory({ seed: 7 });
    let covered = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) if (berUpperBound(1e10, draw(30), 0.95) >= 3e-9) covered++;
    expect(covered / trials).toBeGreaterThanOrEqual(0.94);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => confidenceLevel(-1, 0, 1e-12)).toThrow(/confidenceLevel: bits must be a bit count >= 0/);
    expect(() => confidenceLevel(1e12, 1.5, 1e-12)).toThrow(/errors must be an integer error count >= 0/);
    expect(() => confidenceLevel(10, 11, 1e-3)).toThrow(/errors must be at most the bit count/);
    expect(() => confidenceLevel(1e12, 0, 0)).toThrow(/ber must be a bit error ratio in \(0, 1\]/);
    expect(() => bitsToClaim(1e-12, 1)).toThrow(/confidence must be a confidence level in \(0, 1\)/);
    expect(() => bitsToClaim(1e-12, 95)).toThrow(RangeError);
    expect(() => timeToClaim_s(1e-12, 0.95, 0)).toThrow(/lineRate_Gbps/);
    expect(() => berUpperBound(0, 0, 0.95)).toThrow(/bits must be a bit count > 0/);
    expect(() => berInterval(1e9, -1, 0.95)).toThrow(/berInterval: errors/);
    expect(() => confidenceLevel(Number.NaN, 0, 1e-12)).toThrow(/bits/);
  });
});
