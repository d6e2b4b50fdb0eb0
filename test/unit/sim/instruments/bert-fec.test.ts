// The FEC analysis is drawn, not printed from a formula: counts have the binomial spread of real counts,
// and the uncorrectable codewords agree with the exact binomial tail of models/kp4-fec.ts.
import { describe, expect, it } from 'vitest';
import { expectedHistogram, rsSymbolErrorProbability, uncorrectableProbability } from '../../../../models/kp4-fec.ts';
import { CodewordDrawer, unsyncedCodewords } from '../../../../sim/instruments/bert-fec.ts';
import { SeededRandom } from '../../../../sim/random.ts';

describe('virtual KP4 codewords drawn per gate', () => {
  it('uncorrectable codewords match N·P(X > 15) within the Poisson spread, and every count adds up', () => {
    const ber = 1.2e-3;
    const pSym = rsSymbolErrorProbability(ber, 'PAM4');
    const n = 2_000_000;
    const expected = n * uncorrectableProbability(pSym);
    const d = new CodewordDrawer(new SeededRandom(11));
    const { fec, bitErrors } = d.draw(n, ber);
    expect(expected).toBeGreaterThan(1000);
    expect(Math.abs(fec.uncorrectable - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(fec.codewords).toBe(n);
    expect(fec.histogram.reduce((a, b) => a + b, 0)).toBe(n);
    expect(fec.histogram[16]).toBe(fec.uncorrectable);
    const correctable = fec.histogram.slice(0, 16).reduce((s, c, k) => s + k * c, 0);
    expect(fec.symbolErrors).toBeGreaterThanOrEqual(correctable + 16 * fec.uncorrectable);
    // Each erroneous RS symbol holds one to five PAM4 errors of one bit: the pre-FEC BER comes back out.
    expect(bitErrors).toBeGreaterThanOrEqual(fec.symbolErrors);
    expect(bitErrors / (n * 5440) / ber).toBeCloseTo(1, 2);
  });

  it('the histogram passes a chi-square test against the binomial bins', () => {
    const ber = 3e-4;
    const n = 500_000;
    const e = expectedHistogram(rsSymbolErrorProbability(ber, 'PAM4')).map((x) => x * n);
    const { fec } = new CodewordDrawer(new SeededRandom(5)).draw(n, ber);
    let chi2 = 0, dof = -1;
    for (let k = 0; k < 17; k++) {
      const ek = e[k] ?? 0;
      if (ek < 5) continue;
      chi2 += ((fec.histogram[k] ?? 0) - ek) ** 2 / ek;
      dof++;
    }
    expect(dof).toBeGreaterThanOrEqual(5);
    // 99.99 % quantile of chi-square with ≤ 10 dof is below 36.
    expect(chi2).toBeLessThan(36);
  });

  it('repeated gates scatter like binomial counts (not a formula printed as a count)', () => {
    const ber = 2.4e-4;
    const n = 2000;
    const p1 = expectedHistogram(rsSymbolErrorProbability(ber, 'PAM4'))[1] ?? 0;
    const d = new CodewordDrawer(new SeededRandom(7));
    const ones: number[] = [];
    for (let i = 0; i < 400; i++) ones.push(d.draw(n, ber).fec.histogram[1] ?? 0);
    const mean = ones.reduce((a, b) => a + b, 0) / ones.length;
    const variance = ones.reduce((a, b) => a + (b - mean) ** 2, 0) / (ones.length - 1);
    expect(mean / (n * p1)).toBeCloseTo(1, 1);
    const ratio = variance / (n * p1 * (1 - p1));
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
    expect(new Set(ones).size).toBeGreaterThan(20);
  });

  it('the same seed draws the same counts; no errors at BER 0; without sync every codeword fails', () => {
    const a = new CodewordDrawer(new SeededRandom(3)).draw(10_000, 1e-3);
    const b = new CodewordDrawer(new SeededRandom(3)).draw(10_000, 1e-3);
    expect(a).toEqual(b);
    expect(new CodewordDrawer(new SeededRandom(3)).draw(1000, 0)).toMatchObject({ bitErrors: 0, fec: { uncorrectable: 0, symbolErrors: 0 } });
    const lost = unsyncedCodewords(new SeededRandom(1), 100);
    expect(lost).toMatchObject({ codewords: 100, uncorrectable: 100 });
    expect(lost.symbolErrors).toBeGreaterThan(100 * 540);
  });

  it('binomial draws refuse a trial count that is not a whole number', () => {
    const r = new SeededRandom(1);
    expect(() => r.binomial(2.5, 0.1)).toThrow(/n must be a whole number ≥ 0, got 2.5/);
    expect(r.binomial(10, 0)).toBe(0);
    expect(r.binomial(10, 1)).toBe(10);
  });
});
