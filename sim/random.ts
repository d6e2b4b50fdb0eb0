// Seeded randomness for the virtual bench. Everything hidden or noisy in the simulator draws from a
// SeededRandom so a seed reproduces a bench exactly. Numerics: @stdlib/random-base-uniform (a seeded
// MT19937 stream), and @stdlib/random-base-normal / -poisson / -binomial driven by that same stream (their
// `prng` option), so one stream per purpose yields every distribution.
import uniform from '@stdlib/random-base-uniform';
import normal from '@stdlib/random-base-normal';
import poisson from '@stdlib/random-base-poisson';
import binomial from '@stdlib/random-base-binomial';

/** MT19937 accepts seeds 1 … 2³²−1. */
const MAX_SEED = 0xffffffff;

// Above this mean a Poisson count is drawn from its normal approximation: the relative error is
// below 1e-4 there, and the exact samplers get slow or lose precision for huge means (BER 0.5 × 1e12 bits).
const POISSON_NORMAL_ABOVE = 1e8;

/** Below this mean a binomial count is drawn by its geometric gaps (see binomial()). */
const BINOMIAL_GAPS_BELOW = 30;

export class RandomSeedError extends Error {
  constructor(readonly seed: unknown) {
    super(`random seed ${String(seed)} must be a finite integer (any sign; it is hashed to an MT19937 seed)`);
    this.name = 'RandomSeedError';
  }
}

/**
 * One reproducible random stream. Use `fork(label)` to give each purpose (a coupler's parameters, a
 * meter's noise, a BERT's error counts) its own stream, so adding draws in one place never changes
 * what another place sees for the same seed.
 */
export class SeededRandom {
  readonly seed: number;
  private readonly u: () => number;
  private readonly gauss: (mu: number, sigma: number) => number;
  private readonly pois: (lambda: number) => number;
  private readonly binom: (n: number, p: number) => number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RandomSeedError(seed);
    this.seed = seed;
    const mtSeed = toMtSeed(seed);
    const u01 = uniform.factory(0, 1, { seed: mtSeed });
    this.u = u01;
    this.gauss = normal.factory({ prng: u01 });
    this.pois = poisson.factory({ prng: u01 });
    this.binom = binomial.factory({ prng: u01 });
  }

  /** An independent stream derived from this one's seed and a label (deterministic, order-free). */
  fork(label: string): SeededRandom {
    return new SeededRandom(hashLabel(this.seed, label));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u();
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.u();
  }

  /** Normal (Gaussian) draw; sigma 0 returns mu exactly. */
  normal(mu = 0, sigma = 1): number {
    if (sigma === 0) return mu;
    return this.gauss(mu, sigma);
  }

  /** A non-negative integer count with the given mean (0 for a mean ≤ 0). */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean > POISSON_NORMAL_ABOVE) return Math.max(0, Math.round(this.gauss(mean, Math.sqrt(mean))));
    return this.pois(mean);
  }

  /** Successes in n trials of probability p (n a whole number ≥ 0; p outside (0, 1) gives 0 or n). */
  binomial(n: number, p: number): number {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`binomial draw: n must be a whole number ≥ 0, got ${n}`);
    if (n === 0 || !(p > 0)) return 0;
    if (p >= 1) return n;
    // Few expected successes in many trials (a rare histogram bin over 10^7 codewords): @stdlib's sampler
    // takes time in proportion to n there (a second for n = 2e7), so count geometric gaps between successes
    // instead (exact, time ∝ n·p). Elsewhere @stdlib's BTPE sampler, whose time does not grow with n.
    if (n * p < BINOMIAL_GAPS_BELOW && n > 1000) {
      const lq = Math.log1p(-p);
      let successes = 0;
      for (let at = 0; ; successes++) {
        at += Math.floor(Math.log(1 - this.u()) / lq) + 1;
        if (at > n) return successes;
      }
    }
    return this.binom(n, p);
  }

  /** A random sign, −1 or +1. */
  sign(): -1 | 1 {
    return this.u() < 0.5 ? -1 : 1;
  }

  /** A uniformly random direction angle in [0, 2π). */
  angle_rad(): number {
    return 2 * Math.PI * this.u();
  }
}

/** Maps any integer seed onto MT19937's valid range 1 … 2³²−1, spreading nearby seeds apart. */
function toMtSeed(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x100000000) >>> 0;
  const mixed = (mix32(lo ^ mix32(hi + 0x9e3779b9)) >>> 0) % MAX_SEED;
  return mixed + 1;
}

/** FNV-1a over the label, mixed with the parent seed: a stable child seed. */
function hashLabel(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (toMtSeed(seed) >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h) >>> 0;
}

/** A 32-bit finaliser (murmur3 fmix32). */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
