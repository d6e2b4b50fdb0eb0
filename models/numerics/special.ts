// Adapter for the special functions models/ relies on. The @stdlib packages are CommonJS with
// `export =` typings (docs/types); one default import each works in Node, vitest and bundlers alike.
//   erfc, erfcinv          -> BER <-> Q (ber.ts)
//   gammainc, gammaincinv  -> Poisson confidence levels and their inverses (confidence.ts)
import erfcImpl from '@stdlib/math-base-special-erfc';
import erfcinvImpl from '@stdlib/math-base-special-erfcinv';
import gammaincImpl from '@stdlib/math-base-special-gammainc';
import gammaincinvImpl from '@stdlib/math-base-special-gammaincinv';

/** Complementary error function erfc(x). */
export function erfc(x: number): number {
  return erfcImpl(x);
}

/** Inverse of erfc on [0, 2]: erfcinv(0) = +Infinity, erfcinv(2) = -Infinity. */
export function erfcinv(y: number): number {
  return erfcinvImpl(y);
}

/** Regularized lower incomplete gamma P(a, x) (or the upper Q(a, x) with `upper`). Note stdlib's (x, a) order. */
export function regularizedGammaP(a: number, x: number): number {
  return gammaincImpl(x, a, true, false);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly (no cancellation). */
export function regularizedGammaQ(a: number, x: number): number {
  return gammaincImpl(x, a, true, true);
}

/** x such that P(a, x) = p. */
export function inverseRegularizedGammaP(p: number, a: number): number {
  return gammaincinvImpl(p, a, false);
}

/** x such that Q(a, x) = q; accurate when q is tiny (confidence levels near 1). */
export function inverseRegularizedGammaQ(q: number, a: number): number {
  return gammaincinvImpl(q, a, true);
}
