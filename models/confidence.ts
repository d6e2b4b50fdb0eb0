// Statistical confidence of a BER measurement. Errors in N bits are Poisson with mean μ = N·BER
// (the binomial limit for BER ≪ 1). The Poisson CDF is a regularized incomplete gamma function:
//   Σ_{k=0..E} e^(−μ) μ^k / k! = Q(E+1, μ)  ⇒  CL = 1 − Q(E+1, μ) = P(E+1, μ)
// so every quantity here is one call of @stdlib's gammainc or gammaincinv (models/numerics/special.ts).
// Inverses go through the *upper* tail, Q(a, x) = 1 − CL, so confidences near 1 keep their precision.
import { ModelInputError, requireFinite } from './errors.ts';
import { inverseRegularizedGammaP, inverseRegularizedGammaQ, regularizedGammaP, regularizedGammaQ } from './numerics/special.ts';

function checkBits(where: string, bits: number): void {
  requireFinite(where, 'bits', bits);
  if (bits < 0) throw new ModelInputError(where, 'bits', bits, 'a bit count >= 0');
}

function checkErrors(where: string, errors: number, bits?: number): void {
  if (typeof errors !== 'number' || !Number.isInteger(errors) || errors < 0) {
    throw new ModelInputError(where, 'errors', errors, 'an integer error count >= 0');
  }
  if (bits !== undefined && errors > bits) throw new ModelInputError(where, 'errors', errors, `at most the bit count (${bits})`);
}

function checkBer(where: string, ber: number): void {
  if (typeof ber !== 'number' || !(ber > 0 && ber <= 1)) throw new ModelInputError(where, 'ber', ber, 'a bit error ratio in (0, 1]');
}

function checkConfidence(where: string, confidence: number): void {
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new ModelInputError(where, 'confidence', confidence, 'a confidence level in (0, 1), e.g. 0.95');
  }
}

/**
 * Confidence level that the true BER is ≤ `ber` after `bits` bits with `errors` errors:
 * CL = 1 − Σ_{k≤E} Poisson(k; N·BER).
 */
export function confidenceLevel(bits: number, errors: number, ber: number): number {
  checkBits('confidenceLevel', bits);
  checkErrors('confidenceLevel', errors, bits);
  checkBer('confidenceLevel', ber);
  const mu = bits * ber;
  return mu === 0 ? 0 : regularizedGammaP(errors + 1, mu);
}

/**
 * Confidence level that the true BER is *above* `ber`: Σ_{k<E} Poisson(k; N·BER), i.e. how sure we
 * are that a link fails a limit once E errors have been seen (0 when E = 0). Lets a dwell stop early.
 */
export function confidenceLevelAbove(bits: number, errors: number, ber: number): number {
  checkBits('confidenceLevelAbove', bits);
  checkErrors('confidenceLevelAbove', errors, bits);
  checkBer('confidenceLevelAbove', ber);
  if (errors === 0) return 0;
  const mu = bits * ber;
  return mu === 0 ? 1 : regularizedGammaQ(errors, mu);
}

/** N·BER needed for `confidence` with up to `errorsAllowed` errors: 2.996 (E = 0, 95 %), 4.744, 6.296, 7.754. */
export function poissonMeanToClaim(confidence: number, errorsAllowed = 0): number {
  checkConfidence('poissonMeanToClaim', confidence);
  checkErrors('poissonMeanToClaim', errorsAllowed);
  return inverseRegularizedGammaQ(1 - confidence, errorsAllowed + 1);
}

/**
 * Bits to send so that seeing at most `errorsAllowed` errors claims BER ≤ `ber` at `confidence`
 * (95 %, E = 0 → 2.996/BER). A real number; take Math.ceil for a count.
 */
export function bitsToClaim(ber: number, confidence: number, errorsAllowed = 0): number {
  checkBer('bitsToClaim', ber);
  return poissonMeanToClaim(confidence, errorsAllowed) / ber;
}

/** Seconds at `lineRate_Gbps` to send bitsToClaim(...) bits: 1e-12 at 95 %, E = 0, 25.78 Gb/s → 116 s. */
export function timeToClaim_s(ber: number, confidence: number, lineRate_Gbps: number, errorsAllowed = 0): number {
  requireFinite('timeToClaim_s', 'lineRate_Gbps', lineRate_Gbps);
  if (lineRate_Gbps <= 0) throw new ModelInputError('timeToClaim_s', 'lineRate_Gbps', lineRate_Gbps, 'a line rate > 0 Gb/s');
  return bitsToClaim(ber, confidence, errorsAllowed) / (lineRate_Gbps * 1e9);
}

/** The BER one may claim (true BER ≤ it at `confidence`) after `bits` bits with `errors` errors. */
export function berUpperBound(bits: number, errors: number, confidence: number): number {
  checkBits('berUpperBound', bits);
  if (bits === 0) throw new ModelInputError('berUpperBound', 'bits', bits, 'a bit count > 0');
  checkErrors('berUpperBound', errors, bits);
  checkConfidence('berUpperBound', confidence);
  return Math.min(1, inverseRegularizedGammaQ(1 - confidence, errors + 1) / bits);
}

/**
 * Central (Garwood) interval at `confidence`: each tail holds (1 − CL)/2, low = 0 when E = 0.
 * Exact for the Poisson model, so it covers the true BER in at least `confidence` of repeats.
 * Note `high` is two-sided, hence above berUpperBound (one-sided) at the same confidence.
 */
export function berInterval(bits: number, errors: number, confidence: number): { low: number; high: number; estimate: number } {
  checkBits('berInterval', bits);
  if (bits === 0) throw new ModelInputError('berInterval', 'bits', bits, 'a bit count > 0');
  checkErrors('berInterval', errors, bits);
  checkConfidence('berInterval', confidence);
  const tail = (1 - confidence) / 2;
  const low = errors === 0 ? 0 : inverseRegularizedGammaP(tail, errors) / bits;
  const high = Math.min(1, inverseRegularizedGammaQ(tail, errors + 1) / bits);
  return { low, high, estimate: errors / bits };
}
