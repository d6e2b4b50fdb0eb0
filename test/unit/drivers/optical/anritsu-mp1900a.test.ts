// The MP1900A driver's dialogue, replayed: every program message starts with its module's selection, the
// ED's gate is d,h,m,s or E_n, results are quoted strings read in one round trip, and values the instrument
// cannot take are refused before anything is sent.
import { describe, expect, it } from 'vitest';
import { ReplyFormatError } from '../../../../drivers/errors.ts';
import { anritsuMp1900aDescriptor } from '../../../../drivers/instruments/anritsu-mp1900a.ts';
import type { AnritsuMp1900a } from '../../../../drivers/instruments/anritsu-mp1900a.ts';
import { InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import type { BertPattern } from '../../../../drivers/roles/bert.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN: Exchange = ['*IDN?', 'ANRITSU,MP1900A,6201900123,2.05.00'];
const PPG = ':UENT:ID 1;:MOD:ID 1';
const ED = ':UENT:ID 1;:MOD:ID 2';
const RESULTS = `${ED};:CALC:DATA:EAL? "CURR:CC:TOT";:CALC:DATA:EAL? "CURR:EC:TOT";:CALC:DATA:EAL? "CURR:ER:TOT";` +
  ':CALC:DATA:MON? "PSL";:CALC:DATA:EAL? "CURR:AINT:PSL"';

function bert(session: ScpiSession, options: Record<string, unknown> = {}): Promise<AnritsuMp1900a> {
  return anritsuMp1900aDescriptor.create({ session, role: 'bert', options });
}

describe('anritsu-mp1900a: settings', () => {
  it('pattern on PPG and ED, bit rate in Gbit/s, all outputs', async () => {
    await expectProtocol([IDN,
      [`${PPG};:SOUR:PATT:TYPE PRBS;:SOUR:PATT:PRBS:LENG 31`, null], NO_ERROR,
      [`${ED};:SENS:PATT:TYPE PRBS;:SENS:PATT:PRBS:LENG 31`, null], NO_ERROR,
      [`${PPG};:SOUR:PATT:TYPE?;:SOUR:PATT:PRBS:LENG?`, 'PRBS;31'],
      [`${PPG};:OUTP:DATA:BITR 25.78125`, null], NO_ERROR,
      [`${PPG};:OUTP:DATA:BITR?`, '25.781250'],
      [`${PPG};:SOUR:OUTP:ASET ON`, null], NO_ERROR,
      [`${PPG};:SOUR:OUTP:ASET?`, '1'],
    ], async (s) => {
      const b = await bert(s);
      await b.setPattern('PRBS31');
      expect(await b.pattern()).toBe('PRBS31');
      await b.setLineRate_Gbps(25.78125);
      expect(await b.lineRate_Gbps()).toBe(25.78125);
      await b.setOutput(true);
      expect(await b.output()).toBe(true);
    });
  });

  it('modules where the bench file puts them', async () => {
    await expectProtocol([IDN, [':UENT:ID 2;:MOD:ID 4;:SOUR:OUTP:ASET OFF', null], NO_ERROR], async (s) => {
      const b = await bert(s, { unit: 2, ppgModule: 4, edModule: 6 });
      await b.setOutput(false);
    });
  });

  it('refuses what the instrument cannot take, before anything is sent', async () => {
    await expectProtocol([IDN], async (s) => {
      const b = await bert(s);
      await expect(b.setPattern('PRBS9' as BertPattern)).rejects.toThrow(/pattern = "PRBS9".*one of PRBS7, PRBS15, PRBS23, PRBS31/);
      await expect(b.setLineRate_Gbps(200)).rejects.toThrow(/lineRate_Gbps = 200 .*1…116 Gb\/s/);
      await expect(b.setGate({ mode: 'time', period_s: 0.5 })).rejects.toThrow(/gate.period_s = 0.5 .*whole number of seconds/);
      await expect(b.setGate({ mode: 'bits', bits: 3e11 })).rejects.toThrow(/gate.bits = 300000000000 .*power of ten/);
      await expect(b.setGate({ mode: 'errors' } as unknown as { mode: 'bits'; bits: number })).rejects.toThrow(InvalidSettingError);
    });
    await expectProtocol([], async (s) => {
      await expect(bert(s, { ppgModule: 2 })).rejects.toThrow(/options.edModule = 2 .*other than the PPG/);
      await expect(bert(s, { slot: 1 })).rejects.toThrow(/driver 'anritsu-mp1900a'/);
    });
  });

  it('claims only an Anritsu MP1900A', () => {
    expect(anritsuMp1900aDescriptor.matchesIdentity('ANRITSU,MP1900A,6201900123,2.05.00')).toBe(true);
    expect(anritsuMp1900aDescriptor.matchesIdentity('Anritsu,MP1800A,1,1')).toBe(false);
    expect(anritsuMp1900aDescriptor.matchesIdentity('Keysight Technologies,M8040A,1,1')).toBe(false);
    expect(anritsuMp1900aDescriptor.matchesIdentity('BENCHSIM,SIM-BERT,SIM00002,1.0.0')).toBe(false);
  });
});

describe('anritsu-mp1900a: measurements', () => {
  it('gates as d,h,m,s or E_n, read back; start, poll, stop', async () => {
    await expectProtocol([IDN,
      [`${ED};:SENS:MEAS:EAL:MODE SING;:SENS:MEAS:EAL:UNIT TIME;:SENS:MEAS:EAL:PER 0,0,1,56`, null], NO_ERROR,
      [`${ED};:SENS:MEAS:EAL:UNIT?;:SENS:MEAS:EAL:PER?;:SENS:MEAS:EAL:CLOC?`, 'TIME;0,0,1,56;E_12'],
      [`${ED};:SENS:MEAS:EAL:MODE SING;:SENS:MEAS:EAL:UNIT CLOC;:SENS:MEAS:EAL:CLOC E_13`, null], NO_ERROR,
      [`${ED};:SENS:MEAS:EAL:UNIT?;:SENS:MEAS:EAL:PER?;:SENS:MEAS:EAL:CLOC?`, 'CLOC;0,0,1,56;E_13'],
      [`${ED};:SENS:MEAS:STAR`, null], NO_ERROR,
      [`${ED};:SENS:MEAS:EAL:STAT?`, '1'], [`${ED};:SENS:MEAS:EAL:STAT?`, '0'],
      [`${ED};:SENS:MEAS:STOP`, null], NO_ERROR,
    ], async (s) => {
      const b = await bert(s);
      await b.setGate({ mode: 'time', period_s: 116 });
      expect(await b.gate()).toEqual({ mode: 'time', period_s: 116 });
      await b.setGate({ mode: 'bits', bits: 1e13 });
      expect(await b.gate()).toEqual({ mode: 'bits', bits: 1e13 });
      await b.startGate();
      await b.waitGate(5);
      await b.stopGate();
    });
  });

  it('results: clock count, errors, rate, sync now and sync-loss seconds in one round trip', async () => {
    await expectProtocol([IDN,
      [RESULTS, '"25781250000";"12";"4.6545E-10";"NotOccur";"0"'],
      [RESULTS, '"0";"0";"0.0000E+00";"Occur";"2"'],
    ], async (s) => {
      const b = await bert(s);
      expect(await b.results()).toEqual({ bits: 25781250000, errors: 12, ber: 4.6545e-10, sync: true, syncLost: false, syncLoss_s: 0 });
      const lost = await b.results();
      expect(lost).toMatchObject({ bits: 0, errors: 0, sync: false, syncLost: true, syncLoss_s: 2 });
      expect(lost.ber).toBeNaN();
    });
  });

  it('a malformed result is a ReplyFormatError naming the chained query and what was expected', async () => {
    await expectProtocol([IDN, [RESULTS, '"25781250000";"-";"0";"NotOccur";"0"']], async (s) => {
      const b = await bert(s);
      const err = await b.results().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplyFormatError);
      expect((err as Error).message).toMatch(/CURR:EC:TOT.*an error count \(a quoted whole number ≥ 0\)/);
    });
  });

  it('the decision threshold in V on the ED (for a threshold scan)', async () => {
    await expectProtocol([IDN,
      [`${ED};:INP:DATA:THR DATA,-0.025`, null], NO_ERROR,
      [`${ED};:INP:DATA:THR? DATA`, '-0.025'],
    ], async (s) => {
      const b = await bert(s);
      await b.setDecisionThreshold_V(-0.025);
      expect(await b.decisionThreshold_V()).toBe(-0.025);
      await expect(b.setDecisionThreshold_V(4)).rejects.toThrow(/decisionThreshold_V = 4 .*−3.5 … 3.3 V/);
    });
  });

  it('error insertion; safe() stops the measurement and the outputs, then confirms', async () => {
    await expectProtocol([IDN,
      [`${PPG};:SOUR:PATT:EADD:SING`, null], NO_ERROR,
      [`${ED};:SENS:MEAS:STOP`, null], NO_ERROR,
      [`${PPG};:SOUR:OUTP:ASET OFF`, null], NO_ERROR,
      [`${ED};:SENS:MEAS:EAL:STAT?`, '0'],
    ], async (s) => {
      const b = await bert(s);
      await b.insertError();
      await b.safe();
    });
  });
});
