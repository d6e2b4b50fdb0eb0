import { describe, expect, it } from 'vitest';
import { RealtimeClock } from '../../../../sim/clock.ts';
import { makeBench } from './bench-fixture.ts';
import { ask, askFloats, askNumber, errorCodes, errors, send } from './helpers.ts';

describe('Keysight laser: settings', () => {
  it('identifies itself; wavelength in m (any SI unit accepted), with MIN/MAX queries', async () => {
    const { laser } = makeBench();
    expect(await ask(laser, '*IDN?')).toMatch(/^Keysight Technologies,N7778C,/);
    await send(laser, ':SOUR0:WAV 1550.5NM');
    expect(await ask(laser, ':SOUR0:WAV?')).toBe('+1.55050000E-06');
    await send(laser, ':WAV 1.31E-6'); // SOURce is optional; 1.31 µm is outside the C+L laser
    await send(laser, ':SOURce0:CHANnel1:WAVelength 1.6UM');
    expect(await askNumber(laser, ':WAV?')).toBeCloseTo(1.6e-6, 15);
    expect(await askNumber(laser, ':SOUR0:WAV? MIN')).toBeCloseTo(1.48e-6, 15);
    expect(await askNumber(laser, ':SOUR0:WAV? MAX')).toBeCloseTo(1.64e-6, 15);
    expect(await errorCodes(laser)).toEqual([-222]);
  });

  it('power in dBm or W per POW:UNIT, explicit units honoured, −10…+13 dBm enforced', async () => {
    const { laser } = makeBench();
    await send(laser, ':SOUR0:POW 3DBM');
    expect(await askNumber(laser, ':SOUR0:POW?')).toBe(3);
    await send(laser, ':SOUR0:POW:UNIT 1');
    expect(await askNumber(laser, ':SOUR0:POW?')).toBeCloseTo(1.995e-3, 6);
    await send(laser, ':SOUR0:POW 0.001'); // bare number in the current unit: 1 mW
    await send(laser, ':SOUR0:POW:UNIT DBM');
    expect(await askNumber(laser, ':SOUR0:POW?')).toBeCloseTo(0, 9);
    await send(laser, ':SOUR0:POW 5MW');
    expect(await askNumber(laser, ':SOUR0:POW?')).toBeCloseTo(6.99, 2);
    await send(laser, ':SOUR0:POW 14DBM');
    await send(laser, ':SOUR0:POW -11');
    await send(laser, ':SOUR0:POW 3NM');
    await send(laser, ':SOUR0:POW');
    expect(await errorCodes(laser)).toEqual([-222, -222, -131, -109]);
  });

  it('switches the output, and the light reaches the world', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:POW 5DBM;:SOUR0:POW:STAT 1');
    expect(await ask(b.laser, ':SOUR0:POW:STAT?')).toBe('1');
    expect(b.world.laser.powerAt_W(b.clock.now_s())).toBeGreaterThan(0);
    await send(b.laser, ':SOUR0:POW:STAT OFF');
    expect(b.world.laser.powerAt_W(b.clock.now_s())).toBe(0);
  });

  it('*OPC? waits for a wavelength change to settle (10–50 ms of bench time)', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:WAV 1500NM;*OPC?');
    const t0 = b.clock.now_s();
    await send(b.laser, ':SOUR0:WAV 1600NM');
    await ask(b.laser, '*OPC?');
    const waited = b.clock.now_s() - t0;
    expect(waited).toBeGreaterThanOrEqual(0.01);
    expect(waited).toBeLessThanOrEqual(0.051);
  });

  it('refuses a slot other than 0/1 and sweep settings outside the model limits', async () => {
    const { laser } = makeBench();
    await send(laser, ':SOUR2:WAV 1550NM');
    await send(laser, ':SOUR0:WAV:SWE:SPE 300NM/S');
    await send(laser, ':SOUR0:WAV:SWE:SPE 0.1NM/S');
    await send(laser, ':SOUR0:WAV:SWE:MODE SIDEWAYS');
    await send(laser, ':SOUR0:WAV:SWE:STAR 1400NM');
    expect(await errorCodes(laser)).toEqual([-114, -222, -222, -224, -222]);
  });
});

describe('Keysight laser: sweeps', () => {
  it('reads back every sweep register in its unit', async () => {
    const { laser } = makeBench();
    await send(laser, ':SOUR0:WAV:SWE:MODE STEP;STAR 1530NM;STOP 1560NM;STEP 0.5NM;SPE 5NM/S;DWEL 20MS;CYCL 2;REP TWOW;LLOG 0');
    await send(laser, ':TRIG0:OUTP SWF;:TRIG0:INP IGN');
    expect(await ask(laser, ':SOUR0:WAV:SWE:MODE?;STAR?;STOP?;STEP?;SPE?;DWEL?;CYCL?;REP?;LLOG?')).toBe(
      'STEP;+1.53000000E-06;+1.56000000E-06;+5.00000000E-10;+5.00000000E-09;+2.00000000E-02;2;TWOW;0',
    );
    expect(await ask(laser, ':TRIG0:OUTP?;:TRIG0:INP?')).toBe('SWF;IGN');
    expect(await askNumber(laser, ':SOUR0:WAV:SWE:EXP?')).toBe(1); // one pulse at the sweep's end
    await send(laser, ':TRIG0:OUTP STF');
    expect(await askNumber(laser, ':SOUR0:WAV:SWE:EXP?')).toBe(61 * 2 * 2);
  });

  it('checks the sweep parameters with the documented reason codes', async () => {
    const { laser } = makeBench();
    await send(laser, ':SOUR0:WAV:SWE:MODE CONT;STAR 1560NM;STOP 1540NM');
    expect(await ask(laser, ':SOUR0:WAV:SWE:CHEC?')).toMatch(/^368,/);
    await send(laser, ':SOUR0:WAV:SWE:STAR 1520NM;STEP 30NM');
    expect(await ask(laser, ':SOUR0:WAV:SWE:CHEC?')).toMatch(/^369,/);
    await send(laser, ':SOUR0:WAV:SWE:STEP 0.0001NM;SPE 200NM/S');
    expect(await ask(laser, ':SOUR0:WAV:SWE:CHEC?')).toMatch(/^370,/);
    await send(laser, ':SOUR0:WAV:SWE:STEP 0.01NM;SPE 10NM/S;LLOG 1');
    expect(await ask(laser, ':SOUR0:WAV:SWE:CHEC?')).toMatch(/^371,.*STF/);
    await send(laser, ':TRIG0:OUTP STF');
    expect(await ask(laser, ':SOUR0:WAV:SWE:CHEC?')).toBe('0,OK');
    expect(await askNumber(laser, ':SOUR0:WAV:SWE:EXP?')).toBe(2001);
    await send(laser, ':SOUR0:WAV:SWE:MODE STEP');
    expect(await ask(laser, ':SOUR0:WAV:SWE:CHEC?')).toMatch(/^372,/);
  });

  it('a continuous sweep takes span/speed (+ preparation) of bench time; WAV:SWE? jumps to its end', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:WAV 1540NM;:SOUR0:POW:STAT 1;:SOUR0:WAV:SWE:STAR 1540NM;STOP 1580NM;SPE 40NM/S');
    await ask(b.laser, '*OPC?');
    const t0 = b.clock.now_s();
    await send(b.laser, ':SOUR0:WAV:SWE STAR');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE?')).toBe('0');
    const spent = b.clock.now_s() - t0;
    expect(spent).toBeGreaterThanOrEqual(1);
    expect(spent).toBeLessThan(1.2);
    expect(await ask(b.laser, ':SOUR0:WAV:SWE:STAT?')).toBe('0');
  });

  it('the sweep flag goes odd when armed and even when done; SWS input waits for the soft trigger', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:POW:STAT 1;:SOUR0:WAV:SWE:STAR 1540NM;STOP 1545NM;SPE 5NM/S;:TRIG0:INP SWS');
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE:FLAG?')).toBe('1');
    const t = b.clock.now_s();
    expect(await ask(b.laser, ':SOUR0:WAV:SWE:FLAG?')).toBe('1'); // waits for the trigger: no jump
    expect(await ask(b.laser, ':SOUR0:WAV:SWE?')).toBe('1');
    expect(b.clock.now_s() - t).toBeLessThan(0.01);
    await send(b.laser, ':SOUR0:WAV:SWE:SOFT');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE:FLAG?')).toBe('2');
    expect(b.clock.now_s() - t).toBeGreaterThanOrEqual(1);
    await send(b.laser, ':SOUR0:WAV:SWE:SOFT');
    expect(await errorCodes(b.laser)).toEqual([-221]);
  });

  it('records the lambda log (float64 m) of a completed sweep; none before, none for an aborted one', async () => {
    const b = makeBench();
    expect(await send(b.laser, ':SOUR0:READ:DATA? LLOG')).toBeUndefined();
    await send(b.laser, ':SOUR0:POW:STAT 1;:SOUR0:WAV:SWE:STAR 1550NM;STOP 1551NM;STEP 0.1NM;SPE 1NM/S;LLOG 1;:TRIG0:OUTP STF');
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    await ask(b.laser, '*OPC?');
    const wl = await askFloats(b.laser, ':SOUR0:READ:DATA? LLOG', 'float64');
    expect(wl).toHaveLength(11);
    expect(wl[5]).toBeCloseTo(1550.5e-9, 12);
    expect(await askNumber(b.laser, ':SOUR0:READ:POIN? LLOG')).toBe(11);
    await send(b.laser, ':SOUR0:WAV:SWE 1;:SOUR0:WAV:SWE 0');
    expect(await askFloats(b.laser, ':SOUR0:READ:DATA? LLOG', 'float64')).toHaveLength(11); // still the last completed sweep
    expect(await errorCodes(b.laser)).toEqual([-221]);
  });

  it('refuses to start with inconsistent parameters or the output off', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    await send(b.laser, ':SOUR0:POW:STAT 1;:SOUR0:WAV:SWE:STAR 1560NM;STOP 1550NM');
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    await send(b.laser, ':SOUR0:WAV:SWE MAYBE');
    const e = await errors(b.laser);
    expect(e[0]).toMatch(/^-221,".*output is off/);
    expect(e[1]).toMatch(/^-221,".*368/);
    expect(e[2]).toMatch(/^-224,/);
  });

  it('in real time, WAV:SWE? reports 1 while the sweep runs', async () => {
    const b = makeBench(58, { clock: new RealtimeClock() });
    await send(b.laser, ':SOUR0:POW:STAT 1;:SOUR0:WAV 1550NM;:SOUR0:WAV:SWE:STAR 1550NM;STOP 1551NM;SPE 5NM/S');
    await ask(b.laser, '*OPC?');
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE?')).toBe('1');
    const wall0 = performance.now();
    expect(await ask(b.laser, '*OPC?')).toBe('1');
    expect(performance.now() - wall0).toBeGreaterThan(150); // ~0.25 s of sweep left
    expect(await ask(b.laser, ':SOUR0:WAV:SWE?')).toBe('0');
  });
});

describe('Keysight laser: interlock', () => {
  it('a trip switches the output off with an error; ON is refused until the interlock is reset', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:POW:STAT 1');
    b.faults.tripInterlock();
    expect(await ask(b.laser, ':SOUR0:POW:STAT?')).toBe('0');
    await send(b.laser, ':SOUR0:POW:STAT 1');
    const e = await errors(b.laser);
    expect(e[0]).toMatch(/^-240,"Hardware error;laser interlock open/);
    expect(e[1]).toMatch(/^-240,.*interlock is open/);
    b.faults.resetInterlock();
    expect(await ask(b.laser, ':SOUR0:POW:STAT?')).toBe('0');
    await send(b.laser, ':SOUR0:POW:STAT 1');
    expect(await ask(b.laser, ':SOUR0:POW:STAT?')).toBe('1');
    expect(await errorCodes(b.laser)).toEqual([]);
  });
});
