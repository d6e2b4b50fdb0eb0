// mm ↔ µm at the edge of the ESP301 and PI GCS dialects.
import { describe, expect, it } from 'vitest';
import { UM_VIA_MM, mmTextAsUm, umAsMmText } from '../../../../drivers/roles/stage-units.ts';

describe('µm as mm text', () => {
  it.each([
    [12_500, '12.5'],
    [0, '0'],
    [-0, '0'],
    [0.5, '0.0005'],
    [1, '0.001'],
    [-250, '-0.25'],
    [25_000, '25'],
    [9_999.999, '9.999999'],
    [0.0004, '0'], // below 1 nm: the controllers' resolution ends there
    [123_456.789, '123.456789'],
  ])('%d µm → %s mm', (um, text) => {
    expect(umAsMmText(um)).toBe(text);
  });

  it('never writes an exponent', () => {
    for (const um of [1e-3, 1e-2, 1e7, 3.3e-1]) expect(umAsMmText(um)).not.toMatch(/e/i);
  });

  it('refuses non-finite values', () => {
    expect(() => umAsMmText(NaN)).toThrow(RangeError);
    expect(() => umAsMmText(Infinity)).toThrow(/Infinity µm/);
  });
});

describe('mm text as µm', () => {
  it.each([
    ['12.500000', 12_500],
    ['-0.250000', -250],
    [' 0.001 ', 1],
    ['+3', 3000],
    ['1e-3', 1],
    ['.5', 500],
  ])('%s mm → %d µm', (text, um) => {
    expect(mmTextAsUm(text)).toBeCloseTo(um, 9);
  });

  it.each(['', 'abc', '1,5', '1.2.3', 'NaN', '--1'])('%j is not a number of mm', (text) => {
    expect(mmTextAsUm(text)).toBeUndefined();
  });

  it('round-trips through the codec to the nanometre', () => {
    for (const um of [0, 1, 12_345.678, 25_000, -42.001]) expect(UM_VIA_MM.parse(UM_VIA_MM.format(um))).toBeCloseTo(um, 6);
    expect(() => UM_VIA_MM.parse('oops')).toThrow(/millimetres/);
  });
});
