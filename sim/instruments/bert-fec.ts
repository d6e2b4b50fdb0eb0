// The error detector's FEC analysis on a PAM4 line: the PRBS cut into virtual KP4 codewords (5440 bits from
// the gate's start) and, per codeword, the count of 10-bit symbols in error. Drawn, never computed: for N
// codewords at a symbol error probability p the counts per bin (0, 1, 2, … symbol errors) are one
// multinomial draw, taken bin by bin as conditional binomials from the seeded stream (SeededRandom.binomial,
// @stdlib's sampler), so a bin's count has exactly its binomial spread and the bins sum to N. The bit errors
// follow from the symbols in error: each holds 1 … 5 PAM4 symbol errors of one bit each (Gray coding), again
// drawn as a multinomial given the erroneous symbols. Pre-FEC BER, symbol errors, the histogram and the
// uncorrectable codewords therefore come from one set of draws and agree with each other as a real ED's do.
import { KP4, KP4_HISTOGRAM_BINS, pam4SymbolErrorRatio, rsSymbolErrorProbability } from '../../models/kp4-fec.ts';
import { binomialPmf } from '../../models/numerics/binomial.ts';
import type { SeededRandom } from '../random.ts';

export interface FecCounts {
  /** Virtual codewords compared. */
  codewords: number;
  /** 10-bit RS symbols in error over all codewords. */
  symbolErrors: number;
  /** Codewords with more than t = 15 symbol errors. */
  uncorrectable: number;
  /** Codewords by symbol errors: bins 0 … 15, then bin 16 for more than 15 (the uncorrectable ones). */
  histogram: number[];
}

export function emptyFec(): FecCounts {
  return { codewords: 0, symbolErrors: 0, uncorrectable: 0, histogram: new Array<number>(KP4_HISTOGRAM_BINS).fill(0) };
}

export function addFec(into: FecCounts, more: FecCounts): void {
  into.codewords += more.codewords;
  into.symbolErrors += more.symbolErrors;
  into.uncorrectable += more.uncorrectable;
  more.histogram.forEach((c, i) => (into.histogram[i] = (into.histogram[i] ?? 0) + c));
}

/** PAM4 symbols per 10-bit RS symbol (2 bits each). */
const PAM4_PER_RS = KP4.m / 2;

/** The per-bin probabilities and their upper tails for one symbol error probability (memoised: the BER rarely moves between pieces). */
interface BinTable {
  pSymbol: number;
  pmf: number[];
  /** tail[k] = P(X ≥ k), summed from the top so that tiny tails keep their precision. */
  tail: number[];
}

function binTable(pSymbol: number): BinTable {
  const mean = KP4.n * pSymbol;
  const sd = Math.sqrt(mean * (1 - pSymbol));
  // Beyond mean + 40 σ + 40 the binomial's mass is far below one codeword in any gate (< 1e-100).
  const top = Math.min(KP4.n, Math.ceil(mean + 40 * sd + 40));
  const pmf = Array.from({ length: top + 1 }, (_, k) => binomialPmf(k, KP4.n, pSymbol));
  const tail = new Array<number>(top + 2).fill(0);
  for (let k = top; k >= 0; k--) tail[k] = (tail[k + 1] ?? 0) + (pmf[k] ?? 0);
  return { pSymbol, pmf, tail };
}

/** Codewords, bit errors and the FEC counts of n codewords of a Gray-coded PAM4 signal at bit error ratio `ber`. */
export class CodewordDrawer {
  private table: BinTable | null = null;

  constructor(private readonly rng: SeededRandom) {}

  draw(n: number, ber: number): { fec: FecCounts; bitErrors: number } {
    const fec = emptyFec();
    fec.codewords = n;
    const s = pam4SymbolErrorRatio(Math.min(ber, 0.375));
    const pSymbol = rsSymbolErrorProbability(Math.min(ber, 0.375), 'PAM4');
    if (n === 0 || pSymbol === 0) {
      fec.histogram[0] = n;
      return { fec, bitErrors: 0 };
    }
    if (this.table?.pSymbol !== pSymbol) this.table = binTable(pSymbol);
    const { pmf, tail } = this.table;
    let remaining = n;
    for (let k = 0; k < pmf.length && remaining > 0; k++) {
      const t = tail[k] ?? 0;
      const c = k === pmf.length - 1 || !(t > 0) ? remaining : this.rng.binomial(remaining, Math.min(1, (pmf[k] ?? 0) / t));
      if (c === 0) continue;
      remaining -= c;
      fec.symbolErrors += k * c;
      if (k > KP4.t) fec.uncorrectable += c;
      const bin = Math.min(k, KP4.t + 1);
      fec.histogram[bin] = (fec.histogram[bin] ?? 0) + c;
    }
    return { fec, bitErrors: this.bitErrors(fec.symbolErrors, s) };
  }

  /** Bit errors in `symbols` erroneous RS symbols: each has b ≥ 1 of its 5 PAM4 symbols wrong, b ~ Binomial(5, s) given b ≥ 1. */
  private bitErrors(symbols: number, s: number): number {
    if (symbols === 0) return 0;
    const none = (1 - s) ** PAM4_PER_RS;
    let remaining = symbols;
    let left = 1 - none;
    let bits = 0;
    for (let b = 1; b <= PAM4_PER_RS && remaining > 0; b++) {
      const pb = binomialPmf(b, PAM4_PER_RS, s);
      const c = b === PAM4_PER_RS || !(left > 0) ? remaining : this.rng.binomial(remaining, Math.min(1, pb / left));
      bits += b * c;
      remaining -= c;
      left -= pb;
    }
    return bits;
  }
}

/** Without pattern sync the compared symbols are random: every codeword fails, nearly every symbol is wrong. */
export function unsyncedCodewords(rng: SeededRandom, n: number): FecCounts {
  const fec = emptyFec();
  fec.codewords = n;
  fec.uncorrectable = n;
  fec.histogram[KP4.t + 1] = n;
  fec.symbolErrors = rng.binomial(n * KP4.n, 1 - 2 ** -KP4.m);
  return fec;
}
