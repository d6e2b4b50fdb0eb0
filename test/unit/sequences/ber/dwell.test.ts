import { describe, expect, it } from 'vitest';
import { berUpperBound, bitsToClaim } from '../../../../models/confidence.ts';
import {
  DwellInputError, boundTest, decideDwell, errorsForPrecision, planBoundTest, pointClaim, probabilityAtLeast, probabilityAtMost,
} from '../../../../sequences/steps/ber/dwell.ts';
import { RATE_BPS, goalsFor, poissonDraw, simulatePoint } from './simulate-point.ts';

const TRIALS = 3000;

function runMany(trueBer: number, seed: number, opts: { predicted?: number; goals?: ReturnType<typeof goalsFor> } = {}) {
  const goals = opts.goals ?? goalsFor();
  const draw = poissonDraw(seed);
  const test = planBoundTest(goals, opts.predicted);
  const out = [];
  for (let i = 0; i < TRIALS; i++) out.push(simulatePoint(goals, test, trueBer, draw, opts.predicted));
  return out;
}

describe('errorsForPrecision', () => {
  it('is the fewest errors whose Garwood interval is within ±precision', () => {
    expect(errorsForPrecision(0.5, 0.95)).toBe(24);
    expect(errorsForPrecision(0.3, 0.95)).toBe(56);
    // tighter precision or higher confidence needs more errors
    expect(errorsForPrecision(0.2, 0.95)).toBeGreaterThan(errorsForPrecision(0.3, 0.95));
    expect(errorsForPrecision(0.5, 0.99)).toBeGreaterThan(errorsForPrecision(0.5, 0.95));
  });

  it('refuses a precision or confidence outside (0, 1), naming it', () => {
    expect(() => errorsForPrecision(0, 0.95)).toThrow(/precision must be .* got 0/);
    expect(() => errorsForPrecision(1.5, 0.95)).toThrow(DwellInputError);
    expect(() => errorsForPrecision(0.5, 1)).toThrow(/confidence must be in \(0, 1\), got 1/);
  });
});

describe('bound test', () => {
  it('without a prediction allows 0 errors in 2.996/target bits (95 %)', () => {
    const test = planBoundTest(goalsFor());
    expect(test).toEqual({ errorsAllowed: 0, bits: Math.ceil(bitsToClaim(1e-12, 0.95, 0)) });
    expect((test?.bits ?? 0) / RATE_BPS).toBeCloseTo(116.2, 0); // PHYSICS.md: 116 s at 25.78 Gb/s
  });

  it('allows more errors when the predicted BER is only a few times below the target', () => {
    // at 1e-13, k = 0 passes 74 % of the time; k = 1 passes 92 %
    expect(planBoundTest(goalsFor(), 1e-13)?.errorsAllowed).toBe(1);
    expect(planBoundTest(goalsFor(), 1e-15)?.errorsAllowed).toBe(0);
  });

  it('is null when even zero errors cannot show the target within the maximum dwell', () => {
    expect(planBoundTest(goalsFor({ maxBits: 60 * RATE_BPS }))).toBeNull();
    expect(boundTest(goalsFor({ maxBits: 150 * RATE_BPS }), 1)).toBeNull(); // k = 1 needs 184 s
  });
});

describe('decideDwell', () => {
  const goals = goalsFor();
  const test = planBoundTest(goals);

  it('stops as measured once the errors for the precision are in', () => {
    expect(decideDwell(goals, test, { bits: 1e9, errors: 23 })).toMatchObject({ done: false });
    expect(decideDwell(goals, test, { bits: 1e9, errors: 24 })).toMatchObject({ done: true, status: 'measured' });
  });

  it('claims the bound exactly at the planned bits with at most k errors, not before', () => {
    const bits = test?.bits ?? 0;
    const before = decideDwell(goals, test, { bits: bits - 1e9, errors: 0 });
    expect(before).toEqual({ done: false, nextGateBits: 1e9 }); // the next gate ends on the planned look
    expect(decideDwell(goals, test, { bits, errors: 0 })).toMatchObject({ done: true, status: 'bounded' });
    // one error too many: no bound, and 1 error in 3e12 bits will not make 24 within 200 s either
    expect(decideDwell(goals, test, { bits, errors: 1 })).toMatchObject({ done: true, status: 'limited' });
  });

  it('stops at the maximum dwell, and earlier when even an optimistic BER cannot reach the precision', () => {
    expect(decideDwell(goals, null, { bits: goals.maxBits, errors: 3 })).toMatchObject({ done: true, status: 'limited' });
    // 5 errors in 2.5e12 bits: even at the 95 % upper bound 24 errors would not come within 200 s
    expect(decideDwell(goals, test, { bits: 2.5e12, errors: 5 })).toMatchObject({ done: true, status: 'limited' });
    // 5 errors in 2.5e11 bits: they will
    expect(decideDwell(goals, test, { bits: 2.5e11, errors: 5 })).toMatchObject({ done: false });
  });

  it('grows a gate by at most the growth factor and starts with the minimum gate', () => {
    const first = decideDwell(goals, test, { bits: 0, errors: 0 });
    expect(first).toEqual({ done: false, nextGateBits: goals.minGateBits });
    const next = decideDwell(goals, test, { bits: 1e10, errors: 0 });
    expect(next).toEqual({ done: false, nextGateBits: 3e10 }); // total 1e10 → 4e10
  });

  it('aims the next gate a little short of the expected last error', () => {
    // 4 errors in 1e10 bits: 20 more expected in 5e10 bits; aim at 20 − √20 ≈ 15.5 → 3.88e10
    const d = decideDwell(goals, test, { bits: 1e10, errors: 4 });
    expect(d.done).toBe(false);
    if (!d.done) expect(d.nextGateBits).toBeCloseTo(3e10, -8); // capped by growth ×4 first
    const d2 = decideDwell(goals, test, { bits: 4e10, errors: 16 });
    expect(d2.done).toBe(false);
    if (!d2.done) expect(d2.nextGateBits).toBeCloseTo(((8 - Math.sqrt(8)) * 4e10) / 16, -3);
  });

  it('refuses impossible counts and goals, naming the field', () => {
    expect(() => decideDwell(goals, test, { bits: -1, errors: 0 })).toThrow(/bits must be a finite number >= 0, got -1/);
    expect(() => decideDwell(goals, test, { bits: 10, errors: 11 })).toThrow(/errors must be an integer in \[0, bits\]/);
    expect(() => decideDwell(goals, test, { bits: 10, errors: 1.5 })).toThrow(DwellInputError);
    expect(() => decideDwell(goalsFor({ growth: 1 }), test, { bits: 0, errors: 0 })).toThrow(/growth must be a finite number > 1, got 1/);
    expect(() => decideDwell(goalsFor({ minErrors: 0 }), test, { bits: 0, errors: 0 })).toThrow(/minErrors must be an integer >= 1/);
    expect(() => decideDwell(goalsFor({ confidence: 95 }), test, { bits: 0, errors: 0 })).toThrow(/confidence must be in \(0, 1\), got 95/);
    expect(() => decideDwell(goalsFor({ targetBer: 0 }), test, { bits: 0, errors: 0 })).toThrow(/targetBer/);
  });
});

describe('claims on synthetic Poisson counts are honest', () => {
  const bers = [1e-5, 1e-8, 1e-10, 1e-11, 3e-12, 1.5e-12, 1e-12, 5e-13, 1e-13, 1e-14];

  it('the true BER lies within the recorded interval at about the stated 95 %, at every BER', () => {
    bers.forEach((ber, i) => {
      const points = runMany(ber, 100 + i);
      const covered = points.filter((p) => ber >= p.claim.lower && ber <= p.claim.upper).length / TRIALS;
      // worst case is at the target itself, where the one-sided claim spends its whole 5 %
      expect(covered, `coverage at BER ${ber}`).toBeGreaterThan(0.93);
      const underUpper = points.filter((p) => ber <= p.claim.upper).length / TRIALS;
      expect(underUpper, `upper bound at BER ${ber}`).toBeGreaterThan(0.94);
    });
  });

  it('claims BER ≤ target falsely in at most 5 % of points whose BER is at or above the target', () => {
    [1e-12, 1.2e-12, 2e-12, 5e-12].forEach((ber, i) => {
      const points = runMany(ber, 200 + i);
      const claimed = points.filter((p) => p.status === 'bounded').length / TRIALS;
      expect(claimed, `false claims at ${ber}`).toBeLessThan(0.05 + 3 * Math.sqrt((0.05 * 0.95) / TRIALS));
    });
  });

  it('the planned test matters: stopping at the first gate whose upper bound is below target would claim falsely more often', () => {
    // Looks after each error (where a naive sweep would re-check) at a true BER equal to the target.
    const draw = poissonDraw(9);
    let naiveClaims = 0;
    for (let i = 0; i < TRIALS; i++) {
      let bits = 0, errors = 0;
      for (let k = 0; k < 6; k++) {
        const look = bitsToClaim(1e-12, 0.95, k);
        errors += draw((look - bits) * 1e-12);
        bits = look;
        if (berUpperBound(bits, errors, 0.95) <= 1e-12 * 1.000001) { naiveClaims++; break; }
      }
    }
    expect(naiveClaims / TRIALS).toBeGreaterThan(0.07);
  });

  it('a point far below the target is bounded in one planned look nearly always', () => {
    const points = runMany(1e-14, 300);
    expect(points.filter((p) => p.status === 'bounded').length / TRIALS).toBeGreaterThan(0.95);
    for (const p of points.filter((q) => q.status === 'bounded')) expect(p.claim.upper).toBeLessThanOrEqual(1e-12);
  });

  it('a predicted BER a few times below target picks an allowance that passes more often than k = 0', () => {
    const blind = runMany(1e-13, 400).filter((p) => p.status === 'bounded').length / TRIALS;
    const informed = runMany(1e-13, 400, { predicted: 1e-13 }).filter((p) => p.status === 'bounded').length / TRIALS;
    expect(blind).toBeLessThan(0.8);
    expect(informed).toBeGreaterThan(0.88);
  });

  it('a measured point counts close to the statistical floor (its errors / BER)', () => {
    for (const ber of [1e-9, 1e-10, 1e-11]) {
      const points = runMany(ber, 500);
      expect(points.every((p) => p.status === 'measured' || ber < 2e-11)).toBe(true);
      const meanBits = points.reduce((s, p) => s + p.bits, 0) / TRIALS;
      const floor = goalsFor().minErrors / ber;
      expect(meanBits / floor, `bits over floor at ${ber}`).toBeLessThan(1.12);
      expect(meanBits / floor).toBeGreaterThan(0.98);
    }
  });
});

describe('pointClaim and probabilities', () => {
  it('records the one-sided bound for a bounded point and the Garwood interval otherwise', () => {
    const bounded = pointClaim('bounded', { bits: 3e12, errors: 0 }, 0.95);
    expect(bounded).toEqual({ ber: 0, lower: 0, upper: berUpperBound(3e12, 0, 0.95), confidence: 0.95 });
    const measured = pointClaim('measured', { bits: 1e10, errors: 24 }, 0.95);
    expect(measured?.lower).toBeLessThan(2.4e-9);
    expect(measured?.upper).toBeGreaterThan(2.4e-9);
    expect(pointClaim('limited', { bits: 0, errors: 0 }, 0.95)).toBeNull();
  });

  it('Poisson tails match their definitions', () => {
    expect(probabilityAtMost(0, 1e12, 1e-12)).toBeCloseTo(Math.exp(-1), 10);
    expect(probabilityAtLeast(1, 1e12, 1e-12)).toBeCloseTo(1 - Math.exp(-1), 10);
    expect(probabilityAtLeast(0, 0, 1e-12)).toBe(1);
    expect(probabilityAtLeast(2, 0, 1e-12)).toBe(0);
  });
});

describe('early stop on failing points', () => {
  const goals = goalsFor({ stopFailing: true });
  const test = planBoundTest(goals);

  it('one error in 5.1e10 bits shows BER > 1e-12 at 95 %: a point predicted near the target stops there as failed', () => {
    const d = decideDwell(goals, test, { bits: 5.1e10, errors: 1 }, 3e-12);
    expect(d).toMatchObject({ done: true, status: 'failed' });
    if (d.done) expect(d.why).toMatch(/1 error in 5\.100e\+10 bits: BER > 1e-12 at 95 %/);
  });

  it('but not when one error came too late to show it, nor for a waterfall point that is cheap to count to precision', () => {
    expect(decideDwell(goals, test, { bits: 6e10, errors: 1 }, 3e-12).done).toBe(false);
    expect(decideDwell(goals, test, { bits: 1e8, errors: 3 }, 1e-7).done).toBe(false);
    expect(decideDwell(goalsFor(), test, { bits: 5.1e10, errors: 1 }, 3e-12).done).toBe(false);
  });

  it('at a true BER of 5e-12 most points stop as failed, on average for fewer bits than the claim', () => {
    const draw = poissonDraw(77);
    let failed = 0, bits = 0;
    for (let i = 0; i < 400; i++) {
      const r = simulatePoint(goals, test, 5e-12, draw, 5e-12);
      if (r.status === 'failed') {
        failed++;
        bits += r.bits;
      }
    }
    expect(failed).toBeGreaterThan(300);
    expect(bits / failed).toBeLessThan(test?.bits ?? 0);
  });

  it('refuses a stopFailing that is not a boolean, naming it', () => {
    expect(() => decideDwell({ ...goals, stopFailing: 'yes' as unknown as boolean }, test, { bits: 0, errors: 0 })).toThrow(/stopFailing must be true or false/);
  });
});
