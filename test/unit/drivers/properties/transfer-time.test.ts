// A large reply's timeout follows its size over the link's rate, plus the instrument's time.
import { describe, expect, it } from 'vitest';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import { LINK_RATE_BYTES_PER_S, linkRate_Bps, transferTimeout_ms } from '../../../../drivers/properties/transfer-time.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { floatBlock, replaySession } from '../../../helpers/protocol-replay.ts';

const session = (resource: string, timeout_ms = 1000): ScpiSession => ({ resource, options: { timeout_ms } }) as unknown as ScpiSession;

describe('transfer timeouts', () => {
  it('LAN and VXI-11 at 1 MB/s, USBTMC at 0.5 MB/s, serial at 960 B/s', () => {
    expect(linkRate_Bps(session('TCPIP0::10.0.0.5::5025::SOCKET'))).toBe(LINK_RATE_BYTES_PER_S.lan);
    expect(linkRate_Bps(session('TCPIP0::10.0.0.5::inst0::INSTR'))).toBe(LINK_RATE_BYTES_PER_S.lan);
    expect(linkRate_Bps(session('USB0::0x1313::0x8078::P0001::INSTR'))).toBe(LINK_RATE_BYTES_PER_S.usbtmc);
    expect(linkRate_Bps(session('ASRL/dev/ttyUSB0::INSTR'))).toBe(960);
  });

  it('a million float32 samples over the LAN: 4 s more than the read timeout, plus the instrument time', () => {
    expect(transferTimeout_ms(session('TCPIP0::10.0.0.5::5025::SOCKET', 5000), 4_000_000, 1.5)).toBe(5000 + 4000 + 1500);
    expect(transferTimeout_ms(session('USB0::0x1313::0x8078::P0001::INSTR', 1000), 4_000_000)).toBe(9000);
    expect(transferTimeout_ms(session('TCPIP0::h::5025::SOCKET', 1000), 0)).toBe(1000);
  });

  it('keysight-n774x: a 300 000-sample log arriving after the read timeout is still read', async () => {
    const ref = [1, 2, 3, 4].map((n) => `:SENS${n}:CHAN1:POW:REF:STAT?`).join(';');
    const { session: s, transport } = replaySession([
      ['*IDN?', 'Keysight Technologies,N7744A,MY1,1.0'], [ref, '0;0;0;0'],
      // The log's start in one message: the reference state read and set absolute, then the error query.
      [':SENS1:CHAN1:POW:REF:STAT?;:SENS1:CHAN1:POW:REF:STAT 0;:SENS1:CHAN1:POW:UNIT 1;:TRIG1:INP IGN;' +
        ':SENS1:CHAN1:FUNC:PAR:LOGG 300000,0.00001S;:SENS1:CHAN1:FUNC:STAT LOGG,STAR;:SYST:ERR?', '0;+0,"No error"'],
      [':SENS1:CHAN1:FUNC:RES?', null],
    ], { timeout_ms: 200 });
    try {
      const m = await keysightN774xDescriptor.create({ session: s, role: 'meter', options: {} });
      await m.startLogging({ channel: 1, samples: 300_000, averagingTime_s: 1e-5, trigger: 'ignore' });
      const log = m.fetchLog_W(1);
      // 1.2 MB: 200 ms + 1.2 s + 0.8 s allowed; the block comes after 600 ms, past the 200 ms read timeout.
      setTimeout(() => transport.emit('data', Buffer.from(floatBlock(new Array<number>(300_000).fill(1e-6), 'float32'))), 600);
      expect((await log).length).toBe(300_000);
    } finally {
      await s.close();
    }
  });
});
