// Relative (dB) mode on Keysight meter ports (replayed): found at open and before logging, switched to
// absolute, and said so; a reply that is neither 0 nor 1 is refused.
import { describe, expect, it } from 'vitest';
import { ReplyFormatError } from '../../../../drivers/errors.ts';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import type { KeysightN774xMeter } from '../../../../drivers/instruments/keysight-n774x.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN: Exchange = ['*IDN?', 'Keysight Technologies,N7744A,MY54100321,1.210'];
const REF4 = [1, 2, 3, 4].map((n) => `:SENS${n}:CHAN1:POW:REF:STAT?`).join(';');

function meter(session: ScpiSession, notices: string[], options: Record<string, unknown> = {}): Promise<KeysightN774xMeter> {
  return keysightN774xDescriptor.create({ session, role: 'meter', options, notice: (m) => notices.push(m) });
}

describe('keysight-n774x: relative (dB) mode', () => {
  it('at open: ports left in relative mode are switched to absolute in one checked message, and the bench is told', async () => {
    const notices: string[] = [];
    await expectProtocol([IDN,
      [REF4, '+0;+1;+0;+1'],
      [':SENS2:CHAN1:POW:REF:STAT 0;:SENS4:CHAN1:POW:REF:STAT 0', null], NO_ERROR,
      [':SENS2:CHAN1:POW:UNIT?;:READ2:CHAN1:POW?', '+0;-7.50000000E+00'],
    ], async (s) => {
      const m = await meter(s, notices);
      expect(await m.readPower_dBm(2)).toBe(-7.5);
      expect(m.notices).toEqual(notices);
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/channels 2, 4 were in relative \(dB\) mode .*switched to absolute at open/);
  });

  it('without a bench notice, the notice is a Node warning (BENCH_DRIVER_NOTICE, stderr in the CLI)', async () => {
    const warned = new Promise<Error & { code?: string }>((resolve) => process.once('warning', resolve));
    await expectProtocol([IDN, [REF4, '1;0;0;0'], [':SENS1:CHAN1:POW:REF:STAT 0', null], NO_ERROR], async (s) => {
      await keysightN774xDescriptor.create({ session: s, role: 'meter', options: {} });
    });
    const w = await warned;
    expect([w.code, w.message]).toEqual(['BENCH_DRIVER_NOTICE', expect.stringMatching(/channel 1 was in relative \(dB\) mode/)]);
  });

  it('an all-absolute meter is left alone and nothing is said', async () => {
    const notices: string[] = [];
    await expectProtocol([IDN, [REF4, '0;0;0;0']], async (s) => {
      await meter(s, notices);
    });
    expect(notices).toEqual([]);
  });

  it('816x modules: each listed slot.chan is asked', async () => {
    const notices: string[] = [];
    await expectProtocol([['*IDN?', 'Agilent Technologies,8163B,X,1'], [':SLOT1:IDN?', 'Agilent Technologies,81635A,DE2,V1.0'],
      [':SENS1:CHAN1:POW:REF:STAT?;:SENS1:CHAN2:POW:REF:STAT?', '0;1'],
      [':SENS1:CHAN2:POW:REF:STAT 0', null], NO_ERROR,
    ], async (s) => {
      await meter(s, notices, { channels: ['1.1', '1.2'] });
    });
    expect(notices[0]).toMatch(/channel 2 was in relative/);
  });

  it('before logging: a port switched to relative since open is switched back in the logging message itself', async () => {
    const notices: string[] = [];
    await expectProtocol([IDN, [REF4, '0;0;0;0'],
      // Read and switched in the logging message itself, with its error query: one round trip.
      [':SENS3:CHAN1:POW:REF:STAT?;:SENS3:CHAN1:POW:REF:STAT 0;:SENS3:CHAN1:POW:UNIT 1;:TRIG3:INP SME;:SENS3:CHAN1:FUNC:PAR:LOGG 5,0.0001S;' +
        ':SENS3:CHAN1:FUNC:STAT LOGG,STAR;:SYST:ERR?', '1;+0,"No error"'],
      [':SENS1:CHAN1:POW:REF:STAT?;:SENS3:CHAN1:POW:REF:STAT?', '1;0'],
      [':SENS1:CHAN1:POW:REF:STAT 0;:SENS1:CHAN1:POW:UNIT 1;:TRIG1:INP IGN;:SENS1:CHAN1:FUNC:PAR:LOGG 5,0.0001S;' +
        ':SENS3:CHAN1:POW:UNIT 1;:TRIG3:INP IGN;:SENS3:CHAN1:FUNC:PAR:LOGG 5,0.0001S;:SENS1:CHAN1:FUNC:STAT LOGG,STAR;:SENS3:CHAN1:FUNC:STAT LOGG,STAR', null], NO_ERROR,
    ], async (s) => {
      const m = await meter(s, notices);
      await m.startLogging({ channel: 3, samples: 5, averagingTime_s: 1e-4, trigger: 'single' });
      await m.startLoggingAll({ channels: [1, 3], samples: 5, averagingTime_s: 1e-4, trigger: 'ignore' });
    });
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/channel 3 was in relative .*before logging/);
    expect(notices[1]).toMatch(/channel 1 was/);
  });

  it('a reference state that is neither 0 nor 1 is a ReplyFormatError naming the query', async () => {
    await expectProtocol([IDN, [REF4, '0;0;ON;0']], async (s) => {
      const err = await meter(s, []).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplyFormatError);
      expect((err as Error).message).toMatch(/POW:REF:STAT\?.*'0' \(absolute\) or '1' \(relative\)/);
    });
  });
});
