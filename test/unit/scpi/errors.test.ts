import { describe, expect, it } from 'vitest';
import { parseErrorQueueReply, ResponseFormatError, ScpiError, ScpiErrorCode, standardMessage } from '../../../drivers/scpi/index.ts';

describe('SCPI error codes and messages', () => {
  it('has the standard numbers', () => {
    expect(ScpiErrorCode.NoError).toBe(0);
    expect(ScpiErrorCode.UndefinedHeader).toBe(-113);
    expect(ScpiErrorCode.DataOutOfRange).toBe(-222);
    expect(ScpiErrorCode.QueueOverflow).toBe(-350);
    expect(ScpiErrorCode.QueryUnterminated).toBe(-420);
  });

  it('gives every named code its own standard text', () => {
    const texts = new Set<string>();
    for (const code of Object.values(ScpiErrorCode)) {
      const text = standardMessage(code);
      expect(text).not.toBe('Unknown error');
      texts.add(text);
    }
    expect(texts.size).toBe(Object.values(ScpiErrorCode).length);
    expect(standardMessage(-113)).toBe('Undefined header');
    expect(standardMessage(-222)).toBe('Data out of range');
    expect(standardMessage(0)).toBe('No error');
    expect(standardMessage(-410)).toBe('Query INTERRUPTED');
    expect(standardMessage(-363)).toBe('Input buffer overrun');
  });

  it('falls back to the sub-class, then the class, for codes without their own text', () => {
    expect(standardMessage(-129)).toBe('Numeric data error');
    expect(standardMessage(-119)).toBe('Command header error');
    expect(standardMessage(-107)).toBe('Command error');
    expect(standardMessage(-299)).toBe('Execution error');
    expect(standardMessage(-399)).toBe('Device-specific error');
    expect(standardMessage(42)).toBe('Device-specific error');
    expect(standardMessage(-5000)).toBe('Unknown error');
  });

  it('builds its message from the standard text and the detail', () => {
    const e = new ScpiError(-113, 'FOO:BAR');
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(-113);
    expect(e.detail).toBe('FOO:BAR');
    expect(e.message).toBe('Undefined header; FOO:BAR');
    expect(new ScpiError(-222).message).toBe('Data out of range');
    expect(new ScpiError(-222).detail).toBeUndefined();
  });

  it('formats a queue entry with the detail after ; inside the quotes', () => {
    expect(new ScpiError(-113, 'FOO:BAR').toQueueEntry()).toBe('-113,"Undefined header;FOO:BAR"');
    expect(new ScpiError(-222).toQueueEntry()).toBe('-222,"Data out of range"');
    expect(new ScpiError(0).toQueueEntry()).toBe('0,"No error"');
  });

  it('doubles quotes and caps the queued text at 255 characters', () => {
    expect(new ScpiError(-151, 'bad "x"').toQueueEntry()).toBe('-151,"Invalid string data;bad ""x"""');
    const entry = new ScpiError(-100, 'y'.repeat(1000)).toQueueEntry();
    const quoted = entry.slice(entry.indexOf('"') + 1, -1);
    expect(quoted.length).toBe(255);
    expect(quoted.endsWith('...')).toBe(true);
  });
});

describe('parseErrorQueueReply', () => {
  it('parses the usual replies', () => {
    expect(parseErrorQueueReply('-113,"Undefined header"')).toEqual({ code: -113, message: 'Undefined header' });
    expect(parseErrorQueueReply('+0,"No error"\n')).toEqual({ code: 0, message: 'No error' });
    expect(parseErrorQueueReply('0,"No error"')).toEqual({ code: 0, message: 'No error' });
    expect(parseErrorQueueReply('-222,"Data out of range;1.7E-06 M"')).toEqual({ code: -222, message: 'Data out of range;1.7E-06 M' });
    expect(parseErrorQueueReply(' 201 , "Laser interlock open"\r\n')).toEqual({ code: 201, message: 'Laser interlock open' });
  });

  it('undoes doubled quotes and accepts an unquoted message from older instruments', () => {
    expect(parseErrorQueueReply('-151,"Invalid string data;bad ""x"""')).toEqual({ code: -151, message: 'Invalid string data;bad "x"' });
    expect(parseErrorQueueReply('-100,Command error')).toEqual({ code: -100, message: 'Command error' });
    expect(parseErrorQueueReply('-0,""')).toEqual({ code: 0, message: '' });
  });

  it('round-trips a queued ScpiError', () => {
    const e = new ScpiError(-222, '"1700NM" is outside 1.5e-6 to 1.6e-6 M');
    expect(parseErrorQueueReply(e.toQueueEntry())).toEqual({ code: -222, message: `Data out of range;${e.detail}` });
  });

  it.each(['', 'No error', '1.5', '-113', 'abc,"x"', '-113,"unterminated', '-113,"a"b"', '-113,', '2,"No error"', '+8,"No error;x"'])(
    'refuses %j with a ResponseFormatError quoting it', (reply) => {
      let err: unknown;
      try {
        parseErrorQueueReply(reply);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ResponseFormatError);
      const rfe = err as ResponseFormatError;
      expect(rfe.reply).toBe(reply);
      expect(rfe.message).toContain(JSON.stringify(reply).slice(1, -1).slice(0, 10));
      expect(rfe.message).toContain('error queue entry');
    });
});
