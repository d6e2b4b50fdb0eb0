import { describe, expect, it } from 'vitest';
import { align, lightUp, makeBench } from './bench-fixture.ts';
import { ask, askNumber, dBm, errorCodes, send } from './helpers.ts';

describe('Keysight VOA', () => {
  it('identifies itself and sets attenuation (dB), wavelength (m) and the shutter', async () => {
    const b = makeBench();
    expect(await ask(b.voa, '*IDN?')).toMatch(/^Keysight Technologies,N7762A,/);
    await send(b.voa, ':INP1:ATT 12.5DB;:INP1:WAV 1550NM;:OUTP1:STAT 1');
    expect(await ask(b.voa, ':INP1:ATT?;:INP1:WAV?;:OUTP1:STAT?')).toBe('+1.25000000E+01;+1.55000000E-06;1');
    await send(b.voa, ':INP1:ATT 61');
    await send(b.voa, ':INP1:ATT -1DB');
    await send(b.voa, ':INP2:ATT 3');
    await send(b.voa, ':INP1:ATT 3DBM');
    expect(await errorCodes(b.voa)).toEqual([-222, -222, -114, -131]);
  });

  it('attenuates the light in the world by the setting (plus its hidden accuracy error) after settling', async () => {
    const b = makeBench(61);
    align(b);
    await lightUp(b, { att_dB: 0 });
    const t0 = b.clock.now_s();
    const p0 = b.world.powerAtMeter_W(2, t0);
    await send(b.voa, ':INP1:ATT 20');
    const t1 = b.clock.now_s();
    expect(await ask(b.voa, '*OPC?')).toBe('1');
    const settle = b.clock.now_s() - t1;
    expect(settle).toBeGreaterThan(0.03); // 20 ms + 1 ms/dB
    expect(settle).toBeLessThan(0.05);
    const drop = dBm(p0) - dBm(b.world.powerAtMeter_W(2, b.clock.now_s()));
    expect(drop).toBeGreaterThan(19.5);
    expect(drop).toBeLessThan(20.5);
    // mid-way through the ramp the light is in between
    const mid = dBm(p0) - dBm(b.world.powerAtMeter_W(2, t1 + settle / 2));
    expect(mid).toBeGreaterThan(5);
    expect(mid).toBeLessThan(15);
  });

  it('the offset shifts what the setting reads, not the light: physical = setting − offset', async () => {
    const b = makeBench(62);
    align(b);
    await lightUp(b, { att_dB: 10 });
    const before = b.world.powerAtMeter_W(2, b.clock.now_s());
    await send(b.voa, ':INP1:OFFS 2DB');
    expect(await askNumber(b.voa, ':INP1:ATT?')).toBeCloseTo(12, 9);
    expect(b.world.powerAtMeter_W(2, b.clock.now_s())).toBeCloseTo(before, 15);
    await send(b.voa, ':INP1:ATT 1'); // below the offset: a negative physical attenuation
    expect(await errorCodes(b.voa)).toEqual([-222]);
  });

  it('power-control mode holds the output on the setpoint as seen by its monitor; READ/FETC read the monitor', async () => {
    const b = makeBench(63);
    align(b);
    await lightUp(b, { power_dBm: 6 });
    await send(b.voa, ':OUTP1:POW -15DBM');
    await ask(b.voa, '*OPC?');
    expect(await ask(b.voa, ':OUTP1:POW:CONTR?')).toBe('1');
    expect(await askNumber(b.voa, ':OUTP1:POW?')).toBe(-15);
    expect(await askNumber(b.voa, ':FETC1:POW?')).toBeCloseTo(-15, 1);
    const tr = b.world.truth();
    expect(dBm(b.world.voaOutput_W(b.clock.now_s()))).toBeCloseTo(-15 - tr.voa.monitorError_dB, 6);
    // the laser power changes: the loop follows
    await send(b.laser, ':SOUR0:POW 3DBM');
    expect(dBm(b.world.voaOutput_W(b.clock.now_s()))).toBeCloseTo(-15 - tr.voa.monitorError_dB, 6);
    const t0 = b.clock.now_s();
    expect(await askNumber(b.voa, ':READ1:POW?')).toBeCloseTo(-15, 1);
    expect(b.clock.now_s() - t0).toBeGreaterThan(0.005);
    // back to attenuation mode
    await send(b.voa, ':INP1:ATT 5');
    expect(await ask(b.voa, ':OUTP1:POW:CONTR?')).toBe('0');
    await send(b.voa, ':OUTP1:POW 30DBM');
    expect(await errorCodes(b.voa)).toEqual([-222]);
  });

  it('enters power control at the present output with POW:CONTR 1 (CONTRol, as public drivers send it) and leaves it keeping the attenuation; W units', async () => {
    const b = makeBench(65);
    align(b);
    await lightUp(b, { att_dB: 7 });
    const out = b.world.voaOutput_W(b.clock.now_s());
    await send(b.voa, ':OUTP1:POW:CONTR 1');
    expect(b.world.voaOutput_W(b.clock.now_s()) / out).toBeCloseTo(1, 2);
    await send(b.voa, ':OUTP1:POW:UNIT 1');
    const setpoint = await askNumber(b.voa, ':OUTP1:POW?');
    expect(setpoint / (out * 10 ** (b.world.truth().voa.monitorError_dB / 10))).toBeCloseTo(1, 2);
    await send(b.voa, ':OUTP1:POW 1E-5'); // 10 µW in the current unit
    expect(await askNumber(b.voa, ':FETC1:POW?')).toBeCloseTo(1e-5, 7);
    const held = b.world.voaOutput_W(b.clock.now_s());
    await send(b.voa, ':OUTP1:POW:CONTR 0');
    expect(await ask(b.voa, ':OUTP1:POW:CONTR?')).toBe('0');
    expect(b.world.voaOutput_W(b.clock.now_s()) / held).toBeCloseTo(1, 9);
    await send(b.voa, ':OUTP1:STAT 0;:OUTP1:POW:CONTR 1');
    expect(await errorCodes(b.voa)).toEqual([-221]);
  });

  it('the shutter blocks the light; *RST closes it and clears the attenuation', async () => {
    const b = makeBench(64);
    align(b);
    await lightUp(b, { att_dB: 3 });
    expect(b.world.powerAtMeter_W(1, b.clock.now_s())).toBeGreaterThan(0);
    await send(b.voa, ':OUTP1:STAT 0');
    expect(b.world.powerAtMeter_W(1, b.clock.now_s())).toBe(0);
    expect(await askNumber(b.voa, ':FETC1:POW?')).toBe(-200);
    await send(b.voa, '*RST');
    expect(await ask(b.voa, ':OUTP1:STAT?;:INP1:ATT?')).toBe('0;+0.00000000E+00');
  });
});

describe('Keysight VOA power control header', () => {
  it('is :OUTP:POW:CONTRol (short form CONTR): CONT is not a form of it and is refused', async () => {
    const b = makeBench();
    await send(b.voa, ':OUTP1:POW:CONT 1');
    expect(await errorCodes(b.voa)).toEqual([-113]);
    await send(b.voa, ':OUTP1:POW:CONTROL 0');
    expect(await errorCodes(b.voa)).toEqual([]);
    expect(await ask(b.voa, ':OUTP1:POW:CONTR?')).toBe('0');
  });
});
