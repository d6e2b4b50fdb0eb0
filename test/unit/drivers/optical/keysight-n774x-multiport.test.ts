// Multi-port logging on the N7745A (replayed): every port armed in one program message so one trigger
// starts them all, one float32 block read per port, refusals before anything is sent.
import { describe, expect, it } from 'vitest';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import type { KeysightN774xMeter } from '../../../../drivers/instruments/keysight-n774x.ts';
import { InstrumentError } from '../../../../drivers/errors.ts';
import { InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { isMultiPortLogger } from '../../../../drivers/roles/multiport-logging.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol, floatBlock } from '../../../helpers/protocol-replay.ts';

const IDN = ['*IDN?', 'Keysight Technologies,N7745A,MY54200458,1.210'] as const;
const ABS8 = [[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `:SENS${n}:CHAN1:POW:REF:STAT?`).join(';'), '0;0;0;0;0;0;0;0'] as const;
const OPEN = [IDN, ABS8] as const;
const meter = (session: ScpiSession): Promise<KeysightN774xMeter> => keysightN774xDescriptor.create({ session, role: 'meter-array', options: {} });

describe('keysight-n774x: logging all ports at once', () => {
  it('arms three ports in one message, then reads every port\'s binary block in one compound query', async () => {
    await expectProtocol([...OPEN,
      [':SENS1:CHAN1:POW:REF:STAT?;:SENS5:CHAN1:POW:REF:STAT?;:SENS8:CHAN1:POW:REF:STAT?', '0;0;0'],
      // Every logged port in W (each logs in its own unit), not only the first.
      [':SENS1:CHAN1:POW:UNIT 1;:TRIG1:INP SME;:SENS1:CHAN1:FUNC:PAR:LOGG 3,0.0001S;:SENS5:CHAN1:POW:UNIT 1;:TRIG5:INP SME;:SENS5:CHAN1:FUNC:PAR:LOGG 3,0.0001S;' +
        ':SENS8:CHAN1:POW:UNIT 1;:TRIG8:INP SME;:SENS8:CHAN1:FUNC:PAR:LOGG 3,0.0001S;:SENS1:CHAN1:FUNC:STAT LOGG,STAR;:SENS5:CHAN1:FUNC:STAT LOGG,STAR;:SENS8:CHAN1:FUNC:STAT LOGG,STAR', null],
      NO_ERROR,
      // Every port asked in one compound query per poll (started together, done together).
      [':SENS1:CHAN1:FUNC:STAT?;:SENS5:CHAN1:FUNC:STAT?;:SENS8:CHAN1:FUNC:STAT?', 'LOGGING_STABILITY,COMPLETE;LOGGING_STABILITY,COMPLETE;LOGGING_STABILITY,COMPLETE'],
      // Every port's block in one compound query, the blocks joined by ';' (IEEE 488.2 §8.4).
      [':SENS1:CHAN1:FUNC:RES?;:SENS5:CHAN1:FUNC:RES?;:SENS8:CHAN1:FUNC:RES?', Buffer.concat([
        floatBlock([1e-6, 2e-6, 3e-6], 'float32').subarray(0, -1), Buffer.from(';'),
        floatBlock([4e-6, 5e-6, 6e-6], 'float32').subarray(0, -1), Buffer.from(';'),
        floatBlock([7e-6, 8e-6, Number.NaN], 'float32')])],
    ], async (s) => {
      const m = await meter(s);
      expect(isMultiPortLogger(m)).toBe(true);
      await m.startLoggingAll({ channels: [1, 5, 8], samples: 3, averagingTime_s: 1e-4, trigger: 'single' });
      await m.waitLoggingAll([1, 5, 8], 1);
      const logs = await m.fetchLogs_W([1, 5, 8]);
      expect(logs.map((l) => l.length)).toEqual([3, 3, 3]);
      expect(logs[1]?.[0]).toBeCloseTo(4e-6, 12);
      expect(logs[2]?.[1]).toBeCloseTo(8e-6, 12);
      // An over-range sample (NaN) comes back as +Infinity W.
      expect(logs[2]?.[2]).toBe(Infinity);
    });
  });

  it('a port not yet done when the others are goes on being waited for, every port asked in each poll', async () => {
    const ALL = ':SENS2:CHAN1:FUNC:STAT?;:SENS3:CHAN1:FUNC:STAT?;:SENS4:CHAN1:FUNC:STAT?';
    await expectProtocol([...OPEN,
      [ALL, 'LOGGING_STABILITY,COMPLETE;LOGGING_STABILITY,PROGRESS;LOGGING_STABILITY,COMPLETE'],
      [ALL, 'LOGGING_STABILITY,COMPLETE;LOGGING_STABILITY,PROGRESS;LOGGING_STABILITY,COMPLETE'],
      [ALL, 'LOGGING_STABILITY,COMPLETE;LOGGING_STABILITY,COMPLETE;LOGGING_STABILITY,COMPLETE'],
    ], async (s) => {
      const m = await meter(s);
      await m.waitLoggingAll([2, 3, 4], 5);
    });
  });

  it('a port with no log running among them is an error naming it, not a wait', async () => {
    await expectProtocol([...OPEN,
      [':SENS2:CHAN1:FUNC:STAT?;:SENS3:CHAN1:FUNC:STAT?', 'LOGGING_STABILITY,COMPLETE;NONE,COMPLETE'],
    ], async (s) => {
      const m = await meter(s);
      await expect(m.waitLoggingAll([2, 3], 5)).rejects.toThrow(/log on channel 3.*no logging function is running/);
    });
  });

  it('refuses a channel the meter does not have, a repeated channel or bad samples before sending anything', async () => {
    await expectProtocol([...OPEN], async (s) => {
      const m = await meter(s);
      await expect(m.startLoggingAll({ channels: [1, 9], samples: 3, averagingTime_s: 1e-4, trigger: 'ignore' })).rejects.toThrow(/channel = 9 refused.*one of 1, 2, 3, 4, 5, 6, 7, 8/);
      await expect(m.startLoggingAll({ channels: [2, 2], samples: 3, averagingTime_s: 1e-4, trigger: 'ignore' })).rejects.toThrow(/each channel once/);
      await expect(m.startLoggingAll({ channels: [], samples: 3, averagingTime_s: 1e-4, trigger: 'ignore' })).rejects.toThrow(InvalidSettingError);
      await expect(m.startLoggingAll({ channels: [1], samples: 0, averagingTime_s: 1e-4, trigger: 'ignore' })).rejects.toThrow(/samples = 0/);
    });
  });

  it('a refused message stops every port it may have started, then reports the instrument error', async () => {
    await expectProtocol([...OPEN,
      [':SENS1:CHAN1:POW:REF:STAT?;:SENS2:CHAN1:POW:REF:STAT?', '0;0'],
      [':SENS1:CHAN1:POW:UNIT 1;:TRIG1:INP IGN;:SENS1:CHAN1:FUNC:PAR:LOGG 10,0.0001S;:SENS2:CHAN1:POW:UNIT 1;:TRIG2:INP IGN;:SENS2:CHAN1:FUNC:PAR:LOGG 10,0.0001S;:SENS1:CHAN1:FUNC:STAT LOGG,STAR;:SENS2:CHAN1:FUNC:STAT LOGG,STAR', null],
      ['SYST:ERR?', '-221,"Settings conflict"'], NO_ERROR,
      [':SENS1:CHAN1:FUNC:STAT LOGG,STOP', null], NO_ERROR,
      [':SENS2:CHAN1:FUNC:STAT LOGG,STOP', null], NO_ERROR,
    ], async (s) => {
      const m = await meter(s);
      await expect(m.startLoggingAll({ channels: [1, 2], samples: 10, averagingTime_s: 1e-4, trigger: 'ignore' })).rejects.toThrow(InstrumentError);
    });
  });
});
