import { describe, expect, it } from 'vitest';
import { InstrumentError, ReplyFormatError } from '../../../../drivers/errors.ts';
import type { KeysightN774xMeter} from '../../../../drivers/instruments/keysight-n774x.ts';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import { DriverOptionError, InstrumentStateError, InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { WaitTimeoutError } from '../../../../drivers/properties/wait.ts';
import { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { resolveSessionOptions } from '../../../../drivers/session/session-options.ts';
import type { ScpiSession as Session } from '../../../../drivers/session/scpi-session.ts';
import { FakeTransport } from '../../../helpers/fake-transport.ts';
import { NO_ERROR, expectProtocol, floatBlock, replaySession } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN_N7744A = 'Keysight Technologies,N7744A,MY54100321,1.210';
const IDN: Exchange = ['*IDN?', IDN_N7744A];
/** The reference-state check at open: every port absolute. */
function refStates(slots: readonly string[], replies = slots.map(() => '0')): Exchange {
  return [slots.map((a) => { const [slot, chan = '1'] = a.split('.'); return `:SENS${slot}:CHAN${chan}:POW:REF:STAT?`; }).join(';'), replies.join(';')];
}
const ABS4 = refStates(['1', '2', '3', '4']);
/**
 * A log's start message: the reference state read and set absolute, unit W, trigger, parameters, start,
 * the error query chained last (one round trip; `stop`: a deferred stop of the previous log at its head).
 */
function logStart(slot: number, trigger: string, params: string, o: { stop?: boolean; relative?: boolean; error?: string } = {}): Exchange {
  const a = `:SENS${slot}:CHAN1`;
  return [[...(o.stop ? [`${a}:FUNC:STAT LOGG,STOP`] : []), `${a}:POW:REF:STAT?`, `${a}:POW:REF:STAT 0`, `${a}:POW:UNIT 1`, `:TRIG${slot}:INP ${trigger}`,
    `${a}:FUNC:PAR:LOGG ${params}`, `${a}:FUNC:STAT LOGG,STAR`, ':SYST:ERR?'].join(';'), `${o.relative ? '1' : '0'};${o.error ?? '+0,"No error"'}`];
}
const OPEN: readonly Exchange[] = [IDN, ABS4];

function meter(session: Session, options: Record<string, unknown> = {}): Promise<KeysightN774xMeter> {
  return keysightN774xDescriptor.create({ session, role: 'meter', options });
}

describe('keysight-n774x: creation and channels', () => {
  it('maps the ports of the model it identifies', async () => {
    await expectProtocol([...OPEN, ['*IDN?', 'Keysight Technologies,N7745C,X,1'], refStates(['1', '2', '3', '4', '5', '6', '7', '8']),
      ['*IDN?', 'Agilent Technologies,8164B,X,1'], [':SLOT1:IDN?', 'Agilent Technologies,81634B,DE123,V1.0'], refStates(['1'])], async (s) => {
      expect((await meter(s)).channels).toEqual([1, 2, 3, 4]);
      expect((await meter(s)).channels).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await meter(s)).channels).toEqual([1]);
    });
  });

  it('takes explicit slot.chan addresses for an 816x mainframe, and refuses bad ones', async () => {
    await expectProtocol([['*IDN?', 'Agilent Technologies,8164B,X,1'],
      [':SLOT1:IDN?;:SLOT2:IDN?', 'Agilent Technologies,81634B,DE1,V1.0;Agilent Technologies,81635A,DE2,V1.0'], refStates(['1.1', '2.1', '2.2']),
      [':SENS2:CHAN2:POW:WAV 1310NM', null], NO_ERROR, ['*IDN?', 'Agilent Technologies,8164B,X,1']], async (s) => {
      const m = await meter(s, { channels: ['1.1', '2.1', '2.2'] });
      expect(m.channels).toEqual([1, 2, 3]);
      await m.setWavelength_nm(3, 1310);
      await expect(meter(s, { channels: ['1.1', '1.1'] })).rejects.toThrow(/option 'channels' names 1\.1 twice/);
    });
    await expect(meter(null as unknown as Session, { channels: ['3'] })).rejects.toThrow(DriverOptionError);
    await expect(meter(null as unknown as Session, { chanels: 2 })).rejects.toThrow("driver 'keysight-n774x': option 'chanels' is unknown; keysight-n774x takes channels");
  });

  it('identifies N774x meters by *IDN?, and not other Keysight instruments', () => {
    expect(keysightN774xDescriptor.matchesIdentity(IDN_N7744A)).toBe(true);
    expect(keysightN774xDescriptor.matchesIdentity('Agilent Technologies,N7747A,1,1')).toBe(true);
    expect(keysightN774xDescriptor.matchesIdentity('Keysight Technologies,N7778C,1,1')).toBe(false);
    expect(keysightN774xDescriptor.matchesIdentity('SANTEC,TSL-570,1,1')).toBe(false);
  });
});

describe('keysight-n774x: settings', () => {
  it('wavelength (nm ↔ m), averaging time (µs…s), auto range, range (dBm), unit', async () => {
    await expectProtocol([...OPEN,
      [':SENS2:CHAN1:POW:WAV 1550.5NM', null], NO_ERROR,
      [':SENS2:CHAN1:POW:WAV?', '+1.55050000E-06'],
      [':SENS1:CHAN1:POW:ATIME 0.000001S', null], NO_ERROR,
      [':SENS1:CHAN1:POW:ATIME 2.5S', null], NO_ERROR,
      [':SENS1:CHAN1:POW:ATIME?', '+1.00000000E-04'],
      [':SENS3:CHAN1:POW:RANG:AUTO 0', null], NO_ERROR,
      [':SENS3:CHAN1:POW:RANG:AUTO?', '1'],
      [':SENS3:CHAN1:POW:RANG -20DBM', null], NO_ERROR,
      [':SENS3:CHAN1:POW:RANG?', '-2.00000000E+01'],
      [':SENS4:CHAN1:POW:UNIT 1', null], NO_ERROR,
      [':SENS4:CHAN1:POW:UNIT?', '+1'],
    ], async (s) => {
      const m = await meter(s);
      await m.setWavelength_nm(2, 1550.5);
      expect(await m.wavelength_nm(2)).toBe(1550.5);
      await m.setAveragingTime_s(1, 1e-6);
      await m.setAveragingTime_s(1, 2.5);
      expect(await m.averagingTime_s(1)).toBe(1e-4);
      await m.setAutoRange(3, false);
      expect(await m.autoRange(3)).toBe(true);
      await m.setRange_dBm(3, -20);
      expect(await m.range_dBm(3)).toBe(-20);
      await m.setUnit(4, 'W');
      expect(await m.unit(4)).toBe('W');
    });
  });

  it('refuses bad values and unknown channels before anything is sent', async () => {
    await expectProtocol([...OPEN], async (s) => {
      const m = await meter(s);
      await expect(m.setWavelength_nm(1, 1700)).rejects.toThrow(/wavelength_nm = 1700 .*1250…1650 nm/);
      await expect(m.setAveragingTime_s(1, 1e-7)).rejects.toThrow(InvalidSettingError);
      await expect(m.setAveragingTime_s(1, 11)).rejects.toThrow(/1e-6…10 s|0\.000001…10 s/);
      await expect(m.setUnit(1, 'mW' as 'W')).rejects.toThrow(/one of dBm, W/);
      await expect(m.readPower_dBm(5)).rejects.toThrow(/channel = 5 .*one of 1, 2, 3, 4/);
      await expect(m.startLogging({ channel: 1, samples: 0, averagingTime_s: 1e-4, trigger: 'single' })).rejects.toThrow(/samples = 0/);
      await expect(m.startLogging({ channel: 1, samples: 2.5, averagingTime_s: 1e-4, trigger: 'single' })).rejects.toThrow(InvalidSettingError);
      await expect(m.startLogging({ channel: 1, samples: 10, averagingTime_s: 20, trigger: 'single' })).rejects.toThrow(/averagingTime_s = 20/);
      await expect(m.startLogging({ channel: 1, samples: 10, averagingTime_s: 1e-4, trigger: 'always' as 'single' })).rejects.toThrow(/ignore, single/);
    });
  });

  it('an instrument error after a setting surfaces as InstrumentError with its code, message and command', async () => {
    await expectProtocol([...OPEN,
      [':SENS1:CHAN1:POW:WAV 1300NM', null],
      ['SYST:ERR?', '-222,"Data out of range"'], ['SYST:ERR?', '-221,"Settings conflict"'], NO_ERROR,
    ], async (s) => {
      const m = await meter(s);
      const err = await m.setWavelength_nm(1, 1300).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InstrumentError);
      const e = err as InstrumentError;
      expect([e.code, e.instrumentMessage, e.command]).toEqual([-222, 'Data out of range', ':SENS1:CHAN1:POW:WAV 1300NM']);
      expect(e.errors.map((x) => x.code)).toEqual([-222, -221]);
    });
  });
});

describe('keysight-n774x: readings', () => {
  it('reads in whatever unit the channel reports and converts (dBm ↔ W), in one round trip', async () => {
    await expectProtocol([...OPEN,
      [':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?', '+0;-1.23450000E+01'],
      [':SENS2:CHAN1:POW:UNIT?;:READ2:CHAN1:POW?', '+1;+1.00000000E-03'],
      [':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?', '+0;-3.00000000E+01'],
      [':SENS2:CHAN1:POW:UNIT?;:FETC2:CHAN1:POW?', '+1;+2.00000000E-06'],
      [':SENS2:CHAN1:POW:UNIT?;:FETC2:CHAN1:POW?', '+0;+1.00000000E+01'],
    ], async (s) => {
      const m = await meter(s);
      expect(await m.readPower_dBm(1)).toBe(-12.345);
      expect(await m.readPower_dBm(2)).toBeCloseTo(0, 12);
      expect(await m.readPower_W(1)).toBeCloseTo(1e-6, 18);
      expect(await m.fetchPower_W(2)).toBe(2e-6);
      expect(await m.fetchPower_dBm(2)).toBe(10);
    });
  });

  it('below the floor: a linear reading of 0 or less is -Infinity dBm; over range (above 1e20, e.g. 9.91E37) is +Infinity', async () => {
    await expectProtocol([...OPEN,
      [':SENS3:CHAN1:POW:UNIT?;:READ3:CHAN1:POW?', '+1;-1.20000000E-12'],
      [':SENS3:CHAN1:POW:UNIT?;:READ3:CHAN1:POW?', '+0;+9.91000000E+37'],
    ], async (s) => {
      const m = await meter(s);
      expect(await m.readPower_dBm(3)).toBe(-Infinity);
      expect(await m.readPower_dBm(3)).toBe(Infinity);
    });
  });

  it('readAll_dBm: N774x ports in one READ:POW:ALL:CSV? (W); 816x channels chained into one message', async () => {
    await expectProtocol([...OPEN,
      [':READ1:POW:ALL:CSV?', '+1.00000000E-03,+1.00000000E-05,+0.00000000E+00,+1.00000000E-11'],
      ['*IDN?', 'Agilent Technologies,8163B,X,1'], [':SLOT1:IDN?', 'Agilent Technologies,81635A,DE2,V1.0'], refStates(['1.1', '1.2']),
      [':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?;:SENS1:CHAN2:POW:UNIT?;:READ1:CHAN2:POW?', '+0;-3.00000000E+00;+1;+1.00000000E-04'],
    ], async (s) => {
      const all = await (await meter(s)).readAll_dBm();
      expect(all.map((v) => Number(v.toFixed(9)))).toEqual([0, -20, -Infinity, -80]);
      expect(await (await meter(s, { channels: ['1.1', '1.2'] })).readAll_dBm()).toEqual([-3, expect.closeTo(-10, 9)]);
    });
  });

  it('a garbage or short reply is a ReplyFormatError naming the command; a refused query its InstrumentError', async () => {
    await expectProtocol([...OPEN,
      [':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?', '+0;banana'],
      [':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?', '-1.0E+01'], NO_ERROR,
      [':READ1:POW:ALL:CSV?', '+1.0E-03,+1.0E-03'],
      [':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?', '+0'], ['SYST:ERR?', '-221,"Settings conflict;logging function running"'], NO_ERROR,
    ], async (s) => {
      const m = await meter(s);
      await expect(m.readPower_dBm(1)).rejects.toThrow(ReplyFormatError);
      await expect(m.readPower_dBm(1)).rejects.toThrow(/expected 2 replies separated by ';'/);
      await expect(m.readAll_dBm()).rejects.toThrow(/4 comma-separated powers/);
      // A refused query leaves its reply out; the driver reports the refusal, not the count.
      const err = await m.readPower_dBm(1).catch((e: unknown) => e) as InstrumentError;
      expect(err).toBeInstanceOf(InstrumentError);
      expect([err.code, err.command]).toEqual([-221, ':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?']);
    });
  });
});

describe('keysight-n774x: logging', () => {
  it('arms triggered logging in one message with its error query, polls it, fetches the float32 block (W) and stops', async () => {
    const samples = [1e-6, 2.5e-6, 3.25e-9];
    await expectProtocol([...OPEN,
      logStart(2, 'SME', '3,0.0001S'),
      [':SENS2:CHAN1:FUNC:STAT?', 'LOGGING_STABILITY,PROGRESS'],
      [':SENS2:CHAN1:FUNC:STAT?', 'LOGGING_STABILITY,PROGRESS'],
      [':SENS2:CHAN1:FUNC:STAT?', 'LOGGING_STABILITY,COMPLETE'],
      [':SENS2:CHAN1:FUNC:RES?', floatBlock(samples, 'float32')],
      [':SENS2:CHAN1:FUNC:STAT LOGG,STOP', null], NO_ERROR,
      [':SENS2:CHAN1:FUNC:STAT?', 'NONE,COMPLETE'],
      logStart(1, 'IGN', '1000,1S'),
    ], async (s) => {
      const m = await meter(s);
      await m.startLogging({ channel: 2, samples: 3, averagingTime_s: 1e-4, trigger: 'single' });
      expect(await m.loggingState(2)).toBe('running');
      await m.waitLogging(2, 5);
      const log = await m.fetchLog_W(2);
      expect(log).toHaveLength(3);
      log.forEach((v, i) => expect(v).toBeCloseTo(samples[i] as number, 12));
      await m.stopLogging(2);
      expect(await m.loggingState(2)).toBe('idle');
      await m.startLogging({ channel: 1, samples: 1000, averagingTime_s: 1, trigger: 'ignore' });
    });
  });

  it('a refused part of the logging message is an InstrumentError naming the message, and any log it started is stopped', async () => {
    const start = logStart(3, 'IGN', '1000000,0.0001S', { error: '-222,"Data out of range"' });
    const message = start[0].replace(/;:SYST:ERR\?$/, '');
    await expectProtocol([...OPEN,
      // The chained error query reads the first error; the rest of the queue is read after it.
      start, ['SYST:ERR?', '-221,"Settings conflict"'], NO_ERROR,
      [':SENS3:CHAN1:FUNC:STAT LOGG,STOP', null], NO_ERROR,
    ], async (s) => {
      const m = await meter(s);
      const err = await m.startLogging({ channel: 3, samples: 1_000_000, averagingTime_s: 1e-4, trigger: 'ignore' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InstrumentError);
      expect([(err as InstrumentError).code, (err as InstrumentError).command]).toEqual([-222, message]);
      expect((err as InstrumentError).errors.map((e) => e.code)).toEqual([-222, -221]);
    });
  });

  it('a deferred stop rides at the head of the next log or reading, and is sent on its own before anything else', async () => {
    await expectProtocol([...OPEN,
      logStart(1, 'CME', '5,0.0004S'),
      [':SENS1:CHAN1:FUNC:RES?', floatBlock([1e-6], 'float32')],
      logStart(1, 'CME', '5,0.0004S', { stop: true }),
      [':SENS1:CHAN1:FUNC:STAT LOGG,STOP;:SENS1:CHAN1:POW:ATIME 0.01S;:SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?;:SYST:ERR?', '0;-12.5;+0,"No error"'],
      logStart(1, 'CME', '5,0.0004S'),
      [':SENS1:CHAN1:FUNC:STAT LOGG,STOP;:SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?;:SYST:ERR?', '0;-13.5;+0,"No error"'],
      logStart(1, 'CME', '5,0.0004S'),
      // Owed on channel 1 only: a setting of channel 2 goes out as it is, one of channel 1 pays the stop first.
      [':SENS2:CHAN1:POW:ATIME 0.1S', null], NO_ERROR,
      [':SENS1:CHAN1:FUNC:STAT LOGG,STOP', null], NO_ERROR,
      [':SENS1:CHAN1:POW:ATIME 0.1S', null], NO_ERROR,
    ], async (s) => {
      const m = await meter(s);
      const log = { channel: 1, samples: 5, averagingTime_s: 4e-4, trigger: 'continuous' } as const;
      await m.startLogging(log);
      await m.fetchLog_W(1);
      await m.stopLogging(1, { deferred: true });
      await m.startLogging(log);
      await m.stopLogging(1, { deferred: true });
      expect(await m.readPowerAveraged_dBm(1, 0.01)).toBe(-12.5);
      await m.startLogging(log);
      await m.stopLogging(1, { deferred: true });
      expect(await m.readPower_dBm(1)).toBe(-13.5);
      await m.startLogging(log);
      await m.stopLogging(1, { deferred: true });
      await m.setAveragingTime_s(2, 0.1);
      await m.setAveragingTime_s(1, 0.1);
    });
  });

  it('a port found relative in the logging message is reported; a reference reply that is neither 0 nor 1 stops the log and names the query', async () => {
    const notices: string[] = [];
    await expectProtocol([...OPEN,
      logStart(2, 'IGN', '5,0.0001S', { relative: true }),
      [logStart(2, 'IGN', '5,0.0001S')[0], 'ON;+0,"No error"'],
      [':SENS2:CHAN1:FUNC:STAT LOGG,STOP', null], NO_ERROR,
    ], async (s) => {
      const m = await keysightN774xDescriptor.create({ session: s, role: 'meter', options: {}, notice: (n) => notices.push(n) });
      await m.startLogging({ channel: 2, samples: 5, averagingTime_s: 1e-4, trigger: 'ignore' });
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/channel 2 was in relative .*before logging/);
      const err = await m.startLogging({ channel: 2, samples: 5, averagingTime_s: 1e-4, trigger: 'ignore' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplyFormatError);
      expect((err as Error).message).toMatch(/POW:REF:STAT\?.*'0' \(absolute\) or '1' \(relative\)/);
    });
  });

  it('readPowerAveraged_dBm refuses an averaging time out of range before sending, and reports a refused part', async () => {
    await expectProtocol([...OPEN,
      [':SENS1:CHAN1:POW:ATIME 0.01S;:SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?;:SYST:ERR?', '0;-12.5;-221,"Settings conflict"'], NO_ERROR,
    ], async (s) => {
      const m = await meter(s);
      await expect(m.readPowerAveraged_dBm(1, -1)).rejects.toThrow(InvalidSettingError);
      const err = await m.readPowerAveraged_dBm(1, 0.01).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InstrumentError);
      expect((err as InstrumentError).code).toBe(-221);
    });
  });

  it('waiting for a log that was never started is an InstrumentStateError, not a hang', async () => {
    await expectProtocol([...OPEN, [':SENS1:CHAN1:FUNC:STAT?', 'NONE,COMPLETE'], [':SENS1:CHAN1:FUNC:STAT?', 'WHAT']], async (s) => {
      const m = await meter(s);
      await expect(m.waitLogging(1, 5)).rejects.toThrow(InstrumentStateError);
      await expect(m.loggingState(1)).rejects.toThrow(ReplyFormatError);
    });
  });

  it('a log that does not finish in time: WaitTimeoutError, and the logging is stopped', async () => {
    const t = new FakeTransport();
    await t.open();
    t.responder = (msg) => (msg.startsWith('*IDN?') ? `${IDN_N7744A}\n` : msg.includes('REF:STAT?') ? '0;0;0;0\n' : msg.endsWith('FUNC:STAT?') ? 'LOGGING_STABILITY,PROGRESS\n'
      : msg === 'SYST:ERR?' ? '+0,"No error"\n' : undefined);
    const s = new ScpiSession(t, resolveSessionOptions(t.resource, { timeout_ms: 200 }));
    try {
      const m = await meter(s);
      const err = await m.waitLogging(1, 0.05).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WaitTimeoutError);
      expect((err as Error).message).toMatch(/the log on channel 1 did not finish within 0\.05 s/);
      expect(t.writes.slice(-2)).toEqual([':SENS1:CHAN1:FUNC:STAT LOGG,STOP', 'SYST:ERR?']);
    } finally {
      await s.close();
    }
  });

  it('safe() stops logging on every channel, tolerating a refusal', async () => {
    await expectProtocol([...OPEN,
      ...[1, 2, 3, 4].flatMap((n): Exchange[] => [[`:SENS${n}:CHAN1:FUNC:STAT LOGG,STOP`, null],
        ...(n === 2 ? [['SYST:ERR?', '-221,"Settings conflict"'] as Exchange] : []), NO_ERROR]),
    ], async (s) => {
      await (await meter(s)).safe();
    });
  });
});

describe('keysight-n774x: logging in W, over range, timeouts that follow the averaging', () => {
  it('logs in W whatever the display unit (N774x logs in the port unit); over-range samples are +Infinity', async () => {
    await expectProtocol([...OPEN,
      logStart(1, 'IGN', '3,0.001S'),
      [':SENS1:CHAN1:FUNC:RES?', floatBlock([1e-6, Number.NaN, 3e38], 'float32')],
    ], async (s) => {
      const m = await meter(s);
      await m.startLogging({ channel: 1, samples: 3, averagingTime_s: 0.001, trigger: 'ignore' });
      const log = await m.fetchLog_W(1);
      expect(log[0]).toBeCloseTo(1e-6, 12);
      expect(log.slice(1)).toEqual([Infinity, Infinity]);
    });
  });

  it('a READ after a 10 s averaging time gets 10 s more than the read timeout, not a fixed one', async () => {
    const { session, transport } = replaySession([...OPEN,
      [':SENS1:CHAN1:POW:ATIME 10S', null], NO_ERROR,
      [':SENS1:CHAN1:POW:UNIT?;:READ1:CHAN1:POW?', null],
    ], { timeout_ms: 200 });
    try {
      const m = await meter(session);
      await m.setAveragingTime_s(1, 10);
      const reading = m.readPower_dBm(1);
      // Past the 200 ms read timeout the reading is still awaited; the meter answers after 400 ms.
      setTimeout(() => transport.emit('data', Buffer.from('+0;-1.00000000E+01\n')), 400);
      expect(await reading).toBe(-10);
    } finally {
      await session.close();
    }
  });
});
