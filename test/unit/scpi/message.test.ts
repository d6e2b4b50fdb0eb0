import { describe, expect, it } from 'vitest';
import { encodeDefiniteBlock, parseProgramMessage, ScpiErrorCode } from '../../../drivers/scpi/index.ts';
import { scpiErrorOf } from './scpi-error-of.ts';

const one = (msg: string) => {
  const cmds = parseProgramMessage(msg);
  expect(cmds).toHaveLength(1);
  return cmds[0]!;
};

describe('parseProgramMessage: single commands', () => {
  it('parses a rooted command with a parameter', () => {
    expect(one(':SENS1:CHAN1:POW:WAV 1550NM')).toEqual({
      header: 'SENS1:CHAN1:POW:WAV', nodes: ['SENS1', 'CHAN1', 'POW', 'WAV'], common: false, query: false,
      params: ['1550NM'], text: ':SENS1:CHAN1:POW:WAV 1550NM',
    });
  });

  it('parses a query, keeping the case as sent', () => {
    const c = one('sens1:chan1:pow:wav?');
    expect(c.header).toBe('sens1:chan1:pow:wav');
    expect(c.query).toBe(true);
    expect(c.params).toEqual([]);
  });

  it('parses common commands', () => {
    expect(one('*IDN?')).toMatchObject({ header: '*IDN', nodes: ['*IDN'], common: true, query: true, params: [] });
    expect(one('*ESE 32')).toMatchObject({ header: '*ESE', common: true, query: false, params: ['32'] });
  });

  it('parses a query with parameters', () => {
    expect(one(':SOUR0:READ:DATA? LLOG')).toMatchObject({ header: 'SOUR0:READ:DATA', query: true, params: ['LLOG'] });
  });

  it('splits parameters at commas and trims them', () => {
    expect(one(':SENS1:CHAN1:FUNC:PAR:LOGG   100 ,  1MS ').params).toEqual(['100', '1MS']);
    expect(one(':SENS1:CHAN1:FUNC:STAT LOGG,STAR').params).toEqual(['LOGG', 'STAR']);
    expect(one('X 1550 NM').params).toEqual(['1550 NM']);
  });

  it('accepts a trailing \\n or \\r\\n, and leading or trailing white space', () => {
    expect(one('*RST\n').header).toBe('*RST');
    expect(one('  :OUTP1:STAT 1\r\n').params).toEqual(['1']);
    expect(one('*OPC?\t ').query).toBe(true);
  });

  it('counts IEEE 488.2 control characters other than LF as white space', () => {
    expect(one('X\x01 1\t,\x0b2').params).toEqual(['1', '2']);
  });

  it('yields [] for an empty message', () => {
    expect(parseProgramMessage('')).toEqual([]);
    expect(parseProgramMessage('\n')).toEqual([]);
    expect(parseProgramMessage('   \r\n')).toEqual([]);
  });
});

describe('parseProgramMessage: chains and the leading-colon rule', () => {
  it('resolves a relative command against the previous path minus its last node', () => {
    const cmds = parseProgramMessage(':SOUR0:WAV:SWE:STAR 1520NM;STOP 1580NM;STEP 0.01NM');
    expect(cmds.map((c) => c.header)).toEqual(['SOUR0:WAV:SWE:STAR', 'SOUR0:WAV:SWE:STOP', 'SOUR0:WAV:SWE:STEP']);
    expect(cmds[1]!.nodes).toEqual(['SOUR0', 'WAV', 'SWE', 'STOP']);
    expect(cmds[1]!.text).toBe('STOP 1580NM');
  });

  it('resolves deeper relative headers and keeps the new path', () => {
    const cmds = parseProgramMessage('SOUR0:WAV 1550NM;POW:UNIT 0;STAT 1');
    expect(cmds.map((c) => c.header)).toEqual(['SOUR0:WAV', 'SOUR0:POW:UNIT', 'SOUR0:POW:STAT']);
  });

  it('returns to the root after a leading colon', () => {
    const cmds = parseProgramMessage(':SOUR0:WAV 1550NM;:OUTP1:STAT 1;POW -10DBM');
    expect(cmds.map((c) => c.header)).toEqual(['SOUR0:WAV', 'OUTP1:STAT', 'OUTP1:POW']);
  });

  it('does not let common commands change the path', () => {
    const cmds = parseProgramMessage(':SENS1:CHAN1:POW:WAV 1550NM;*OPC?;*WAI;ATIME 100MS');
    expect(cmds.map((c) => c.header)).toEqual(['SENS1:CHAN1:POW:WAV', '*OPC', '*WAI', 'SENS1:CHAN1:POW:ATIME']);
  });

  it('chains queries', () => {
    const cmds = parseProgramMessage('*IDN?;:SYST:ERR?;:READ1:CHAN1:POW?;:FETC1:CHAN2:POW?\n');
    expect(cmds.map((c) => [c.header, c.query])).toEqual([
      ['*IDN', true], ['SYST:ERR', true], ['READ1:CHAN1:POW', true], ['FETC1:CHAN2:POW', true],
    ]);
  });

  it('chains relative queries', () => {
    const cmds = parseProgramMessage(':SOUR0:WAV?;POW?');
    expect(cmds.map((c) => c.header)).toEqual(['SOUR0:WAV', 'SOUR0:POW']);
  });

  it('treats an unrooted first command as rooted (each message starts at the root)', () => {
    expect(parseProgramMessage('SYST:ERR?;*CLS;SYST:ERR?').map((c) => c.header)).toEqual(['SYST:ERR', '*CLS', 'SYST:SYST:ERR']);
  });

  it('tolerates one trailing ;', () => {
    expect(parseProgramMessage('*RST;*CLS;\n').map((c) => c.header)).toEqual(['*RST', '*CLS']);
  });
});

describe('parseProgramMessage: strings, blocks and expressions', () => {
  it('does not split at ; or , inside a quoted string, and keeps the quotes', () => {
    const cmds = parseProgramMessage(`:DISP:TEXT "a;b,c";:MMEM:NAME 'it''s;here'`);
    expect(cmds.map((c) => c.params)).toEqual([['"a;b,c"'], [`'it''s;here'`]]);
  });

  it('keeps doubled quotes and the other quote kind inside a string', () => {
    expect(one(`X "say ""hi"" it's"`).params).toEqual([`"say ""hi"" it's"`]);
  });

  it('keeps a definite block whole, even with ; and \\n inside', () => {
    const payload = 'ab;c\nd,e';
    const block = Buffer.from(encodeDefiniteBlock(Buffer.from(payload, 'latin1'))).toString('latin1');
    const cmds = parseProgramMessage(`:MMEM:DATA "f",${block};*OPC?\n`);
    expect(cmds).toHaveLength(2);
    expect(cmds[0]!.params).toEqual(['"f"', `#18${payload}`]);
    expect(cmds[1]!.header).toBe('*OPC');
  });

  it('keeps a block ending in \\n when the terminator was already stripped', () => {
    expect(one('X #13ab\n').params).toEqual(['#13ab\n']);
    expect(one('X #13ab\n\n').params).toEqual(['#13ab\n']);
  });

  it('keeps binary bytes of a block as latin1 text', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x3b, 0x0a, 0x80]);
    const text = Buffer.from(encodeDefiniteBlock(bytes)).toString('latin1');
    const param = one(`X ${text}`).params[0]!;
    expect(Buffer.from(param, 'latin1').subarray(3)).toEqual(bytes);
  });

  it('runs an indefinite block to the end of the message', () => {
    expect(one('X #0a;b,c\n').params).toEqual(['#0a;b,c']);
    expect(one('X 1,#0abc').params).toEqual(['1', '#0abc']);
  });

  it('keeps an expression or channel list whole', () => {
    expect(one('ROUT:CLOS (@1,2:4),5').params).toEqual(['(@1,2:4)', '5']);
    expect(one('CALC:MATH (CH1 - ")" * 2)').params).toEqual(['(CH1 - ")" * 2)']);
  });

  it('keeps non-decimal numbers as tokens', () => {
    expect(one('*ESE #H20').params).toEqual(['#H20']);
  });
});

describe('parseProgramMessage: syntax errors carry the SCPI code and the offending text', () => {
  const cases: Array<[string, number, string]> = [
    ['X "unterminated', ScpiErrorCode.InvalidStringData, 'unterminated'],
    [`X 'it's'`, ScpiErrorCode.InvalidSeparator, `'s'`],
    ['X #15ab', ScpiErrorCode.InvalidBlockData, 'announces 5 bytes but only 2 follow'],
    ['X #2a1abc', ScpiErrorCode.InvalidBlockData, 'not decimal'],
    ['X #9', ScpiErrorCode.InvalidBlockData, "cut short in its 9-digit length field ''"],
    ['X #212', ScpiErrorCode.InvalidBlockData, 'announces 12 bytes but only 0 follow'],
    ['X 1 "a"', ScpiErrorCode.InvalidSeparator, "expected ',' or ';'"],
    ['X "a" 2', ScpiErrorCode.InvalidSeparator, "'2'"],
    ['X,1', ScpiErrorCode.HeaderSeparatorError, "',' after header 'X'"],
    ['X"a"', ScpiErrorCode.HeaderSeparatorError, 'X'],
    ['X\u00e9 1', ScpiErrorCode.InvalidCharacter, '\\xe9'],
    ['\u00e9X', ScpiErrorCode.InvalidCharacter, '\u00e9X'],
    ['SENS1:ABCDEFGHIJKLM 1', ScpiErrorCode.ProgramMnemonicTooLong, 'ABCDEFGHIJKLM'],
    ['*ABCDEFGHIJKLM', ScpiErrorCode.ProgramMnemonicTooLong, 'ABCDEFGHIJKLM'],
    ['SOUR::WAV 1', ScpiErrorCode.SyntaxError, 'SOUR::WAV'],
    ['SOUR:WAV: 1', ScpiErrorCode.SyntaxError, 'SOUR:WAV:'],
    ['SOUR?:WAV', ScpiErrorCode.SyntaxError, "'?'"],
    ['SOUR:1WAV', ScpiErrorCode.CommandHeaderError, '1WAV'],
    ['SOUR:*WAV', ScpiErrorCode.CommandHeaderError, "'*'"],
    ['*', ScpiErrorCode.CommandHeaderError, "'*'"],
    ['*RST;;*CLS', ScpiErrorCode.SyntaxError, "empty command"],
    [';*RST', ScpiErrorCode.CommandHeaderError, ';*RST'],
    ['X 1,,2', ScpiErrorCode.SyntaxError, 'empty parameter'],
    ['X 1,', ScpiErrorCode.SyntaxError, 'empty parameter'],
    ['X ,1', ScpiErrorCode.SyntaxError, 'empty parameter'],
    ['X (1,2', ScpiErrorCode.InvalidExpression, '(1,2'],
    ['*RST\n*CLS', ScpiErrorCode.SyntaxError, 'newline'],
    ['X 1\nY 2', ScpiErrorCode.SyntaxError, 'newline'],
  ];
  it.each(cases)('%j → %i', (msg, code, detail) => {
    const e = scpiErrorOf(() => parseProgramMessage(msg));
    expect(e.code).toBe(code);
    expect(e.detail).toContain(detail);
  });

  it('counts the mnemonic without its numeric suffix against the 12-character limit', () => {
    expect(one('SOUR:ABCDEFGHIJKL123 1').nodes[1]).toBe('ABCDEFGHIJKL123');
  });
});
