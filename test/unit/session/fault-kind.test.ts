// Which failures are the instrument's (worth waiting out) and what command a timeout is about.
import { describe, expect, it } from 'vitest';
import { BlockFormatError, InstrumentError, LinkLostError, ReplyFormatError, TimeoutError, TruncatedBlockError } from '../../../drivers/errors.ts';
import { instrumentFaultOf } from '../../../drivers/session/fault-kind.ts';

const R = 'TCPIP0::127.0.0.1::5025::SOCKET';

describe('instrumentFaultOf', () => {
  it('a reply timeout is "not answering", naming resource and command', () => {
    expect(instrumentFaultOf(new TimeoutError(R, ':READ1:POW?', 2000))).toMatchObject({ reason: 'not answering', resource: R, command: ':READ1:POW?' });
  });

  it('a resynchronisation that timed out is about the exchange it ran before', () => {
    const err = new TimeoutError(R, "SYST:ERR?;*OPC? (resynchronising before ':AXIS1:MOT?')", 10000);
    expect(instrumentFaultOf(err)?.command).toBe(':AXIS1:MOT?');
  });

  it('a dropped link is "link lost", and wins over a timeout further down the chain', () => {
    const loss = new LinkLostError(R, 'peer closed', { command: '*IDN?', cause: new TimeoutError(R, '*IDN?', 1000) });
    expect(instrumentFaultOf(loss)).toMatchObject({ reason: 'link lost', command: '*IDN?' });
    const cut = new TruncatedBlockError(R, ':X?', 3, 10, new LinkLostError(R, 'reset'));
    expect(instrumentFaultOf(cut)?.reason).toBe('link lost');
  });

  it('looks through wrapping errors to the timeout that caused them', () => {
    const wrapped = new Error('step failed', { cause: new TruncatedBlockError(R, ':LOG?', 3, 10, new TimeoutError(R, ':LOG?', 2000)) });
    expect(instrumentFaultOf(wrapped)).toMatchObject({ reason: 'not answering', command: ':LOG?' });
  });

  it('a malformed reply is "garbled reply"; a timeout behind it wins', () => {
    expect(instrumentFaultOf(new ReplyFormatError(R, ':X?', 'junk', 'a number'))).toMatchObject({ reason: 'garbled reply', command: ':X?' });
    expect(instrumentFaultOf(new BlockFormatError(R, ':LOG?', 'bad header'))).toMatchObject({ reason: 'garbled reply', command: ':LOG?' });
    const cut = new TruncatedBlockError(R, ':LOG?', 3, 10, new TimeoutError(R, ':LOG?', 2000));
    expect(instrumentFaultOf(cut)?.reason).toBe('not answering');
  });

  it('instrument errors (refusals) and plain errors are not instrument faults', () => {
    expect(instrumentFaultOf(new InstrumentError(R, ':X', [{ code: -113, message: 'Undefined header' }]))).toBeUndefined();
    expect(instrumentFaultOf(new Error('nope'))).toBeUndefined();
    expect(instrumentFaultOf('text')).toBeUndefined();
  });
});
