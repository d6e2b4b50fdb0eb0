import { describe, expect, it } from 'vitest';
import { KeysightMeter } from '../../../../sim/instruments/meter-keysight.ts';
import { makeWorld } from '../world/fixtures.ts';
import { ask, askNumber, errorCodes, send } from './helpers.ts';

function meter(): KeysightMeter {
  const f = makeWorld(31);
  return new KeysightMeter(f.world, f.clock);
}

describe('Keysight meter: settings in the N77xx dialect', () => {
  it('identifies itself and answers the common commands', async () => {
    const m = meter();
    expect(await ask(m, '*IDN?')).toMatch(/^Keysight Technologies,N7744A,/);
    expect(await ask(m, '*OPC?')).toBe('1');
    expect(m.role).toBe('meter');
  });

  it('sets and reads the wavelength in metres, accepting SI-prefixed units and MIN/MAX', async () => {
    const m = meter();
    await send(m, ':SENS1:CHAN1:POW:WAV 1310NM');
    expect(await askNumber(m, ':SENS1:CHAN1:POW:WAV?')).toBeCloseTo(1.31e-6, 15);
    await send(m, ':sense2:power:wavelength 1.5e-6');
    expect(await ask(m, ':SENS2:POW:WAV?')).toBe('+1.50000000E-06');
    await send(m, ':SENS3:POW:WAV MAX');
    expect(await askNumber(m, ':SENS3:POW:WAV?')).toBeCloseTo(1.65e-6, 15);
    expect(await errorCodes(m)).toEqual([]);
  });

  it('sets unit (0 dBm / 1 W), averaging time (µs…s), auto range and manual range in 10 dB steps', async () => {
    const m = meter();
    await send(m, ':SENS1:CHAN1:POW:UNIT 1;ATIME 10MS;RANG:AUTO 0');
    expect(await ask(m, ':SENS1:CHAN1:POW:UNIT?;ATIME?;RANG:AUTO?')).toBe('1;+1.00000000E-02;0');
    await send(m, ':SENS1:POW:UNIT DBM');
    expect(await ask(m, ':SENS1:POW:UNIT?')).toBe('0');
    await send(m, ':SENS1:POW:RANG -17DBM');
    expect(await askNumber(m, ':SENS1:POW:RANG?')).toBe(-20);
    await send(m, ':SENS1:POW:RANG:AUTO ON');
    expect(await ask(m, ':SENS1:POW:RANG:AUTO?')).toBe('1');
    await send(m, ':SENS4:POW:ATIM 1US');
    expect(await askNumber(m, ':SENS4:POW:ATIM?')).toBeCloseTo(1e-6, 15);
  });

  it('refuses bad values with the standard codes', async () => {
    const m = meter();
    await send(m, ':SENS1:CHAN1:POW:WAV 2000NM'); // out of the detector's range
    await send(m, ':SENS1:CHAN1:POW:WAV 1550DBM'); // wrong unit
    await send(m, ':SENS1:CHAN1:POW:ATIME'); // missing value
    await send(m, ':SENS5:CHAN1:POW:ATIME 1MS'); // no port 5
    await send(m, ':SENS1:CHAN2:POW:ATIME 1MS'); // N77 meters have channel 1 only
    await send(m, ':SENS1:POW:ATIME 20S'); // longer than 10 s
    await send(m, ':SENS1:POW:UNIT MW'); // not a unit choice
    await send(m, ':SENS1:POW:RANG 20DBM');
    await send(m, ':SENS1:POW:WAVE 1550NM'); // not a mnemonic
    expect(await errorCodes(m)).toEqual([-222, -131, -109, -114, -114, -222, -224, -222, -113]);
  });

  it('configures trigger input/output and continuous measurement per port', async () => {
    const m = meter();
    await send(m, ':TRIG1:INP SME;:TRIG2:INP CMEasure;:TRIG1:OUTP DIS;:INIT1:CONT 0');
    expect(await ask(m, ':TRIG1:INP?;:TRIG2:INP?;:TRIG3:INP?;:TRIG1:OUTP?;:INIT1:CONT?')).toBe('SME;CME;IGN;DIS;0');
    await send(m, ':TRIG1:INP SOMETIMES');
    expect(await errorCodes(m)).toEqual([-224]);
  });

  it('sets and reads the logging parameters, checking the point count', async () => {
    const m = meter();
    await send(m, ':SENS1:CHAN1:FUNC:PAR:LOGG 500,100US');
    expect(await ask(m, ':SENS1:CHAN1:FUNC:PAR:LOGG?')).toBe('500,+1.00000000E-04');
    await send(m, ':SENS1:CHAN1:FUNC:PAR:LOGG 0,1MS');
    await send(m, ':SENS1:CHAN1:FUNC:PAR:LOGG 2000000,1MS');
    await send(m, ':SENS1:CHAN1:FUNC:PAR:LOGG 10');
    await send(m, ':SENS1:CHAN1:FUNC:PAR:LOGG 1.5,1MS');
    await send(m, ':SENS1:CHAN1:FUNC:STAT STAB,STAR');
    expect(await errorCodes(m)).toEqual([-222, -222, -109, -104, -224]);
  });

  it('*RST restores the defaults of every port', async () => {
    const m = meter();
    await send(m, ':SENS2:POW:UNIT 1;ATIME 1MS;:TRIG2:INP SME');
    await send(m, '*RST');
    expect(await ask(m, ':SENS2:POW:UNIT?;ATIME?;:TRIG2:INP?')).toBe('0;+1.00000000E-01;IGN');
  });
});
