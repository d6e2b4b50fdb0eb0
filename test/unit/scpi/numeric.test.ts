import { describe, expect, it } from 'vitest';
import { parseNumeric, parseNumericWithUnit, ScpiErrorCode, SI_PREFIXES } from '../../../drivers/scpi/index.ts';
import { scpiErrorOf } from './scpi-error-of.ts';

describe('parseNumeric: numbers', () => {
  it.each([
    ['1550', 1550], ['1.55E-6', 1.55e-6], ['+.5', 0.5], ['-3', -3], ['5.', 5], ['1e3', 1000], ['-2.5e+2', -250],
    ['0', 0], ['007', 7], ['#H1F', 31], ['#Q17', 15], ['#B101', 5], ['#hff', 255],
  ])('reads %j as %d', (token, value) => {
    expect(parseNumeric(token)).toBe(value);
  });

  it('is exact: the unit scaling is one decimal rounding, not a multiplication', () => {
    expect(parseNumeric('1550NM', { unit: 'M' })).toBe(1.55e-6);
    expect(parseNumeric('1.31UM', { unit: 'M' })).toBe(1.31e-6);
    expect(parseNumeric('0.01NM', { unit: 'M' })).toBe(1e-11);
  });
});

describe('parseNumeric: units and SI prefixes', () => {
  it.each([
    ['1550NM', 'M', 1.55e-6], ['100MS', 'S', 0.1], ['-3DBM', 'DBM', -3], ['10DB', 'DB', 10],
    ['25.78125GHZ', 'HZ', 2.578125e10], ['10NM/S', 'M/S', 1e-8], ['5UM', 'M', 5e-6], ['1MW', 'W', 1e-3],
    ['1550nm', 'M', 1.55e-6], ['100 MS', 'S', 0.1], ['2.5E3NM', 'M', 2.5e-6], ['7M', 'M', 7], ['3S', 'S', 3],
    ['5MHZ', 'HZ', 5e6], ['5mhz', 'HZ', 5e6], ['2MOHM', 'OHM', 2e6], ['3MAHZ', 'HZ', 3e6], ['4KOHM', 'OHM', 4000],
    ['5MA', 'A', 5e-3], ['5MAA', 'A', 5e6], ['1550', 'M', 1550], ['45DEG', 'DEG', 45], ['1US', 'S', 1e-6],
  ])('%j with unit %s is %d', (token, unit, value) => {
    expect(parseNumeric(token, { unit })).toBeCloseTo(value, 20);
    expect(parseNumeric(token, { unit }) / value).toBeCloseTo(1, 12);
  });

  it('knows the whole SI prefix table', () => {
    expect(SI_PREFIXES).toEqual({ EX: 18, PE: 15, T: 12, G: 9, MA: 6, K: 3, M: -3, U: -6, N: -9, P: -12, F: -15, A: -18 });
    for (const [prefix, exp] of Object.entries(SI_PREFIXES)) {
      expect(parseNumeric(`2${prefix}S`, { unit: 'S' })).toBe(Number(`2e${exp}`));
      expect(parseNumeric(`2${prefix.toLowerCase()}s`, { unit: 'S' })).toBe(Number(`2e${exp}`));
    }
  });

  it('refuses a unit that is not the expected one (-131), naming the token and the unit', () => {
    for (const [token, unit] of [['1550NM', 'S'], ['-3DBM', 'W'], ['10DB', 'DBM'], ['5XM', 'M'], ['1MDB', 'DB'], ['1KDBM', 'DBM'], ['1NM', 'M/S']]) {
      const e = scpiErrorOf(() => parseNumeric(token, { unit }));
      expect(e.code).toBe(ScpiErrorCode.InvalidSuffix);
      expect(e.detail).toContain(token!);
      expect(e.detail).toContain(unit!);
    }
  });

  it('refuses a unit where none is allowed (-138)', () => {
    const e = scpiErrorOf(() => parseNumeric('100MS'));
    expect(e.code).toBe(ScpiErrorCode.SuffixNotAllowed);
    expect(e.detail).toContain('100MS');
    expect(e.detail).toContain('plain number');
  });
});

describe('parseNumeric: MIN, MAX, DEF, INF, NINF, NAN', () => {
  const opts = { unit: 'M', min: 1.5e-6, max: 1.6e-6, default: 1.55e-6 };
  it.each([['MIN', 1.5e-6], ['min', 1.5e-6], ['MINimum', 1.5e-6], ['MAX', 1.6e-6], ['maximum', 1.6e-6], ['DEF', 1.55e-6], ['DEFAULT', 1.55e-6]])(
    '%j resolves to the option', (token, value) => {
      expect(parseNumeric(token, opts)).toBe(value);
    });

  it('refuses MIN/MAX/DEF with -224 when the option is not given', () => {
    for (const token of ['MIN', 'MAX', 'DEF']) {
      const e = scpiErrorOf(() => parseNumeric(token, { unit: 'M' }));
      expect(e.code).toBe(ScpiErrorCode.IllegalParameterValue);
      expect(e.detail).toContain(token);
    }
  });

  it('reads INF, NINF and NAN as SCPI does', () => {
    expect(parseNumeric('INF')).toBe(Infinity);
    expect(parseNumeric('infinity')).toBe(Infinity);
    expect(parseNumeric('NINF')).toBe(-Infinity);
    expect(parseNumeric('NAN')).toBeNaN();
    expect(parseNumeric('INF', { min: 0 })).toBe(Infinity);
  });

  it('refuses them with -222 where a range applies', () => {
    expect(scpiErrorOf(() => parseNumeric('INF', opts)).code).toBe(ScpiErrorCode.DataOutOfRange);
    expect(scpiErrorOf(() => parseNumeric('NINF', opts)).code).toBe(ScpiErrorCode.DataOutOfRange);
    expect(scpiErrorOf(() => parseNumeric('NAN', opts)).code).toBe(ScpiErrorCode.DataOutOfRange);
  });
});

describe('parseNumeric: range and integer checks', () => {
  const opts = { unit: 'M', min: 1.5e-6, max: 1.6e-6 };
  it('accepts values on the bounds, also when a bound was computed with rounding error', () => {
    expect(parseNumeric('1500NM', opts)).toBe(1.5e-6);
    expect(parseNumeric('1600NM', opts)).toBe(1.6e-6);
    const max = 1.6e-6 * (1 - 1e-14);
    expect(parseNumeric('1600NM', { unit: 'M', max })).toBe(max);
    const min = 1.5e-6 * (1 + 1e-14);
    expect(parseNumeric('1500NM', { unit: 'M', min })).toBe(min);
    expect(scpiErrorOf(() => parseNumeric('1600NM', { unit: 'M', max: 1.6e-6 * (1 - 1e-9) })).code).toBe(ScpiErrorCode.DataOutOfRange);
  });

  it('refuses values outside [min, max] with -222 naming the value and the range', () => {
    const e = scpiErrorOf(() => parseNumeric('1700NM', opts));
    expect(e.code).toBe(ScpiErrorCode.DataOutOfRange);
    expect(e.detail).toContain('1700NM');
    expect(e.detail).toContain('0.0000017');
    expect(e.detail).toContain('0.0000015 to 0.0000016 M');
    expect(scpiErrorOf(() => parseNumeric('1.4999E-6', opts)).code).toBe(ScpiErrorCode.DataOutOfRange);
    expect(parseNumeric('-1', { max: 10 })).toBe(-1);
    expect(scpiErrorOf(() => parseNumeric('11', { max: 10 })).detail).toContain('-INF to 10');
    expect(scpiErrorOf(() => parseNumeric('-1', { min: 0 })).detail).toContain('0 to INF');
  });

  it('refuses a non-integer where an integer is required with -104', () => {
    expect(parseNumeric('100', { integer: true })).toBe(100);
    expect(parseNumeric('1E3', { integer: true })).toBe(1000);
    expect(parseNumeric('MAX', { integer: true, max: 8 })).toBe(8);
    const e = scpiErrorOf(() => parseNumeric('2.5', { integer: true }));
    expect(e.code).toBe(ScpiErrorCode.DataTypeError);
    expect(e.detail).toContain('2.5');
    expect(e.detail).toContain('whole number');
  });
});

describe('parseNumeric: malformed input', () => {
  it('refuses a missing token with -109', () => {
    expect(scpiErrorOf(() => parseNumeric(undefined, { unit: 'M' })).code).toBe(ScpiErrorCode.MissingParameter);
    expect(scpiErrorOf(() => parseNumeric('  ')).code).toBe(ScpiErrorCode.MissingParameter);
    expect(scpiErrorOf(() => parseNumeric(undefined, { unit: 'M' })).detail).toContain('in M');
  });

  it.each([
    ['ON', ScpiErrorCode.DataTypeError], ['"1550"', ScpiErrorCode.DataTypeError], ['ABC', ScpiErrorCode.DataTypeError],
    ['(1)', ScpiErrorCode.DataTypeError], ['#15abcde', ScpiErrorCode.DataTypeError],
    ['1.2.3', ScpiErrorCode.InvalidCharacterInNumber], ['12,5', ScpiErrorCode.InvalidCharacterInNumber],
    ['-', ScpiErrorCode.NumericDataError], ['.', ScpiErrorCode.NumericDataError], ['+E3', ScpiErrorCode.NumericDataError],
    ['#HXY', ScpiErrorCode.InvalidCharacterInNumber], ['#Q9', ScpiErrorCode.InvalidCharacterInNumber], ['#B12', ScpiErrorCode.InvalidCharacterInNumber],
    ['1E40000', ScpiErrorCode.ExponentTooLarge], ['1E400', ScpiErrorCode.ExponentTooLarge],
    ['1'.repeat(300), ScpiErrorCode.TooManyDigits], ['1NM*', ScpiErrorCode.InvalidSuffix],
  ])('refuses %j with %i', (token, code) => {
    const e = scpiErrorOf(() => parseNumeric(token, { unit: 'M' }));
    expect(e.code).toBe(code);
    expect(e.detail?.length).toBeGreaterThan(0);
  });

  it('says what was expected when the token is not a number', () => {
    expect(scpiErrorOf(() => parseNumeric('ABC', { unit: 'M' })).detail).toBe("'ABC' is not a number; expected a number in M (SI prefixes allowed)");
  });

  it('reads tiny exponents as zero rather than failing', () => {
    expect(parseNumeric('1E-400')).toBe(0);
  });
});

describe('parseNumericWithUnit', () => {
  const units = ['DBM', 'W'] as const;
  it('says which unit was given', () => {
    expect(parseNumericWithUnit('-3DBM', units)).toEqual({ value: -3, unit: 'DBM' });
    expect(parseNumericWithUnit('1MW', units)).toEqual({ value: 1e-3, unit: 'W' });
    expect(parseNumericWithUnit('2.5uw', units)).toEqual({ value: 2.5e-6, unit: 'W' });
    expect(parseNumericWithUnit('0.5', units)).toEqual({ value: 0.5, unit: undefined });
    expect(parseNumericWithUnit('10 W', units)).toEqual({ value: 10, unit: 'W' });
  });

  it('prefers the longest unit that fits', () => {
    expect(parseNumericWithUnit('3DB', ['B', 'DB'])).toEqual({ value: 3, unit: 'DB' });
    expect(parseNumericWithUnit('3MM', ['M', 'MM'])).toEqual({ value: 3, unit: 'MM' });
    expect(parseNumericWithUnit('3MHZ', ['HZ', 'S'])).toEqual({ value: 3e6, unit: 'HZ' });
  });

  it('reads INF/NINF/NAN without a unit', () => {
    expect(parseNumericWithUnit('INF', units)).toEqual({ value: Infinity, unit: undefined });
    expect(parseNumericWithUnit('NINF', units).value).toBe(-Infinity);
    expect(parseNumericWithUnit('NAN', units).value).toBeNaN();
  });

  it('refuses other units (-131) naming the accepted ones, and MIN/MAX/DEF (-224)', () => {
    const e = scpiErrorOf(() => parseNumericWithUnit('1550NM', units));
    expect(e.code).toBe(ScpiErrorCode.InvalidSuffix);
    expect(e.detail).toContain('DBM, W');
    expect(scpiErrorOf(() => parseNumericWithUnit('MAX', units)).code).toBe(ScpiErrorCode.IllegalParameterValue);
    expect(scpiErrorOf(() => parseNumericWithUnit(undefined, units)).code).toBe(ScpiErrorCode.MissingParameter);
    expect(scpiErrorOf(() => parseNumericWithUnit('abc', units)).code).toBe(ScpiErrorCode.DataTypeError);
  });
});
