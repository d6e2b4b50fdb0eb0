import { describe, expect, it } from 'vitest';
import { BER_THRESHOLDS, HD_FEC_7_BER, KP4_BER, KR4_BER, berFromQ, qFromBer, qFromDb, qToDb } from '../../../models/ber.ts';

describe('BER ↔ Q: PHYSICS.md reference figures', () => {
  it.each([
    [6.0, 1e-9, 0.01],
    [7.03, 1e-12, 0.01],
    [7.94, 1e-15, 0.01],
    [3.49, KP4_BER, 0.01],
  ])('Q = %f ↔ BER = %e', (q, ber, qTol) => {
    expect(Math.abs(qFromBer(ber) - q)).toBeLessThan(qTol);
    expect(Math.log10(berFromQ(q))).toBeCloseTo(Math.log10(ber), 1);
  });

  it('matches erfc values to many digits', () => {
    expect(berFromQ(0)).toBe(0.5);
    expect(berFromQ(1)).toBeCloseTo(0.15865525393145707, 15);
    expect(berFromQ(7)).toBeCloseTo(1.279812543885835e-12, 24);
    expect(berFromQ(Infinity)).toBe(0);
  });

  it('round-trips Q → BER → Q over the measurable range', () => {
    for (let q = 0.5; q < 9; q += 0.37) expect(qFromBer(berFromQ(q))).toBeCloseTo(q, 8);
    expect(qFromBer(0)).toBe(Infinity);
    expect(qFromBer(0.5)).toBe(0);
    expect(qFromBer(0.8)).toBeLessThan(0);
  });

  it('exposes the pre-FEC thresholds in order of strictness', () => {
    expect(KR4_BER).toBeLessThan(KP4_BER);
    expect(KP4_BER).toBeLessThan(HD_FEC_7_BER);
    expect(BER_THRESHOLDS.kp4.ber).toBe(2.4e-4);
    expect(BER_THRESHOLDS['no-fec'].ber).toBe(1e-12);
  });

  it('converts Q to and from dB', () => {
    expect(qToDb(10)).toBeCloseTo(20, 12);
    expect(qFromDb(qToDb(7.03))).toBeCloseTo(7.03, 12);
    expect(() => qToDb(0)).toThrow(/qToDb: q must be a Q factor > 0/);
  });

  it('rejects BER outside [0, 1] and NaN Q', () => {
    expect(() => qFromBer(-1e-3)).toThrow(/qFromBer: ber must be a bit error ratio in \[0, 1\]/);
    expect(() => qFromBer(1.5)).toThrow(RangeError);
    expect(() => qFromBer(Number.NaN)).toThrow(RangeError);
    expect(() => berFromQ(Number.NaN)).toThrow(/berFromQ: q/);
  });
});
