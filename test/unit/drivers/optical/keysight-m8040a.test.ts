// Keysight M8040A through M8070 (replayed): quoted identifiers, the named sequences, the Error Ratio
// measurement created at open, counts from :PLUG:ERAT:FETC?, refusals before anything is sent.
import { describe, expect, it } from 'vitest';
import { ReplyFormatError } from '../../../../drivers/errors.ts';
import { keysightM8040aDescriptor } from '../../../../drivers/instruments/keysight-m8040a.ts';
import type { KeysightM8040a } from '../../../../drivers/instruments/keysight-m8040a.ts';
import { getDriver } from '../../../../drivers/bench/registry.ts';
import { DriverOptionError, InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { WaitTimeoutError } from '../../../../drivers/properties/wait.ts';
import { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { resolveSessionOptions } from '../../../../drivers/session/session-options.ts';
import { FakeTransport } from '../../../helpers/fake-transport.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN: Exchange = ['*IDN?', 'Keysight Technologies,M8070B,DE12345678,8.0.400.3'];
const OPEN: Exchange[] = [IDN, [':PLUG:ERAT:CAT?', '""'],
  [":PLUG:ERAT:NEW 'benchctl';:PLUG:ERAT:ACQ:ALOC 'benchctl','M2.DataIn'", null], NO_ERROR];

function bert(session: ScpiSession, options: Record<string, unknown> = {}): Promise<KeysightM8040a> {
  return keysightM8040aDescriptor.create({ session, role: 'bert', options });
}

describe('keysight-m8040a: open and identity', () => {
  it('creates its Error Ratio measurement on the analyzer, or reuses one of that name', async () => {
    await expectProtocol([...OPEN,
      IDN, [':PLUG:ERAT:CAT?', '"ERatio1,benchctl"'], [":PLUG:ERAT:ACQ:ALOC 'benchctl','M2.DataIn'", null], NO_ERROR,
      IDN, [':PLUG:ERAT:CAT?', '""'], [":PLUG:ERAT:NEW 'lab BER';:PLUG:ERAT:ACQ:ALOC 'lab BER','M3.DataIn1'", null], NO_ERROR,
    ], async (s) => {
      expect((await bert(s)).model).toBe('M8070B');
      await bert(s);
      await bert(s, { measurement: 'lab BER', analyzer: 'M3.DataIn1' });
    });
  });

  it('claims only M8040A / M8070 identities; is in the registry; bad options are refused by name', async () => {
    expect(keysightM8040aDescriptor.matchesIdentity('Keysight Technologies,M8040A,DE1,1.0')).toBe(true);
    expect(keysightM8040aDescriptor.matchesIdentity('Keysight Technologies,M8070B,DE1,8.0')).toBe(true);
    expect(keysightM8040aDescriptor.matchesIdentity('Agilent Technologies,M8070A,DE1,3.0')).toBe(true);
    expect(keysightM8040aDescriptor.matchesIdentity('Keysight Technologies,N4903B,DE1,1.0')).toBe(false);
    expect(keysightM8040aDescriptor.matchesIdentity('ANRITSU,MP1900A,6200000001,1.00')).toBe(false);
    expect(getDriver('keysight-m8040a')).toBe(keysightM8040aDescriptor);
    expect(() => keysightM8040aDescriptor.checkOptions?.({ analyzer: 'DataIn' })).toThrow(/option 'analyzer' must be an M8070 identifier/);
    expect(() => keysightM8040aDescriptor.checkOptions?.({ edModule: 2 })).toThrow(DriverOptionError);
  });
});

describe('keysight-m8040a: pattern, rate, output', () => {
  it('PRBS to the Generator and Analyzer sequences, the clock in Hz, outputs with the global switch', async () => {
    await expectProtocol([...OPEN,
      [":DATA:SEQ:SET 'Generator',PRBS,'2^31-1'", null], NO_ERROR,
      [":DATA:SEQ:SET 'Analyzer',PRBS,'2^31-1'", null], NO_ERROR,
      [":DATA:SEQ:SET? 'Generator'", 'PRBS,"2^15-1"'],
      [":SOUR:FREQ 'M1.ClkGen',25781250000", null], NO_ERROR,
      [":SOUR:FREQ? 'M1.ClkGen'", '2.578125E+10'],
      [":OUTP:STAT 'M1.DataOut1',1;:OUTP:GLOB 'M1.System',1", null], NO_ERROR,
      [":OUTP:STAT? 'M1.DataOut1'", '1'],
      [":OUTP:EINS:ONCE 'M1.DataOut1'", null], NO_ERROR,
      [":DATA:SEQ:SET? 'Generator'", 'MEMORY,"factory:CEI/CEIstress_bit"'],
    ], async (s) => {
      const b = await bert(s);
      await b.setPattern('PRBS31');
      expect(await b.pattern()).toBe('PRBS15');
      await b.setLineRate_Gbps(25.78125);
      expect(await b.lineRate_Gbps()).toBeCloseTo(25.78125, 9);
      await b.setOutput(true);
      expect(await b.output()).toBe(true);
      await b.insertError();
      await expect(b.pattern()).rejects.toThrow(ReplyFormatError);
    });
  });

  it('refuses an unknown pattern, a rate outside the range and a bit-count gate before sending anything', async () => {
    await expectProtocol(OPEN, async (s) => {
      const b = await bert(s, {});
      await expect(b.setPattern('PRBS9' as 'PRBS7')).rejects.toThrow(/pattern = "PRBS9" refused .*PRBS7, PRBS15, PRBS23, PRBS31/);
      await expect(b.setLineRate_Gbps(80)).rejects.toThrow(/lineRate_Gbps = 80 .*2…64 Gb\/s/);
      await expect(b.setGate({ mode: 'bits', bits: 1e12 })).rejects.toThrow(/gate.mode = "bits" refused .*fixed time \(FTIM\)/);
      await expect(b.setGate({ mode: 'time', period_s: 0 })).rejects.toThrow(InvalidSettingError);
      await expect(b.setOutput('on' as unknown as boolean)).rejects.toThrow(/true or false/);
    });
  });
});

describe('keysight-m8040a: the gate and its counts', () => {
  it('a fixed-time measurement: set, read back, started after a reset, polled, counted', async () => {
    await expectProtocol([...OPEN,
      [":PLUG:ERAT:ACQ:DUR 'benchctl',FTIM;:PLUG:ERAT:ACQ:TIME 'benchctl',10", null], NO_ERROR,
      [":PLUG:ERAT:ACQ:DUR? 'benchctl';:PLUG:ERAT:ACQ:TIME? 'benchctl'", 'FTIM;+1.00000000E+01'],
      [":PLUG:ERAT:RES 'benchctl';:PLUG:ERAT:STAR 'benchctl'", null], NO_ERROR,
      [":PLUG:ERAT:RUN? 'benchctl'", '1'],
      [":PLUG:ERAT:RUN? 'benchctl'", '0'],
      [":PLUG:ERAT:FETC? 'benchctl';:STAT:INST:SLOS? 'M2.DataIn'", '(\'M2.DataIn\',10.0,128906250000,128906250000,3,4);0'],
      [":STAT:INST:SLOS? 'M2.DataIn'", '1'],
      [":PLUG:ERAT:FETC? 'benchctl';:STAT:INST:SLOS? 'M2.DataIn'", "'M2.DataIn',0,0,0,0,0;1"],
    ], async (s) => {
      const b = await bert(s);
      await b.setGate({ mode: 'time', period_s: 10 });
      expect(await b.gate()).toEqual({ mode: 'time', period_s: 10 });
      await b.startGate();
      expect(await b.gateRunning()).toBe(true);
      await b.waitGate(5);
      const r = await b.results();
      expect(r).toEqual({ bits: 257_812_500_000, errors: 7, ber: 7 / 257_812_500_000, sync: true, syncLost: false });
      expect(await b.synced()).toBe(false);
      const none = await b.results();
      expect([none.bits, Number.isNaN(none.ber), none.sync, none.syncLost]).toEqual([0, true, false, true]);
    });
  });

  it('a garbled count is a ReplyFormatError naming the query', async () => {
    await expectProtocol([...OPEN,
      [":PLUG:ERAT:FETC? 'benchctl';:STAT:INST:SLOS? 'M2.DataIn'", "'M2.DataIn',1.0,12,x;0"],
    ], async (s) => {
      const b = await bert(s);
      await expect(b.results()).rejects.toThrow(/PLUG:ERAT:FETC\?.*<compared 1s>/);
    });
  });

  it('a measurement that never ends: WaitTimeoutError, and it is stopped', async () => {
    const t = new FakeTransport();
    await t.open();
    t.responder = (msg) => (msg === '*IDN?' ? `${IDN[1] as string}\n` : msg === ':PLUG:ERAT:CAT?' ? '"benchctl"\n'
      : msg.startsWith(':PLUG:ERAT:RUN?') ? '1\n' : msg === 'SYST:ERR?' ? '+0,"No error"\n' : undefined);
    const s = new ScpiSession(t, resolveSessionOptions(t.resource, { timeout_ms: 200 }));
    try {
      const b = await bert(s);
      await expect(b.waitGate(0.05)).rejects.toThrow(WaitTimeoutError);
      expect(t.writes.slice(-2)).toEqual([":PLUG:ERAT:STOP 'benchctl'", 'SYST:ERR?']);
    } finally {
      await s.close();
    }
  });

  it('safe(): measurement stopped, outputs off, then confirmed stopped', async () => {
    await expectProtocol([...OPEN,
      [":PLUG:ERAT:STOP 'benchctl'", null], NO_ERROR,
      [":OUTP:STAT 'M1.DataOut1',0;:OUTP:GLOB 'M1.System',0", null], NO_ERROR,
      [":PLUG:ERAT:RUN? 'benchctl'", '0'],
    ], async (s) => {
      await (await bert(s)).safe();
    });
  });
});
