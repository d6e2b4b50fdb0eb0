import { describe, expect, it } from 'vitest';
import {
  encodeDefiniteBlock, parseBlockParameter, parseBoolean, parseEnum, parseProgramMessage, parseString, ScpiErrorCode,
} from '../../../drivers/scpi/index.ts';
import { scpiErrorOf } from './scpi-error-of.ts';

describe('parseBoolean', () => {
  it.each([['ON', true], ['on', true], ['OFF', false], ['Off', false], ['1', true], ['0', false], ['2', true], ['-1', true], ['0.4', false], ['0.6', true], ['+0', false]])(
    '%j is %s', (token, value) => {
      expect(parseBoolean(token)).toBe(value);
    });

  it('refuses a missing token (-109) and anything else (-104), listing what it expects', () => {
    expect(scpiErrorOf(() => parseBoolean(undefined)).code).toBe(ScpiErrorCode.MissingParameter);
    for (const token of ['YES', 'TRUE', '"1"', '1NM', 'O', '-']) {
      const e = scpiErrorOf(() => parseBoolean(token));
      expect(e.code).toBe(ScpiErrorCode.DataTypeError);
      expect(e.detail).toContain(token);
      expect(e.detail).toContain('ON, OFF, 1 or 0');
    }
  });
});

describe('parseEnum', () => {
  const modes = ['CONTinuous', 'STEP', 'MANual'] as const;
  it('accepts the short and the long form, case-insensitively, and returns the choice as written', () => {
    expect(parseEnum('CONT', modes)).toBe('CONTinuous');
    expect(parseEnum('continuous', modes)).toBe('CONTinuous');
    expect(parseEnum('step', modes)).toBe('STEP');
    expect(parseEnum('MAN', modes)).toBe('MANual');
  });

  it('keeps digits in the short form', () => {
    expect(parseEnum('prbs31', ['PRBS7', 'PRBS15', 'PRBS31'] as const)).toBe('PRBS31');
    expect(scpiErrorOf(() => parseEnum('PRBS', ['PRBS7', 'PRBS31'] as const)).code).toBe(ScpiErrorCode.IllegalParameterValue);
  });

  it('refuses in-between forms and unknown values with -224 listing the choices', () => {
    for (const token of ['CONTIN', 'CON', 'STE', 'X']) {
      const e = scpiErrorOf(() => parseEnum(token, modes));
      expect(e.code).toBe(ScpiErrorCode.IllegalParameterValue);
      expect(e.detail).toBe(`'${token}' is not one of CONTinuous|STEP|MANual`);
    }
    expect(scpiErrorOf(() => parseEnum(undefined, modes)).code).toBe(ScpiErrorCode.MissingParameter);
    expect(scpiErrorOf(() => parseEnum(undefined, modes)).detail).toContain('CONTinuous|STEP|MANual');
  });
});

describe('parseString', () => {
  it('reads either quote kind and undoes doubled quotes', () => {
    expect(parseString('"hello"')).toBe('hello');
    expect(parseString("'hello'")).toBe('hello');
    expect(parseString('"say ""hi"""')).toBe('say "hi"');
    expect(parseString(`"it's"`)).toBe("it's");
    expect(parseString("'it''s'")).toBe("it's");
    expect(parseString('""')).toBe('');
    expect(parseString('"a;b,c"')).toBe('a;b,c');
  });

  it('reads what parseProgramMessage kept', () => {
    const [cmd] = parseProgramMessage(`:DISP:TEXT "a ""b"" ;c", 'd'`);
    expect(cmd!.params.map((p) => parseString(p))).toEqual(['a "b" ;c', 'd']);
  });

  it('refuses a missing token (-109) and anything that is not a quoted string (-151)', () => {
    expect(scpiErrorOf(() => parseString(undefined)).code).toBe(ScpiErrorCode.MissingParameter);
    for (const token of ['hello', '"open', `"mixed'`, '"', '"a"b"', '1']) {
      const e = scpiErrorOf(() => parseString(token));
      expect(e.code).toBe(ScpiErrorCode.InvalidStringData);
      expect(e.detail).toContain(token);
    }
    expect(scpiErrorOf(() => parseString('hello')).detail).toContain(`expected "..." or '...'`);
    expect(scpiErrorOf(() => parseString('"a"b"')).detail).toContain('double it');
  });
});

describe('parseBlockParameter', () => {
  const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

  it('returns the payload of a definite block, binary bytes intact', () => {
    const payload = new Uint8Array([0, 1, 0x3b, 0x0a, 0xff, 0x80]);
    expect(parseBlockParameter(latin1(encodeDefiniteBlock(payload)))).toEqual(payload);
    expect(parseBlockParameter('#0')).toEqual(new Uint8Array());
    expect(parseBlockParameter('#10')).toEqual(new Uint8Array());
  });

  it('returns the payload of an indefinite block, without the LF that ended it', () => {
    expect(latin1(parseBlockParameter('#0abc'))).toBe('abc');
    expect(latin1(parseBlockParameter('#0abc\n'))).toBe('abc');
  });

  it('reads what parseProgramMessage kept', () => {
    const block = latin1(encodeDefiniteBlock(Buffer.from('x;y\nz', 'latin1')));
    const [cmd] = parseProgramMessage(`:MMEM:DATA "f",${block}\n`);
    expect(latin1(parseBlockParameter(cmd!.params[1]))).toBe('x;y\nz');
  });

  it('refuses a missing token (-109), non-block data (-104) and bad blocks (-161)', () => {
    expect(scpiErrorOf(() => parseBlockParameter(undefined)).code).toBe(ScpiErrorCode.MissingParameter);
    expect(scpiErrorOf(() => parseBlockParameter('"abc"')).code).toBe(ScpiErrorCode.DataTypeError);
    expect(scpiErrorOf(() => parseBlockParameter('#HFF')).code).toBe(ScpiErrorCode.DataTypeError);
    for (const [token, detail] of [['#15ab', 'announces'], ['#2x1abc', 'not decimal'], ['#13abcd', '1 bytes follow'], ['#3', 'announces']] as const) {
      const e = scpiErrorOf(() => parseBlockParameter(token));
      expect(e.code).toBe(ScpiErrorCode.InvalidBlockData);
      expect(e.detail).toContain(detail);
    }
  });
});
