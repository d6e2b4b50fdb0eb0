import { describe, expect, it } from 'vitest';
import {
  parseResponseBoolean, parseResponseInteger, parseResponseNumber, parseResponseNumbers, parseResponseString, ResponseFormatError,
} from '../../../drivers/scpi/index.ts';

function formatErrorOf(fn: () => unknown): ResponseFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ResponseFormatError) return e;
    throw e;
  }
  throw new Error('expected a ResponseFormatError');
}

describe('parseResponseNumber', () => {
  it('reads NR1, NR2 and NR3 with whitespace and terminators around', () => {
    expect(parseResponseNumber('1550')).toBe(1550);
    expect(parseResponseNumber('+1.55000000E-06\n')).toBe(1.55e-6);
    expect(parseResponseNumber('  -3.5\r\n')).toBe(-3.5);
    expect(parseResponseNumber('+.5')).toBe(0.5);
    expect(parseResponseNumber('7.')).toBe(7);
    expect(parseResponseNumber('1e3')).toBe(1000);
    expect(parseResponseNumber('#HFF')).toBe(255);
    expect(parseResponseNumber('#Q17')).toBe(15);
    expect(parseResponseNumber('#B101')).toBe(5);
  });

  it("maps SCPI's 9.91E37 to NaN and ±9.9E37 to ±Infinity", () => {
    expect(parseResponseNumber('9.91E+37')).toBeNaN();
    expect(parseResponseNumber('+9.91000000E+37')).toBeNaN();
    expect(parseResponseNumber('9.9E37')).toBe(Infinity);
    expect(parseResponseNumber('-9.9E+37')).toBe(-Infinity);
    expect(parseResponseNumber('NAN')).toBeNaN();
    expect(parseResponseNumber('INF')).toBe(Infinity);
    expect(parseResponseNumber('NINF')).toBe(-Infinity);
  });

  it.each(['', 'abc', '1.2.3', '1550NM', '1,2', '#HXYZ', '#Q8', '#B2', '--1', 'E5'])('refuses %j, quoting it', (reply) => {
    const e = formatErrorOf(() => parseResponseNumber(reply));
    expect(e.reply).toBe(reply);
    expect(e.expected).toMatch(/number/);
    expect(e.message).toContain(`"${reply}"`);
  });

  it('quotes a huge or binary reply shortened and escaped', () => {
    const binary = '#18\x00\x01\xff\x80\n\rxy' + 'z'.repeat(500);
    const e = formatErrorOf(() => parseResponseNumber(binary));
    expect(e.message).toContain('\\x00\\x01\\xff\\x80\\n\\r');
    expect(e.message).toContain(`(${binary.length} characters in all)`);
    expect(e.message.length).toBeLessThan(250);
  });
});

describe('parseResponseInteger', () => {
  it('reads integers, also when sent as NR3', () => {
    expect(parseResponseInteger('42\n')).toBe(42);
    expect(parseResponseInteger('-7')).toBe(-7);
    expect(parseResponseInteger('+1.00000000E+03')).toBe(1000);
  });
  it.each(['1.5', 'x', '', '9.91E37'])('refuses %j', (reply) => {
    expect(formatErrorOf(() => parseResponseInteger(reply)).expected).toMatch(/integer/);
  });
});

describe('parseResponseBoolean', () => {
  it('reads 1/0/ON/OFF', () => {
    expect(parseResponseBoolean('1\n')).toBe(true);
    expect(parseResponseBoolean('0')).toBe(false);
    expect(parseResponseBoolean('+1')).toBe(true);
    expect(parseResponseBoolean('on')).toBe(true);
    expect(parseResponseBoolean('OFF')).toBe(false);
  });
  it.each(['2', 'yes', '', '0.5'])('refuses %j', (reply) => {
    expect(formatErrorOf(() => parseResponseBoolean(reply)).expected).toMatch(/1, 0, ON or OFF/);
  });
});

describe('parseResponseNumbers', () => {
  it('reads a comma-separated list', () => {
    expect(parseResponseNumbers('+1.0E-03,-2.5, 3\n')).toEqual([1e-3, -2.5, 3]);
    expect(parseResponseNumbers('7')).toEqual([7]);
    expect(parseResponseNumbers('\n')).toEqual([]);
  });
  it('names the item that is not a number', () => {
    const e = formatErrorOf(() => parseResponseNumbers('1,2,x,4'));
    expect(e.expected).toContain('item 3');
    expect(e.message).toContain('"1,2,x,4"');
    expect(() => parseResponseNumbers('1,,2')).toThrow(ResponseFormatError);
  });
});

describe('parseResponseString', () => {
  it('strips quotes and undoes doubled ones', () => {
    expect(parseResponseString('"Keysight"\n')).toBe('Keysight');
    expect(parseResponseString('"say ""hi"""')).toBe('say "hi"');
    expect(parseResponseString("'it''s'")).toBe("it's");
    expect(parseResponseString('""')).toBe('');
  });
  it('returns unquoted text trimmed', () => {
    expect(parseResponseString('LOGGING_STABILITY,COMPLETE\n')).toBe('LOGGING_STABILITY,COMPLETE');
  });
  it.each(['"open', '"a"b"', '"'])('refuses the malformed quoted reply %j', (reply) => {
    expect(() => parseResponseString(reply)).toThrow(ResponseFormatError);
  });
});
