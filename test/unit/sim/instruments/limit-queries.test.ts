// `? MIN|MAX|DEF` on numeric settings (SCPI-99 7.2.1.2; the Keysight 816x/N77xx guides): the query answers
// the limit instead of the present value, in the unit the setting answers in; settings without a numeric
// range refuse the parameter.
import { describe, expect, it } from 'vitest';
import { makeBench } from './bench-fixture.ts';
import { ask, askNumber, errorCodes, send } from './helpers.ts';

describe('Keysight laser: MIN|MAX|DEF queries', () => {
  it('wavelength and power answer the model limits and *RST values, power in the unit POW:UNIT selects', async () => {
    const { laser } = makeBench();
    await send(laser, ':SOUR0:WAV 1600NM;:SOUR0:POW 5DBM');
    expect(await ask(laser, ':SOUR0:WAV? MIN;:SOUR0:WAV? MAX;:SOUR0:WAV? DEF;:SOUR0:WAV?')).toBe(
      '+1.48000000E-06;+1.64000000E-06;+1.55000000E-06;+1.60000000E-06',
    );
    expect(await ask(laser, ':SOUR0:POW? MIN;:SOUR0:POW? MAXIMUM;:SOUR0:POW? DEF')).toBe('-1.00000000E+01;+1.30000000E+01;+0.00000000E+00');
    await send(laser, ':SOUR0:POW:UNIT W');
    expect(await askNumber(laser, ':SOUR0:POW? MAX')).toBeCloseTo(10 ** 1.3 * 1e-3, 9); // 13 dBm = 19.95 mW
    expect(await askNumber(laser, ':SOUR0:POW? MIN')).toBeCloseTo(1e-4, 12);
    expect(await errorCodes(laser)).toEqual([]);
  });

  it('every numeric sweep register answers its limits (the speed range is the model’s 0.5–200 nm/s, not the setting)', async () => {
    const { laser } = makeBench();
    await send(laser, ':SOUR0:WAV:SWE:SPE 40NM/S;STEP 0.5NM;STAR 1530NM;STOP 1570NM;DWEL 2S;CYCL 7');
    expect(await ask(laser, ':SOUR0:WAV:SWE:SPE? MIN;SPE? MAX;SPE? DEF;SPE?')).toBe('+5.00000000E-10;+2.00000000E-07;+1.00000000E-08;+4.00000000E-08');
    expect(await ask(laser, ':SOUR0:WAV:SWE:STEP? MIN;STEP? MAX;STEP? DEF;STEP?')).toBe('+1.00000000E-13;+1.60000000E-07;+1.00000000E-10;+5.00000000E-10');
    expect(await ask(laser, ':SOUR0:WAV:SWE:STAR? MIN;STAR? MAX;STAR? DEF;STOP? MIN;STOP? MAX;STOP? DEF')).toBe(
      '+1.48000000E-06;+1.64000000E-06;+1.52000000E-06;+1.48000000E-06;+1.64000000E-06;+1.58000000E-06',
    );
    expect(await ask(laser, ':SOUR0:WAV:SWE:DWEL? MIN;DWEL? MAX;DWEL?;CYCL? MIN;CYCL? MAX;CYCL? DEF;CYCL?')).toBe(
      '+0.00000000E+00;+1.00000000E+03;+2.00000000E+00;1;1000;1;7',
    );
    // The same words set the limits.
    await send(laser, ':SOUR0:WAV:SWE:SPE MAX;STEP MIN;DWEL DEF');
    expect(await ask(laser, ':SOUR0:WAV:SWE:SPE?;STEP?;DWEL?')).toBe('+2.00000000E-07;+1.00000000E-13;+1.00000000E-01');
    expect(await errorCodes(laser)).toEqual([]);
  });

  it('refuses other words (-224), a second parameter (-108), and MIN on settings without a range (-108)', async () => {
    const { laser } = makeBench();
    await send(laser, ':SOUR0:WAV:SWE:SPE? FASTEST');
    await send(laser, ':SOUR0:WAV? MIN,MAX');
    await send(laser, ':SOUR0:POW:STAT? MAX');
    await send(laser, ':SOUR0:WAV:SWE:MODE? MIN');
    expect(await errorCodes(laser)).toEqual([-224, -108, -108, -108]);
  });
});

describe('Keysight VOA: MIN|MAX|DEF queries', () => {
  it('attenuation limits include the offset: MIN = DEF = offset (0 dB filter), MAX = offset + 60 dB', async () => {
    const { voa } = makeBench();
    expect(await ask(voa, ':INP1:ATT? MIN;:INP1:ATT? MAX;:INP1:ATT? DEF')).toBe('+0.00000000E+00;+6.00000000E+01;+0.00000000E+00');
    await send(voa, ':INP1:OFFS 2.5DB;:INP1:ATT 10DB');
    expect(await ask(voa, ':INP1:ATT? MIN;:INP1:ATT? MAX;:INP1:ATT? DEF;:INP1:ATT?')).toBe(
      '+2.50000000E+00;+6.25000000E+01;+2.50000000E+00;+1.00000000E+01',
    );
    await send(voa, ':INP1:ATT MAX');
    expect(await askNumber(voa, ':INP1:ATT?')).toBe(62.5);
    expect(await ask(voa, ':INP1:OFFS? MIN;:INP1:OFFS? MAX;:INP1:OFFS? DEF')).toBe('-2.00000000E+02;+2.00000000E+02;+0.00000000E+00');
    expect(await errorCodes(voa)).toEqual([]);
  });

  it('calibration wavelength and power setpoint answer their ranges; the setpoint’s in the power unit', async () => {
    const { voa } = makeBench();
    expect(await ask(voa, ':INP1:WAV? MIN;:INP1:WAV? MAX;:INP1:WAV? DEF')).toBe('+1.26000000E-06;+1.64000000E-06;+1.55000000E-06');
    expect(await ask(voa, ':OUTP1:POW? MIN;:OUTP1:POW? MAX;:OUTP1:POW? DEF')).toBe('-6.00000000E+01;+2.00000000E+01;+2.00000000E+01');
    await send(voa, ':OUTP1:POW:UNIT 1');
    expect(await askNumber(voa, ':OUTP1:POW? MAX')).toBeCloseTo(0.1, 12);
    expect(await askNumber(voa, ':OUTP1:POW? MIN')).toBeCloseTo(1e-9, 18);
    await send(voa, ':OUTP1:POW MIN');
    expect(await ask(voa, ':OUTP1:POW:CONTR?')).toBe('1');
    expect(await askNumber(voa, ':OUTP1:POW?')).toBeCloseTo(1e-9, 18);
    await send(voa, ':INP1:ATT? LOUDEST');
    await send(voa, ':OUTP1:STAT? MAX');
    expect(await errorCodes(voa)).toEqual([-224, -108]);
  });
});

describe('BERT: MIN|MAX|DEF queries', () => {
  it('FREQ? and RATE? are one setting: the same value and the same 1–116 GHz limits, settable by either name', async () => {
    const { bert } = makeBench();
    expect(await ask(bert, ':SOUR1:FREQ? MIN;:SOUR1:FREQ? MAX;:SOUR1:FREQ? DEF')).toBe('+1.00000000E+09;+1.16000000E+11;+2.57812500E+10');
    expect(await ask(bert, ':SOUR1:RATE? MIN;:SOUR1:RATE? MAX;:SOUR1:RATE? DEF')).toBe('+1.00000000E+09;+1.16000000E+11;+2.57812500E+10');
    await send(bert, ':SOUR1:RATE 53.125GHZ');
    expect(await ask(bert, ':SOUR1:FREQ?;:SOUR1:RATE?')).toBe('+5.31250000E+10;+5.31250000E+10');
    await send(bert, ':SOUR1:FREQ MAX');
    expect(await askNumber(bert, ':SOUR1:RATE?')).toBe(116e9);
    await send(bert, ':SOUR1:RATE 117GHZ');
    await send(bert, ':SOUR1:RATE? TOP');
    expect(await errorCodes(bert)).toEqual([-222, -224]);
  });

  it('gate period and bit count answer their limits', async () => {
    const { bert } = makeBench();
    expect(await ask(bert, ':SENS1:GATE:PER? MIN;:SENS1:GATE:PER? MAX;:SENS1:GATE:PER? DEF')).toBe('+1.00000000E-03;+1.00000000E+06;+1.00000000E+00');
    expect(await ask(bert, ':SENS1:GATE:BITS? MIN;:SENS1:GATE:BITS? MAX;:SENS1:GATE:BITS? DEF')).toBe('+1.00000000E+03;+1.00000000E+17;+1.00000000E+12');
    await send(bert, ':SENS1:GATE:MODE? MIN');
    expect(await errorCodes(bert)).toEqual([-108]);
  });
});
