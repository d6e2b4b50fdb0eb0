import { describe, expect, it } from 'vitest';
import { LinkLostError, TimeoutError } from '../../../../drivers/errors.ts';
import { ProtocolMismatchError, expectProtocol, floatBlock, replaySession } from '../../../helpers/protocol-replay.ts';

describe('protocol replay helper', () => {
  it('answers each expected message with its reply, text or raw bytes', async () => {
    await expectProtocol([['*IDN?', 'ACME,X,1,1'], [':A 1', null], [':LOG?', floatBlock([1.5, -2], 'float64')]], async (s) => {
      expect(await s.query('*IDN?')).toBe('ACME,X,1,1');
      await s.write(':A 1');
      expect(await s.queryFloats(':LOG?', { type: 'float64' })).toEqual([1.5, -2]);
    });
  });

  it('fails on an unexpected message, naming what was expected and what came', async () => {
    const err = await expectProtocol([[':A 1', null]], async (s) => {
      await s.write(':A 2');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolMismatchError);
    expect((err as Error).message).toMatch(/exchange 1 of 1: expected ":A 1", got ":A 2"/);
  });

  it('fails on a message after the script ran out, even when the body swallowed the error', async () => {
    const err = await expectProtocol([], async (s) => {
      await s.write(':EXTRA').catch(() => undefined);
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/unexpected message ":EXTRA" after all 0 expected exchanges/);
  });

  it('fails when expected exchanges are left unused', async () => {
    await expect(expectProtocol([[':A 1', null], [':B?', '2']], async (s) => {
      await s.write(':A 1');
    })).rejects.toThrow(/1 expected exchange\(s\) never happened: ":B\?"/);
  });

  it('a query the script does not answer times out (short timeout), and fire-and-forget mismatches lose the link', async () => {
    await expect(expectProtocol([[':Q?', null]], (s) => s.query(':Q?'))).rejects.toThrow(TimeoutError);
    const { transport } = replaySession([]);
    const lost = new Promise((resolve) => transport.on('lost', resolve));
    transport.send(Buffer.from(':NOPE\n'));
    expect(await lost).toBeInstanceOf(LinkLostError);
    expect(() => transport.verify()).toThrow(/unexpected message ":NOPE"/);
  });
});
