// The time a set step allows a stage move: a trapezoid (or triangle) profile, as the controller runs it.
import { describe, expect, it } from 'vitest';
import { moveDuration_s } from '../../../sequences/steps/set.ts';

describe('moveDuration_s', () => {
  it('cruises when the move is long enough to reach the velocity, else a triangle', () => {
    // 10 mm at 2 mm/s with 20 mm/s² ramps: 0.1 s up, 0.1 s down, 4.9 s cruising.
    expect(moveDuration_s(10_000, 2_000, 20_000)).toBeCloseTo(5.1, 9);
    // 50 µm never reaches 2 mm/s: 2·√(50/20000).
    expect(moveDuration_s(50, 2_000, 20_000)).toBeCloseTo(0.1, 9);
    expect(moveDuration_s(200, 2_000, 20_000)).toBeCloseTo(0.2, 9); // exactly v²/a: both formulas agree
  });

  it('is 0 for no move and infinite for a stage that reports no speed', () => {
    expect(moveDuration_s(0, 2_000, 20_000)).toBe(0);
    expect(moveDuration_s(10, 0, 20_000)).toBe(Infinity);
  });
});
