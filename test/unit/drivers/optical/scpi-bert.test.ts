import { describe, expect, it } from 'vitest';
import { InstrumentError, ReplyFormatError } from '../../../../drivers/errors.ts';
import type { ScpiBert} from '../../../../drivers/instruments/scpi-bert.ts';
import { scpiBertDescriptor } from '../../../../drivers/instruments/scpi-bert.ts';
import { InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import type { BertPattern } from '../../../../drivers/roles/bert.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN: Exchange = ['*IDN?', 'BENCHSIM,SIM-BERT,SIM00002,1.0.0'];
const RESULTS = ':FETC:SENS1:BITS?;:FETC:SENS1:ERR?;:FETC:SENS1:BER?;:SENS1:SYNC?;:FETC:SENS1:PSL?';

function bert(session: ScpiSession, options: Record<string, unknown> = {}): Promise<ScpiBert> {
  return scpiBertDescriptor.create({ session, role: 'bert', options });
}

describe('scpi-bert: settings', () => {
  it('pattern (generator and detector), line rate (Gb/s ↔ Hz), output', async () => {
    await expectProtocol([IDN,
      [':SOUR1:PATT:SEL PRBS7', null], NO_ERROR,
      [':SENS1:PATT:SEL PRBS7', null], NO_ERROR,
      [':SOUR1:PATT:SEL?', 'PRBS7'],
      [':SOUR1:FREQ 53.125GHZ', null], NO_ERROR,
      [':SOUR1:FREQ?', '+5.31250000E+10'],
      [':OUTP1:STAT 1', null], NO_ERROR,
      [':OUTP1:STAT?', '1'],
    ], async (s) => {
      const b = await bert(s);
      await b.setPattern('PRBS7');
      expect(await b.pattern()).toBe('PRBS7');
      await b.setLineRate_Gbps(53.125);
      expect(await b.lineRate_Gbps()).toBeCloseTo(53.125, 12);
      await b.setOutput(true);
      expect(await b.output()).toBe(true);
    });
  });

  it('refuses a bad pattern, rate or gate before anything is sent', async () => {
    await expectProtocol([IDN], async (s) => {
      const b = await bert(s);
      await expect(b.setPattern('PRBS9' as BertPattern)).rejects.toThrow(/pattern.*"PRBS9".*one of PRBS7, PRBS15, PRBS23, PRBS31/);
      await expect(b.setLineRate_Gbps(200)).rejects.toThrow(/lineRate_Gbps = 200 .*1…116 Gb\/s/);
      await expect(b.setGate({ mode: 'time', period_s: 0 })).rejects.toThrow(/gatePeriod_s = 0/);
      await expect(b.setGate({ mode: 'bits', bits: 1e12 + 0.5 })).rejects.toThrow(/whole number of bits/);
      await expect(b.setGate({ mode: 'bits', bits: 10 })).rejects.toThrow(InvalidSettingError);
      await expect(b.setGate({ mode: 'errors' } as unknown as { mode: 'bits'; bits: number })).rejects.toThrow(/gate.mode = "errors"/);
    });
  });

  it('the line-rate range comes from the model, or the bench file for a BERT the driver does not know', async () => {
    await expectProtocol([['*IDN?', 'ACME,BERT-9,1,1'], ['*IDN?', 'ACME,BERT-9,1,1']], async (s) => {
      await expect(bert(s)).rejects.toThrow(/driver 'scpi-bert': option 'lineRateRange_Gbps' is needed.*ACME,BERT-9/);
      expect((await bert(s, { lineRateRange_Gbps: [10, 30] })).lineRateRange_Gbps).toEqual({ min: 10, max: 30 });
    });
    // Our own dialect: it claims the simulator's own identity, never a real BERT's.
    expect(scpiBertDescriptor.matchesIdentity('BENCHSIM,SIM-BERT,SIM00002,1.0.0')).toBe(true);
    expect(scpiBertDescriptor.matchesIdentity('Anritsu,MP1900A,1,1')).toBe(false);
    expect(scpiBertDescriptor.matchesIdentity('Keysight Technologies,M8040A,1,1')).toBe(false);
    expect(scpiBertDescriptor.matchesIdentity('Keysight Technologies,N7744A,1,1')).toBe(false);
  });
});

describe('scpi-bert: gates and results', () => {
  it('gate by time and by bits, start, poll, stop, read back', async () => {
    await expectProtocol([IDN,
      [':SENS1:GATE:MODE TIME', null], NO_ERROR, [':SENS1:GATE:PER 10S', null], NO_ERROR,
      [':SENS1:GATE:MODE BITS', null], NO_ERROR, [':SENS1:GATE:BITS 1000000000000', null], NO_ERROR,
      [':SENS1:GATE:MODE?;:SENS1:GATE:PER?;:SENS1:GATE:BITS?', 'BITS;+1.00000000E+01;+1.00000000E+12'],
      [':SENS1:GATE:MODE?;:SENS1:GATE:PER?;:SENS1:GATE:BITS?', 'TIME;+1.00000000E-03;+1.00000000E+12'],
      [':SENS1:GATE:STAT 1', null], NO_ERROR,
      [':SENS1:GATE:STAT?', '1'], [':SENS1:GATE:STAT?', '1'], [':SENS1:GATE:STAT?', '0'],
      [':SENS1:GATE:STAT 0', null], NO_ERROR,
    ], async (s) => {
      const b = await bert(s);
      await b.setGate({ mode: 'time', period_s: 10 });
      await b.setGate({ mode: 'bits', bits: 1e12 });
      expect(await b.gate()).toEqual({ mode: 'bits', bits: 1e12 });
      expect(await b.gate()).toEqual({ mode: 'time', period_s: 1e-3 });
      await b.startGate();
      expect(await b.gateRunning()).toBe(true);
      await b.waitGate(5);
      await b.stopGate();
    });
  });

  it('results: bits, errors, BER, sync and sync-loss seconds in one round trip; NaN BER before any bit', async () => {
    await expectProtocol([IDN,
      [RESULTS, '+2.57812500E+10;3;+1.16363636E-10;1;0'],
      [RESULTS, '+0.00000000E+00;0;+9.91000000E+37;0;0'],
    ], async (s) => {
      const b = await bert(s);
      expect(await b.results()).toEqual({ bits: 25781250000, errors: 3, ber: 1.16363636e-10, sync: true, syncLost: false, syncLoss_s: 0 });
      const empty = await b.results();
      expect(empty.bits).toBe(0);
      expect(empty.ber).toBeNaN();
      expect(empty.syncLost).toBe(false);
    });
  });

  it('a sync loss is read from PSL? (sync-loss seconds), even once sync is back; no error queue involved', async () => {
    await expectProtocol([IDN,
      [RESULTS, '+2.57812500E+10;12890540775;+4.99996733E-01;0;1'],
      [RESULTS, '+2.57812500E+11;2;+7.75757576E-12;1;+3.00000000E+00'],
    ], async (s) => {
      const b = await bert(s);
      expect(await b.results()).toMatchObject({ sync: false, syncLost: true, syncLoss_s: 1, errors: 12890540775 });
      // Sync is back now, but 3 s of the gate were counted without it: the counts are still not valid.
      expect(await b.results()).toMatchObject({ sync: true, syncLost: true, syncLoss_s: 3 });
    });
  });

  it('a refused or malformed results reply is a typed error naming the chained query', async () => {
    await expectProtocol([IDN,
      // The detector refuses one query (no reply of its own): the queue says why.
      [RESULTS, '+1.0E+09;0;+0.0E+00;1'], ['SYST:ERR?', '-113,"Undefined header"'], NO_ERROR,
      [RESULTS, 'lots;of;garbage;here;too'],
      [RESULTS, '+1.0E+09;0;+0.0E+00;1;-1'],
      [RESULTS, '+1.0E+09;0;+0.0E+00;1;0.5'],
    ], async (s) => {
      const b = await bert(s);
      const refused = await b.results().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InstrumentError);
      expect((refused as InstrumentError).code).toBe(-113);
      await expect(b.results()).rejects.toThrow(ReplyFormatError);
      await expect(b.results()).rejects.toThrow(/PSL\?.*"-1".*sync-loss seconds/);
      await expect(b.results()).rejects.toThrow(/"0\.5".*a count of sync-loss seconds/);
    });
  });

  it('error insertion, sync query; safe() stops the gate and the output and confirms', async () => {
    await expectProtocol([IDN,
      [':SOUR1:EINS:ONCE', null], NO_ERROR,
      [':SENS1:SYNC?', '1'],
      [':SENS1:GATE:STAT 0', null], NO_ERROR,
      [':OUTP1:STAT 0', null], NO_ERROR,
      [':SENS1:GATE:STAT?', '0'],
    ], async (s) => {
      const b = await bert(s);
      await b.insertError();
      expect(await b.synced()).toBe(true);
      await b.safe();
    });
  });
});
