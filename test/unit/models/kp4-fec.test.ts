import { describe, expect, it } from 'vitest';
import { ModelInputError } from '../../../models/errors.ts';
import {
  KP4, KP4_CODEWORD_BITS, codewordErrorPmf, codewordTail, expectedHistogram, pam4SymbolErrorRatio, postFecBerBound,
  rsSymbolErrorProbability, uncorrectableProbability,
} from '../../../models/kp4-fec.ts';
import { binomialCdf } from '../../../models/numerics/binomial.ts';

/** log C(n, k) by summing logs: an independent exact reference for small tails. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

describe('KP4 RS(544,514) codeword statistics', () => {
  it('has the clause-119 geometry', () => {
    expect(KP4).toEqual({ n: 544, k: 514, m: 10, t: 15 });
    expect(KP4_CODEWORD_BITS).toBe(5440);
  });

  it('a Gray-coded PAM4 symbol error flips one bit: 5 PAM4 symbols per RS symbol', () => {
    expect(pam4SymbolErrorRatio(2.4e-4)).toBeCloseTo(4.8e-4, 15);
    expect(rsSymbolErrorProbability(2.4e-4, 'PAM4')).toBeCloseTo(1 - (1 - 4.8e-4) ** 5, 15);
    expect(rsSymbolErrorProbability(1e-4, 'NRZ')).toBeCloseTo(1 - (1 - 1e-4) ** 10, 15);
    // Tiny BERs keep their precision (no 1 − (1 − x)^5 cancellation).
    expect(rsSymbolErrorProbability(1e-15, 'PAM4') / 1e-14).toBeCloseTo(1, 9);
  });

  it('the uncorrectable rate is the exact binomial tail P(X > 15)', () => {
    // Where 1 − cdf is precise, against @stdlib's cdf.
    for (const p of [0.01, 0.02, 0.05]) expect(uncorrectableProbability(p)).toBeCloseTo(1 - binomialCdf(15, 544, p), 12);
    // Where it is not (the KP4 threshold: ~1e-12), against a log-space sum of the pmf.
    const p = rsSymbolErrorProbability(2.4e-4, 'PAM4');
    let exact = 0;
    for (let k = 16; k <= 544; k++) exact += Math.exp(logChoose(544, k) + k * Math.log(p) + (544 - k) * Math.log1p(-p));
    expect(uncorrectableProbability(p) / exact).toBeCloseTo(1, 9);
    expect(exact).toBeGreaterThan(1e-13);
    expect(exact).toBeLessThan(1e-10);
  });

  it('the histogram bins are the pmf and sum to one with the uncorrectable bin', () => {
    const h = expectedHistogram(0.003);
    expect(h).toHaveLength(17);
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(h[1]).toBeCloseTo(544 * 0.003 * 0.997 ** 543, 12);
    expect(codewordTail(0, 0.003)).toBeCloseTo(1, 12);
    expect(codewordErrorPmf(0, 0)).toBe(1);
  });

  it('the post-FEC BER bound from zero uncorrectable codewords is ≈ 3/N at 95 %', () => {
    expect(postFecBerBound(1e8, 0, 0.95)).toBeCloseTo(2.9957e-8, 11);
    expect(postFecBerBound(1e8, 3, 0.95)).toBeGreaterThan(postFecBerBound(1e8, 0, 0.95));
  });

  it('refuses inputs outside their domain, naming the field', () => {
    expect(() => pam4SymbolErrorRatio(0.4)).toThrow(ModelInputError);
    expect(() => pam4SymbolErrorRatio(0.4)).toThrow(/ber.*\[0, 0.375\]/);
    expect(() => rsSymbolErrorProbability(1e-3, 'PAM8' as 'PAM4')).toThrow(/coding.*'NRZ' or 'PAM4'/);
    expect(() => codewordErrorPmf(545, 0.1)).toThrow(/k.*0 … 544/);
    expect(() => codewordErrorPmf(3, 1.5)).toThrow(/pSymbol/);
    expect(() => postFecBerBound(0, 0, 0.95)).toThrow(/codewords.*> 0/);
    expect(() => postFecBerBound(10, 11, 0.95)).toThrow(/uncorrectable.*0 … 10/);
  });
});
