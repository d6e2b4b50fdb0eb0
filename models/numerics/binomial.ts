// Adapter for the binomial distribution functions models/ relies on (CommonJS @stdlib packages with
// `export =` typings, one default import each, as numerics/special.ts).
//   pmf -> codeword symbol-error statistics (kp4-fec.ts)
//   cdf -> tests' independent check of the summed tails
import cdfImpl from '@stdlib/stats-base-dists-binomial-cdf';
import pmfImpl from '@stdlib/stats-base-dists-binomial-pmf';

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  return pmfImpl(k, n, p);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  return cdfImpl(k, n, p);
}
