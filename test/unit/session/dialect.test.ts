import { describe, expect, it } from 'vitest';
import { ResponseFormatError } from '../../../drivers/scpi/response.ts';
import { DialectReplyError, ESP301_DIALECT, PI_GCS_DIALECT, SCPI_DIALECT, isIdentityReply } from '../../../drivers/session/dialect.ts';

describe('an *IDN? reply (the gated dialect resynchronises on it)', () => {
  it('is four comma-separated fields with a maker in letters', () => {
    expect(isIdentityReply('ANRITSU,MP1900A,6201900123,2.05.00')).toBe(true);
    expect(isIdentityReply('Keysight Technologies,N7744A,MY54100321,1.210\n')).toBe(true);
  });
  it('is not a stale reply of numbers, a chained reply or a lone word', () => {
    for (const r of ['0,0,0,20', '1', '0,"No error";1', 'TIME', 'a,b,c', 'a,b,c,d,e']) expect(isIdentityReply(r)).toBe(false);
  });
});

describe('SCPI dialect', () => {
  it('reads "no error" in its spellings as the end of the queue', () => {
    expect(SCPI_DIALECT.parseError('0,"No error"')).toBeNull();
    expect(SCPI_DIALECT.parseError('+0,"No error"\n')).toBeNull();
  });
  it('reads an error with its device-dependent detail', () => {
    expect(SCPI_DIALECT.parseError('-113,"Undefined header;FOO:BAR"')).toEqual({ code: -113, message: 'Undefined header;FOO:BAR' });
    expect(SCPI_DIALECT.parseError('-222,"Data out of range"')).toEqual({ code: -222, message: 'Data out of range' });
  });
  it('refuses a reply that is not a queue entry', () => {
    expect(() => SCPI_DIALECT.parseError('hello')).toThrow(ResponseFormatError);
  });
  it('clears with *CLS and synchronises with *OPC? → 1', () => {
    expect(SCPI_DIALECT.clearCommand).toBe('*CLS');
    expect(SCPI_DIALECT.syncQuery).toEqual({ command: '*OPC?', reply: '1' });
    // Chaining lets a resynchronisation read the error queue (SYST:ERR?;*OPC?) before *CLS clears it.
    expect(SCPI_DIALECT.chainSeparator).toBe(';');
  });
});

describe('ESP301 dialect', () => {
  it("reads TB? replies '<code>, <timestamp>, <message>'", () => {
    expect(ESP301_DIALECT.errorQuery).toBe('TB?');
    expect(ESP301_DIALECT.parseError('0, 0, NO ERROR')).toBeNull();
    expect(ESP301_DIALECT.parseError('108, 3921, MOTOR NOT ENABLED')).toEqual({ code: 108, message: 'MOTOR NOT ENABLED' });
  });
  it('refuses a reply of another form, saying what TB? returns', () => {
    expect(() => ESP301_DIALECT.parseError('NO ERROR')).toThrow(DialectReplyError);
    expect(() => ESP301_DIALECT.parseError('NO ERROR')).toThrow(/ESP301 'TB\?' reply/);
  });
  it('has no sync query, so a timeout is recovered by waiting for quiet', () => {
    expect(ESP301_DIALECT.syncQuery).toBeNull();
  });
});

describe('PI GCS dialect', () => {
  it('reads ERR? codes, naming the common ones', () => {
    expect(PI_GCS_DIALECT.parseError('0')).toBeNull();
    expect(PI_GCS_DIALECT.parseError('7')).toEqual({ code: 7, message: 'Position out of limits' });
    expect(PI_GCS_DIALECT.parseError('1234')).toEqual({ code: 1234, message: 'PI GCS error 1234' });
  });
  it('refuses a non-integer reply', () => {
    expect(() => PI_GCS_DIALECT.parseError('1=10.000')).toThrow(/PI GCS 'ERR\?' reply/);
  });
});
