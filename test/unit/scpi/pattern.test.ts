import { describe, expect, it } from 'vitest';
import { compileHeader, matchHeader, parseProgramMessage } from '../../../drivers/scpi/index.ts';

const cmd = (msg: string) => parseProgramMessage(msg)[0]!;
const match = (pattern: string, msg: string) => matchHeader(compileHeader(pattern), cmd(msg));

describe('compileHeader', () => {
  it('keeps the source and reads short and long forms', () => {
    const p = compileHeader('SENSe#:CHANnel#:POWer:WAVelength[?]');
    expect(p.source).toBe('SENSe#:CHANnel#:POWer:WAVelength[?]');
    expect(p.nodes.map((n) => [n.short, n.long, n.suffix])).toEqual([
      ['SENS', 'SENSE', true], ['CHAN', 'CHANNEL', true], ['POW', 'POWER', false], ['WAV', 'WAVELENGTH', false],
    ]);
    expect(p.mode).toBe('both');
  });

  it.each([
    ['', 'at least one node'],
    ['[:SOURce]', 'at least one node'],
    ['SOURce::WAV', "'::'"],
    ['SOURce:WAV:', "ends with ':'"],
    ['SOUR[WAV]', "expected ':' before 'WAV'"],
    ['[:SOUR[:WAV]]:X', 'nested'],
    ['[:SOUR:WAV', "'[' without ']'"],
    [':SOUR]:WAV', "']' without '['"],
    ['[]:WAV', 'holds no mnemonic'],
    ['SOUR?:WAV', "'?' may only end"],
    ['sense', 'upper-case short form'],
    ['SenSe', 'upper-case short form'],
    ['SOUR-X', 'not a mnemonic'],
    ['*1DN?', 'common command'],
  ])('refuses %j with an Error naming the pattern', (pattern, why) => {
    expect(() => compileHeader(pattern)).toThrow(Error);
    expect(() => compileHeader(pattern)).toThrow(`'${pattern}'`);
    expect(() => compileHeader(pattern)).toThrow(why);
  });
});

describe('matchHeader: long and short forms', () => {
  const p = 'SENSe#:CHANnel#:POWer:WAVelength[?]';
  it.each(['SENS:CHAN:POW:WAV 1', 'SENSE:CHANNEL:POWER:WAVELENGTH 1', 'sense:chan:Power:wav 1', ':SENS:CHAN:POW:WAV 1'])('matches %j', (msg) => {
    expect(match(p, msg)).toEqual({ suffixes: [1, 1], query: false });
  });
  it.each(['SEN:CHAN:POW:WAV 1', 'SENSEX:CHAN:POW:WAV 1', 'SENS:CHAN:POW:WAVE 1', 'SENS:CHAN:POW 1', 'SENS:CHAN:POW:WAV:X 1', 'CHAN:POW:WAV 1'])(
    'does not match %j (only the short or the whole long form, every node)', (msg) => {
      expect(match(p, msg)).toBeNull();
    });
});

describe('matchHeader: numeric suffixes', () => {
  const p = ':SENSe#:CHANnel#:POWer:WAVelength[?]';
  it('lists suffixes in pattern order, defaulting to 1', () => {
    expect(match(p, 'SENS2:CHAN3:POW:WAV?')).toEqual({ suffixes: [2, 3], query: true });
    expect(match(p, 'SENSE4:CHAN:POW:WAV?')).toEqual({ suffixes: [4, 1], query: true });
    expect(match(p, 'SENS:CHANNEL12:POW:WAV?')).toEqual({ suffixes: [1, 12], query: true });
    expect(match('SOURce#:WAVelength', 'SOUR0:WAV 1')).toEqual({ suffixes: [0], query: false });
  });
  it('refuses a suffix on a node that takes none', () => {
    expect(match(p, 'SENS1:CHAN1:POW2:WAV?')).toBeNull();
    expect(match('SYSTem:ERRor?', 'SYST1:ERR?')).toBeNull();
  });
  it('matches mnemonics that contain digits exactly', () => {
    expect(match('DIAGnostic:I2C[?]', 'DIAG:I2C?')).toEqual({ suffixes: [], query: true });
    expect(match('DIAGnostic:I2C[?]', 'DIAG:I2?')).toBeNull();
  });
});

describe('matchHeader: optional nodes', () => {
  it('matches with or without a leading optional node, defaulting its suffix', () => {
    const p = '[:SOURce#]:WAVelength[?]';
    expect(match(p, ':SOUR2:WAV 1550NM')).toEqual({ suffixes: [2], query: false });
    expect(match(p, ':SOURCE:WAV?')).toEqual({ suffixes: [1], query: true });
    expect(match(p, ':WAV 1550NM')).toEqual({ suffixes: [1], query: false });
    expect(match(p, ':WAVELENGTH?')).toEqual({ suffixes: [1], query: true });
    expect(match(p, ':SOUR:POW?')).toBeNull();
  });

  it('matches a trailing optional node', () => {
    const p = 'SYSTem:ERRor[:NEXT]?';
    expect(match(p, 'SYST:ERR?')).toEqual({ suffixes: [], query: true });
    expect(match(p, 'system:error:next?')).toEqual({ suffixes: [], query: true });
    expect(match(p, 'SYST:ERR:NEXT:X?')).toBeNull();
    expect(match(p, 'SYST:ERR')).toBeNull();
  });

  it('matches an optional node in the middle', () => {
    const p = ':SOURce#:WAVelength:SWEep[:STATe][?]';
    expect(match(p, ':SOUR0:WAV:SWE 1')).toEqual({ suffixes: [0], query: false });
    expect(match(p, ':SOUR0:WAV:SWE:STAT?')).toEqual({ suffixes: [0], query: true });
    expect(match(p, ':SOUR0:WAV:SWE:STATE 0')).toEqual({ suffixes: [0], query: false });
    expect(match(p, ':SOUR0:WAV:SWE:STAR 0')).toBeNull();
  });

  it('takes or skips a group of several nodes together', () => {
    const p = '[:SENSe#:POWer]:RANGe[?]';
    expect(match(p, 'SENS3:POW:RANG?')).toEqual({ suffixes: [3], query: true });
    expect(match(p, 'RANG?')).toEqual({ suffixes: [1], query: true });
    expect(match(p, 'SENS3:RANG?')).toBeNull();
  });

  it('accepts the colon inside the brackets after the node', () => {
    expect(match('[SOURce#:]WAVelength', 'SOUR2:WAV 1')).toEqual({ suffixes: [2], query: false });
    expect(match('[SOURce#:]WAVelength', 'WAV 1')).toEqual({ suffixes: [1], query: false });
  });

  it('backtracks when an optional node has the same name as the next one', () => {
    const p = 'MEASure[:VOLTage]:VOLTage?';
    expect(match(p, 'MEAS:VOLT?')).toEqual({ suffixes: [], query: true });
    expect(match(p, 'MEAS:VOLT:VOLT?')).toEqual({ suffixes: [], query: true });
  });

  it('resets the suffix of an optional node it had to give back', () => {
    const p = 'X[:CHANnel#]:CHANnel#?';
    expect(match(p, 'X:CHAN5?')).toEqual({ suffixes: [1, 5], query: true });
    expect(match(p, 'X:CHAN5:CHAN6?')).toEqual({ suffixes: [5, 6], query: true });
  });
});

describe('matchHeader: query forms and common commands', () => {
  it('keeps query-only, command-only and both apart', () => {
    expect(match('SYSTem:ERRor?', 'SYST:ERR?')).not.toBeNull();
    expect(match('SYSTem:ERRor?', 'SYST:ERR')).toBeNull();
    expect(match(':OUTPut#:STATe', 'OUTP1:STAT 1')).not.toBeNull();
    expect(match(':OUTPut#:STATe', 'OUTP1:STAT?')).toBeNull();
    expect(match(':OUTPut#:STATe[?]', 'OUTP1:STAT?')).not.toBeNull();
    expect(match(':OUTPut#:STATe[?]', 'OUTP1:STAT 1')).not.toBeNull();
  });

  it('matches common commands case-insensitively and only as common commands', () => {
    expect(match('*IDN?', '*idn?')).toEqual({ suffixes: [], query: true });
    expect(match('*IDN?', '*IDN')).toBeNull();
    expect(match('*RST', '*RST')).toEqual({ suffixes: [], query: false });
    expect(match('*ESE[?]', '*ESE 4')).not.toBeNull();
    expect(match('*ESE[?]', '*ESE?')).not.toBeNull();
    expect(match('*IDN?', '*ESE?')).toBeNull();
    expect(match('IDN?', '*IDN?')).toBeNull();
  });

  it('uses the resolved header of a relative command', () => {
    const cmds = parseProgramMessage(':SOUR0:WAV:SWE:STAR 1520NM;STOP 1580NM');
    expect(matchHeader(compileHeader('SOURce#:WAVelength:SWEep:STOP[?]'), cmds[1]!)).toEqual({ suffixes: [0], query: false });
    expect(matchHeader(compileHeader('STOP'), cmds[1]!)).toBeNull();
  });
});
