// The simulated BERT in its default dialect, the Anritsu MP1900A's: module selection, PPG and ED settings
// in their documented forms, quoted results, and refusals that name what was wrong.
import { describe, expect, it } from 'vitest';
import { align, lightUp, makeBench } from './bench-fixture.ts';
import { ask, errorCodes, errors, send } from './helpers.ts';

const PPG = ':UENT:ID 1;:MOD:ID 1';
const ED = ':UENT:ID 1;:MOD:ID 2';

function mp1900a(seed = 51) {
  return makeBench(seed, { bertDialect: 'mp1900a' });
}

describe('simulated MP1900A: settings', () => {
  it('answers *IDN? as an MP1900A and keeps PPG and ED settings per module', async () => {
    const b = mp1900a();
    expect(await ask(b.bert, '*IDN?')).toBe('ANRITSU,MP1900A,6201900123,2.05.00');
    await send(b.bert, `${PPG};:SOUR:PATT:TYPE PRBS;:SOUR:PATT:PRBS:LENG 15;:OUTP:DATA:BITR 53.125;:SOUR:OUTP:ASET ON`);
    expect(await ask(b.bert, `${PPG};:SOUR:PATT:TYPE?;:SOUR:PATT:PRBS:LENG?;:OUTP:DATA:BITR?;:SOUR:OUTP:ASET?`)).toBe('PRBS;15;53.125000;1');
    await send(b.bert, `${ED};:SENS:PATT:PRBS:LENGTH 15;:SENS:MEAS:EAL:MODE SING;:SENS:MEAS:EAL:UNIT TIME;:SENS:MEAS:EAL:PER 0,0,1,56`);
    expect(await ask(b.bert, `${ED};:SENS:PATT:PRBS:LENG?;:SENS:MEAS:EAL:UNIT?;:SENS:MEAS:EAL:PER?;:SENS:MEAS:EAL:MODE?`)).toBe('15;TIME;0,0,1,56;SING');
    await send(b.bert, `${ED};:SENS:MEAS:EAL:UNIT CLOC;:SENS:MEAS:EAL:CLOC E_12`);
    expect(await ask(b.bert, `${ED};:SENS:MEAS:EAL:UNIT?;:SENS:MEAS:EAL:CLOC?`)).toBe('CLOC;E_12');
    expect(await errors(b.bert)).toEqual([]);
  });

  it('refuses a command sent to the wrong module, an empty slot, and values outside the manual\'s forms', async () => {
    const b = mp1900a();
    await send(b.bert, `${ED};:SOUR:PATT:PRBS:LENG 31`);
    await send(b.bert, ':MOD:ID 5');
    await send(b.bert, `${PPG};:SOUR:PATT:PRBS:LENG 9`);
    await send(b.bert, `${PPG};:OUTP:DATA:BITR 200`);
    await send(b.bert, `${ED};:SENS:MEAS:EAL:PER 0,0,0,0`);
    await send(b.bert, `${ED};:SENS:MEAS:EAL:PER 0,25,0,0`);
    await send(b.bert, `${ED};:SENS:MEAS:EAL:CLOC E_2`);
    await send(b.bert, `${ED};:CALC:DATA:EAL? "CURR:XX:TOT"`);
    expect(await errorCodes(b.bert)).toEqual([-221, -222, -224, -222, -222, -222, -224, -224]);
  });
});

describe('simulated MP1900A: measurements', () => {
  async function linked(seed = 52) {
    const b = mp1900a(seed);
    align(b);
    await lightUp(b, { power_dBm: 13, att_dB: 0 });
    await send(b.bert, `${PPG};:SOUR:PATT:PRBS:LENG 7;:OUTP:DATA:BITR 25.78125;:SOUR:OUTP:ASET ON;${ED};:SENS:PATT:PRBS:LENG 7`);
    return b;
  }

  it('a 10 s timed measurement counts rate × 10 s clocks; results are quoted; STAT? ends it in fast mode', async () => {
    const b = await linked();
    await send(b.bert, `${ED};:SENS:MEAS:EAL:MODE SING;:SENS:MEAS:EAL:UNIT TIME;:SENS:MEAS:EAL:PER 0,0,0,10;:SENS:MEAS:STAR`);
    expect(await ask(b.bert, `${ED};:SENS:MEAS:EAL:STAT?`)).toBe('0');
    const r = await ask(b.bert, `${ED};:CALC:DATA:EAL? "CURR:CC:TOT";:CALC:DATA:EAL? "CURRENT:EC:TOTAL";:CALC:DATA:EAL? "CURR:ER:TOT";:CALC:DATA:MON? "PSL";:CALC:DATA:EAL? "CURR:AINT:PSL"`);
    expect(r).toBe('"257812500000";"0";"0.0000E+00";"NotOccur";"0"');
  });

  it('an untimed measurement runs until stopped, its counts growing as bench time passes; an added error is counted', async () => {
    const b = await linked();
    await send(b.bert, `${ED};:SENS:MEAS:EAL:MODE UNT;:SENS:MEAS:STAR`);
    await b.clock.advance(2);
    expect(await ask(b.bert, `${ED};:SENS:MEAS:EAL:STAT?`)).toBe('1');
    await send(b.bert, `${PPG};:SOUR:PATT:EADD:SING`);
    await b.clock.advance(1);
    await send(b.bert, `${ED};:SENS:MEAS:STOP`);
    const [cc = '', ec = ''] = (await ask(b.bert, `${ED};:CALC:DATA:EAL? "CURR:CC:TOT";:CALC:DATA:EAL? "CURR:EC:TOT"`)).split(';');
    expect(Number(JSON.parse(cc))).toBeGreaterThan(3 * 25.78125e9 * 0.999);
    expect(JSON.parse(ec)).toBe('1');
    expect(await ask(b.bert, `${ED};:SENS:MEAS:EAL:STAT?`)).toBe('0');
  });

  it('a lost sync is Occur now and counted in sync-loss seconds; no error is queued for it', async () => {
    const b = await linked();
    b.faults.loseBertSync();
    await send(b.bert, `${ED};:SENS:MEAS:EAL:MODE SING;:SENS:MEAS:EAL:UNIT TIME;:SENS:MEAS:EAL:PER 0,0,0,3;:SENS:MEAS:STAR`);
    await ask(b.bert, `${ED};:SENS:MEAS:EAL:STAT?`);
    expect(await ask(b.bert, `${ED};:CALC:DATA:MON? "PSL";:CALC:DATA:EAL? "CURR:AINT:PSL"`)).toBe('"Occur";"3"');
    expect(await errors(b.bert)).toEqual([]);
  });
});
