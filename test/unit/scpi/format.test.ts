import { describe, expect, it } from 'vitest';
import {
  formatBoolean, formatList, formatNR1, formatNR2, formatNR3, formatString, parseNumeric, parseResponseBoolean,
  parseResponseInteger, parseResponseNumber, parseResponseNumbers, parseResponseString, parseString,
} from '../../../drivers/scpi/index.ts';

describe('formatNR1', () => {
  it('writes integers, rounding', () => {
    expect(formatNR1(42)).toBe('42');
    expect(formatNR1(-3)).toBe('-3');
    expect(formatNR1(2.5)).toBe('3');
    expect(formatNR1(-0.2)).toBe('0');
    expect(formatNR1(1e21)).toBe('1000000000000000000000');
  });
});

describe('formatNR3', () => {
  it('writes sign, mantissa, E and a signed exponent of at least two digits', () => {
    expect(formatNR3(1.55e-6)).toBe('+1.55000000E-06');
    expect(formatNR3(-3)).toBe('-3.00000000E+00');
    expect(formatNR3(0)).toBe('+0.00000000E+00');
    expect(formatNR3(-0)).toBe('+0.00000000E+00');
    expect(formatNR3(2.578125e10)).toBe('+2.57812500E+10');
    expect(formatNR3(1e-100)).toBe('+1.00000000E-100');
    expect(formatNR3(1234.5678, 3)).toBe('+1.235E+03');
    expect(formatNR3(9.99999999999, 2)).toBe('+1.00E+01');
  });

  it("writes SCPI's stand-ins for NaN and the infinities", () => {
    expect(formatNR3(NaN)).toBe('9.91E+37');
    expect(formatNR3(Infinity)).toBe('+9.9E+37');
    expect(formatNR3(-Infinity)).toBe('-9.9E+37');
    expect(formatNR1(NaN)).toBe('9.91E+37');
  });
});

describe('formatNR2, formatBoolean, formatString, formatList', () => {
  it('writes fixed point', () => {
    expect(formatNR2(1550)).toBe('1550.0000');
    expect(formatNR2(1.005, 1)).toBe('1.0');
    expect(formatNR2(-0.00001, 2)).toBe('0.00');
    expect(formatNR2(-1.5, 2)).toBe('-1.50');
  });
  it('writes booleans as 1/0', () => {
    expect(formatBoolean(true)).toBe('1');
    expect(formatBoolean(false)).toBe('0');
  });
  it('quotes strings, doubling inner quotes', () => {
    expect(formatString('Keysight')).toBe('"Keysight"');
    expect(formatString('say "hi"')).toBe('"say ""hi"""');
  });
  it('joins lists with commas, NR3 unless told otherwise', () => {
    expect(formatList([1e-3, -2])).toBe('+1.00000000E-03,-2.00000000E+00');
    expect(formatList([1, 2, 3], formatNR1)).toBe('1,2,3');
    expect(formatList([])).toBe('');
  });
});

describe('round trips: format → parse', () => {
  const values = [1.55e-6, -3, 0, 2.578125e10, 123456.789, -1e-300, 6.02214076e23];
  it('NR3 keeps a value to its digits, through both the reply and the parameter parser', () => {
    for (const v of values) {
      expect(parseResponseNumber(formatNR3(v))).toBeCloseTo(v, 20);
      expect(parseResponseNumber(formatNR3(v, 16))).toBe(v);
      expect(parseNumeric(formatNR3(v, 16))).toBe(v);
    }
  });
  it('NaN and the infinities survive', () => {
    expect(parseResponseNumber(formatNR3(NaN))).toBeNaN();
    expect(parseResponseNumber(formatNR3(Infinity))).toBe(Infinity);
    expect(parseResponseNumber(formatNR3(-Infinity))).toBe(-Infinity);
  });
  it('integers, booleans, strings and lists survive', () => {
    expect(parseResponseInteger(formatNR1(-1234))).toBe(-1234);
    expect(parseResponseBoolean(formatBoolean(true))).toBe(true);
    expect(parseResponseBoolean(formatBoolean(false))).toBe(false);
    for (const s of ['', 'plain', 'say "hi"', 'a;b,c', "it's"]) {
      expect(parseResponseString(formatString(s))).toBe(s);
      expect(parseString(formatString(s))).toBe(s);
    }
    expect(parseResponseNumbers(formatList(values, (n) => formatNR3(n, 16)))).toEqual(values);
  });
});
