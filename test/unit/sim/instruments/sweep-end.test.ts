// What the laser does at the end of a sweep: it holds the sweep speed through the stop wavelength and runs
// out past it, so every triggered meter sample sees the swept light (the last one included); then it moves
// back to the start wavelength, which is its static wavelength from then on.
import { describe, expect, it } from 'vitest';
import { align, lightUp, makeBench } from './bench-fixture.ts';
import { ask, askFloats, askNumber, send } from './helpers.ts';

const dB = (w: number): number => 10 * Math.log10(w);

describe('end of a continuous sweep', () => {
  it('the last triggered sample averages light at the stop wavelength, not light after the laser left it', async () => {
    const b = makeBench(54);
    align(b);
    await lightUp(b, { wavelength_nm: 1550 });
    // 1590 nm is far down the grating's skirt; the laser's CW setting (1550 nm) is near its peak.
    await send(b.meter, ':SENS1:POW:UNIT 1;:TRIG1:INP SME;:SENS1:FUNC:PAR:LOGG 101,4MS;:SENS1:FUNC:STAT LOGG,STAR');
    await send(b.laser, ':SOUR0:WAV:SWE:MODE CONT;STAR 1580NM;STOP 1590NM;STEP 0.1NM;SPE 20NM/S;:TRIG0:OUTP STF');
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('LOGGING_STABILITY,COMPLETE');
    const p = await askFloats(b.meter, ':SENS1:FUNC:RES?', 'float32');
    expect(p).toHaveLength(101);
    const t = b.clock.now_s();
    const transmission = (nm: number): number => b.world.chip.response(b.world.fiberPosition(t), nm, t).transmission;
    // A sample that caught the laser on its way back towards 1550 nm would read far more than its neighbour.
    expect(dB(transmission(1550)) - dB(transmission(1590))).toBeGreaterThan(10);
    // The skirt is smooth over 0.1 nm: the last sample reads like the one before it.
    expect(Math.abs(dB(p[100]!) - dB(p[99]!))).toBeLessThan(0.3);
  });

  it('Keysight: WAV? reads the start wavelength after the sweep, and *OPC? waits until the laser is back there', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:WAV 1550NM;:SOUR0:POW:STAT 1;:SOUR0:WAV:SWE:MODE CONT;STAR 1530NM;STOP 1570NM;SPE 40NM/S');
    await ask(b.laser, '*OPC?');
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE?')).toBe('0');
    const ended = b.clock.now_s();
    // Still on its way back from beyond 1570 nm.
    expect(b.world.laser.wavelengthAt_nm(ended)).toBeGreaterThan(1569);
    expect(await ask(b.laser, '*OPC?')).toBe('1');
    const back = b.clock.now_s() - ended;
    expect(back).toBeGreaterThan(0.4); // 40 nm at the 100 nm/s slew
    expect(back).toBeLessThan(0.5);
    expect(await askNumber(b.laser, ':SOUR0:WAV?')).toBeCloseTo(1530e-9, 15);
    const offset_nm = b.world.truth().laser.wavelengthOffset_pm * 1e-3;
    expect(b.world.laser.wavelengthAt_nm(b.clock.now_s())).toBeCloseTo(1530 + offset_nm, 9);
  });

  it('a sweep stopped early also goes back to its start wavelength', async () => {
    const b = makeBench();
    await send(b.laser, ':SOUR0:WAV 1550NM;:SOUR0:POW:STAT 1;:SOUR0:WAV:SWE:MODE CONT;STAR 1530NM;STOP 1570NM;SPE 10NM/S;*OPC?');
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    await b.clock.advance(2); // preparation, then ~1.7 s of sweep
    await send(b.laser, ':SOUR0:WAV:SWE 0');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE?;*OPC?;:SOUR0:WAV?')).toBe('0;1;+1.53000000E-06');
  });
});
