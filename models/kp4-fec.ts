// KP4 forward error correction (IEEE 802.3 clause 91/119 RS(544,514) over GF(2^10)) seen from a pre-FEC bit
// stream: how symbol errors fall into codewords, and what reaches the far side of the decoder.
//
// A codeword holds n = 544 ten-bit symbols, k = 514 of them data; the decoder corrects any t = 15 symbol
// errors and gives up above (an uncorrectable codeword). BERTs analyse a PRBS as "virtual codewords"
// (5440-bit blocks aligned to nothing but the gate's start) and count symbol errors per block: with
// errors independent from symbol to symbol, the count in a codeword is Binomial(544, p_sym).
//
// On a Gray-coded PAM4 line an error moves a PAM4 symbol to the neighbouring level and flips exactly one of
// its two bits, so the PAM4 symbol error ratio is 2·BER and a 10-bit RS symbol (5 PAM4 symbols) is in error
// with p_sym = 1 − (1 − 2·BER)^5. On NRZ each bit errs alone: p_sym = 1 − (1 − BER)^10.
//
// Numerics: the binomial pmf and cdf from @stdlib (numerics/binomial.ts); the tails are summed from the pmf,
// never 1 − cdf, which would round a 1e-15 uncorrectable rate to nothing.
import { berUpperBound } from './confidence.ts';
import { ModelInputError } from './errors.ts';
import { binomialPmf } from './numerics/binomial.ts';

/** RS(544,514) "KP4": symbols per codeword, data symbols, bits per symbol, correctable symbol errors. */
export const KP4 = { n: 544, k: 514, m: 10, t: 15 } as const;
/** Bits in one codeword (one virtual codeword of a BERT's FEC analysis). */
export const KP4_CODEWORD_BITS = KP4.n * KP4.m;
/** Histogram bins a BERT reports: codewords with 0 … t symbol errors (the last bin, t + 1, holds the uncorrectable ones). */
export const KP4_HISTOGRAM_BINS = KP4.t + 2;

export type LineCoding = 'NRZ' | 'PAM4';

function checkProbability(where: string, field: string, p: number, expected: string): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ModelInputError(where, field, p, expected);
}

/** The PAM4 symbol error ratio of a Gray-coded line: each symbol error flips one of its two bits. */
export function pam4SymbolErrorRatio(ber: number): number {
  checkProbability('pam4SymbolErrorRatio', 'ber', ber, 'a bit error ratio in [0, 0.375] (a Gray-coded PAM4 symbol errs at most with ¾)');
  if (ber > 0.375) throw new ModelInputError('pam4SymbolErrorRatio', 'ber', ber, 'a bit error ratio in [0, 0.375] (a Gray-coded PAM4 symbol errs at most with ¾)');
  return 2 * ber;
}

/** Probability that one 10-bit RS symbol is in error, from the pre-FEC bit error ratio. */
export function rsSymbolErrorProbability(ber: number, coding: LineCoding): number {
  if (coding !== 'NRZ' && coding !== 'PAM4') throw new ModelInputError('rsSymbolErrorProbability', 'coding', coding, "'NRZ' or 'PAM4'");
  if (coding === 'PAM4') return -Math.expm1(5 * Math.log1p(-pam4SymbolErrorRatio(ber)));
  checkProbability('rsSymbolErrorProbability', 'ber', ber, 'a bit error ratio in [0, 1]');
  return -Math.expm1(10 * Math.log1p(-ber));
}

/** P(exactly k symbol errors in a codeword). */
export function codewordErrorPmf(k: number, pSymbol: number): number {
  checkProbability('codewordErrorPmf', 'pSymbol', pSymbol, 'a symbol error probability in [0, 1]');
  if (!Number.isInteger(k) || k < 0 || k > KP4.n) throw new ModelInputError('codewordErrorPmf', 'k', k, `a whole number of symbol errors 0 … ${KP4.n}`);
  return binomialPmf(k, KP4.n, pSymbol);
}

/** P(more than `from − 1` symbol errors), summed from the pmf upwards until the terms stop mattering. */
export function codewordTail(from: number, pSymbol: number): number {
  checkProbability('codewordTail', 'pSymbol', pSymbol, 'a symbol error probability in [0, 1]');
  if (!Number.isInteger(from) || from < 0) throw new ModelInputError('codewordTail', 'from', from, 'a whole number of symbol errors ≥ 0');
  let sum = 0;
  for (let k = from; k <= KP4.n; k++) {
    const term = binomialPmf(k, KP4.n, pSymbol);
    sum += term;
    // Past the mode the terms fall at least geometrically: stop once they no longer change the sum.
    if (k > KP4.n * pSymbol + 1 && term < sum * 1e-17) break;
  }
  return Math.min(1, sum);
}

/** Probability that a codeword is uncorrectable (more than t = 15 symbol errors). */
export function uncorrectableProbability(pSymbol: number): number {
  return codewordTail(KP4.t + 1, pSymbol);
}

/** The expected share of codewords in each histogram bin: 0 … 15 symbol errors, then > 15. */
export function expectedHistogram(pSymbol: number): number[] {
  const bins = Array.from({ length: KP4.t + 1 }, (_, k) => codewordErrorPmf(k, pSymbol));
  return [...bins, uncorrectableProbability(pSymbol)];
}

/**
 * The post-FEC bit error ratio one may claim at `confidence` from `uncorrectable` codewords out of `codewords`:
 * the one-sided Poisson bound on the codeword error ratio, taken as a bound on the post-FEC BER (a failed
 * codeword can at worst spoil all its bits, so BER_post ≤ codeword error ratio). Conservative by design.
 */
export function postFecBerBound(codewords: number, uncorrectable: number, confidence: number): number {
  if (!(Number.isInteger(codewords) && codewords > 0)) throw new ModelInputError('postFecBerBound', 'codewords', codewords, 'a whole number of codewords > 0');
  if (!(Number.isInteger(uncorrectable) && uncorrectable >= 0 && uncorrectable <= codewords)) {
    throw new ModelInputError('postFecBerBound', 'uncorrectable', uncorrectable, `a whole number of codewords in 0 … ${codewords}`);
  }
  return berUpperBound(codewords, uncorrectable, confidence);
}
