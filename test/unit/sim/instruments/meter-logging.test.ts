import { describe, expect, it } from 'vitest';
import { align, lightUp, makeBench } from './bench-fixture.ts';
import { ask, askFloats, askNumber, errorCodes, send } from './helpers.ts';

describe('Keysight meter: logging function', () => {
  it('IGN: logs n samples back to back; FUNC:STAT? jumps (fast mode) to completion; RES? is float32 W', async () => {
    const b = makeBench();
    align(b);
    await lightUp(b);
    await send(b.meter, ':TRIG1:INP IGN;:SENS1:CHAN1:FUNC:PAR:LOGG 200,1MS');
    await send(b.meter, ':SENS1:POW:UNIT 1;:SENS1:CHAN1:FUNC:STAT LOGG,STAR');
    const t0 = b.clock.now_s();
    expect(await ask(b.meter, ':SENS1:CHAN1:FUNC:STAT?')).toBe('LOGGING_STABILITY,COMPLETE');
    expect(b.clock.now_s() - t0).toBeCloseTo(0.2, 9); // the log started 0.2 s before it completes
    const w = await askFloats(b.meter, ':SENS1:CHAN1:FUNC:RES?', 'float32');
    expect(w).toHaveLength(200);
    const truth = b.world.powerAtMeter_W(1, t0);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    expect(mean / truth).toBeCloseTo(1, 2); // 2 % noise per 1 ms sample, averaged over 200
    for (const v of w) expect(Math.abs(v / truth - 1)).toBeLessThan(0.12);
    expect(await errorCodes(b.meter)).toEqual([]);
  });

  it('sees a fly scan: logging while the stage moves traces the coupling profile along the trajectory', async () => {
    const b = makeBench(52);
    await lightUp(b);
    const o = b.world.truth().optimaNow_um[0]!;
    await send(b.meter, ':SENS1:FUNC:PAR:LOGG 101,10MS');
    await send(b.meter, ':SENS1:POW:UNIT 1;:SENS1:FUNC:STAT LOGG,STAR');
    const t0 = b.clock.now_s();
    // 20 µm/s through the optimum, centred in the middle of the log
    b.stage.path = (axis, t) => (axis === 'X' ? o.x_um - 10 + 20 * (t - t0) : axis === 'Y' ? o.y_um : o.z_um);
    await ask(b.meter, ':SENS1:FUNC:STAT?');
    const w = await askFloats(b.meter, ':SENS1:FUNC:RES?', 'float32');
    const peak = w.indexOf(Math.max(...w));
    expect(Math.abs(peak - 50)).toBeLessThanOrEqual(2);
    expect(w[0]! / w[peak]!).toBeLessThan(0.01);
  });

  it('SME: one sample per laser step trigger of a continuous sweep, completing at the last trigger', async () => {
    const b = makeBench(53);
    align(b);
    await lightUp(b);
    await send(b.meter, ':SENS1:POW:UNIT 1;:TRIG1:INP SME;:SENS1:FUNC:PAR:LOGG 401,100US;:SENS1:FUNC:STAT LOGG,STAR');
    await send(b.laser, ':SOUR0:WAV:SWE:MODE CONT;STAR 1530NM;STOP 1570NM;STEP 0.1NM;SPE 20NM/S;LLOG 1;:TRIG0:OUTP STF');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE:CHEC?')).toBe('0,OK');
    expect(await askNumber(b.laser, ':SOUR0:WAV:SWE:EXP?')).toBe(401);
    await send(b.laser, ':SOUR0:WAV:SWE 1');
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('LOGGING_STABILITY,COMPLETE');
    expect(await ask(b.laser, ':SOUR0:WAV:SWE?')).toBe('0');
    const p = await askFloats(b.meter, ':SENS1:FUNC:RES?', 'float32');
    const wl = await askFloats(b.laser, ':SOUR0:READ:DATA? LLOG', 'float64');
    expect(p).toHaveLength(401);
    expect(wl).toHaveLength(401);
    expect(wl[0]).toBeCloseTo(1530e-9, 12);
    expect(wl[400]).toBeCloseTo(1570e-9, 12);
    // the logged spectrum is the chip's transmission at the logged wavelengths, within the meter noise
    const offset_nm = b.world.truth().laser.wavelengthOffset_pm * 1e-3;
    const pos = b.world.fiberPosition(b.clock.now_s());
    const ratio = p.map((v, k) => v / b.world.chip.response(pos, wl[k]! * 1e9 + offset_nm, b.clock.now_s()).transmission);
    const mean = ratio.reduce((s, r) => s + r, 0) / ratio.length;
    const rms = Math.sqrt(ratio.reduce((s, r) => s + (r / mean - 1) ** 2, 0) / ratio.length);
    expect(rms).toBeLessThan(0.06); // 100 µs averaging: ≤ 5 % noise, plus ≤ 2 % responsivity slope
    expect(Math.max(...p) / Math.min(...p)).toBeGreaterThan(1.5);
  });

  it('SME: triggers arriving while a sample is still averaging are ignored, so the log stays in progress', async () => {
    const b = makeBench(54);
    align(b);
    await lightUp(b);
    // 10 ms averaging but a trigger every 5 ms (0.1 nm at 20 nm/s): every other trigger is lost
    await send(b.meter, ':SENS1:POW:UNIT 1;:TRIG1:INP SME;:SENS1:FUNC:PAR:LOGG 101,10MS;:SENS1:FUNC:STAT LOGG,STAR');
    await send(b.laser, ':SOUR0:WAV:SWE:STAR 1540NM;STOP 1550NM;STEP 0.1NM;SPE 20NM/S;:TRIG0:OUTP STF;:SOUR0:WAV:SWE 1');
    await ask(b.laser, ':SOUR0:WAV:SWE?');
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('LOGGING_STABILITY,PROGRESS');
    await b.clock.advance(0.05); // the last accepted trigger's sample finishes averaging
    expect((await askFloats(b.meter, ':SENS1:FUNC:RES?', 'float32')).length).toBe(51);
  });

  it('CME: the first trigger starts continuous logging', async () => {
    const b = makeBench(55);
    align(b);
    await lightUp(b);
    await send(b.meter, ':SENS1:POW:UNIT 1;:TRIG1:INP CME;:SENS1:FUNC:PAR:LOGG 50,1MS;:SENS1:FUNC:STAT LOGG,STAR');
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('LOGGING_STABILITY,PROGRESS'); // no trigger yet
    await send(b.laser, ':SOUR0:WAV:SWE:STAR 1540NM;STOP 1541NM;SPE 10NM/S;:TRIG0:OUTP SWST;:SOUR0:WAV:SWE 1');
    const t0 = b.clock.now_s();
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('LOGGING_STABILITY,COMPLETE');
    expect(b.clock.now_s() - t0).toBeGreaterThan(0.05); // waited for the sweep's start plus 50 ms
    expect(await askFloats(b.meter, ':SENS1:FUNC:RES?', 'float32')).toHaveLength(50);
  });

  it('STOP ends the function (NONE,COMPLETE) keeping what was measured; a setting change stops it; READ is refused meanwhile', async () => {
    const b = makeBench(56);
    align(b);
    await lightUp(b);
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('NONE,COMPLETE');
    expect(await askFloats(b.meter, ':SENS1:FUNC:RES?', 'float32')).toEqual([]);
    await send(b.meter, ':SENS1:POW:UNIT 1;:SENS1:FUNC:PAR:LOGG 1000,1MS;:SENS1:FUNC:STAT LOGG,STAR');
    expect(await send(b.meter, ':READ1:POW?')).toBeUndefined();
    expect(await errorCodes(b.meter)).toEqual([-221]);
    await b.clock.advance(0.1);
    await send(b.meter, ':SENS1:FUNC:STAT LOGG,STOP');
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('NONE,COMPLETE');
    const kept = await askFloats(b.meter, ':SENS1:FUNC:RES?', 'float32');
    expect(kept.length).toBeGreaterThanOrEqual(99);
    expect(kept.length).toBeLessThanOrEqual(101);
    await send(b.meter, ':SENS1:POW:UNIT 1;:SENS1:FUNC:STAT LOGG,STAR;:SENS1:POW:WAV 1551NM');
    expect(await ask(b.meter, ':SENS1:FUNC:STAT?')).toBe('NONE,COMPLETE');
  });

  it('*OPC? waits for a running log', async () => {
    const b = makeBench(57);
    await send(b.meter, ':SENS2:POW:UNIT 1;:SENS2:FUNC:PAR:LOGG 10,50MS;:SENS2:FUNC:STAT LOGG,STAR');
    const t0 = b.clock.now_s();
    expect(await ask(b.meter, '*OPC?')).toBe('1');
    expect(b.clock.now_s() - t0).toBeCloseTo(0.5, 9);
    expect(await ask(b.meter, ':SENS2:FUNC:STAT?')).toBe('LOGGING_STABILITY,COMPLETE');
  });
});
