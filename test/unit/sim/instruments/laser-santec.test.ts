import { describe, expect, it } from 'vitest';
import { makeBench } from './bench-fixture.ts';
import { RealtimeClock } from '../../../../sim/clock.ts';
import { ask, askNumber, errorCodes, errors, send } from './helpers.ts';

describe('Santec TSL-570 laser', () => {
  it('identifies as SANTEC,TSL-570 and takes wavelengths in nm (fixed-point replies)', async () => {
    const b = makeBench();
    const s = b.laserSantec;
    expect(await ask(s, '*IDN?')).toMatch(/^SANTEC,TSL-570,/);
    expect(s.role).toBe('laser-santec');
    await send(s, ':WAV 1550.1234');
    expect(await ask(s, ':WAV?')).toBe('1550.1234');
    await send(s, ':WAV 1.5E-6M'); // an explicit SI unit is honoured
    expect(await askNumber(s, ':WAV?')).toBeCloseTo(1500, 9);
    await send(s, ':WAV 1700');
    expect(await errorCodes(s)).toEqual([-222]);
  });

  it('commands the same physical laser as the Keysight front end', async () => {
    const b = makeBench();
    await send(b.laserSantec, ':WAV 1561.0000');
    expect(await askNumber(b.laser, ':SOUR0:WAV?')).toBeCloseTo(1561e-9, 15);
    await send(b.laser, ':SOUR0:POW 2DBM');
    expect(await askNumber(b.laserSantec, ':POW?')).toBeCloseTo(2, 9);
  });

  it('power in dBm or mW (POW:UNIT 0|1), −15…+13 dBm; light needs the LD on and the shutter open', async () => {
    const b = makeBench();
    const s = b.laserSantec;
    await send(s, ':POW 3.00;:POW:STAT 1');
    expect(await ask(s, ':POW:STAT?')).toBe('1');
    expect(b.world.laser.powerAt_W(b.clock.now_s())).toBeGreaterThan(0);
    expect(await askNumber(s, ':POW:ACT?')).toBeCloseTo(3, 1);
    await send(s, ':POW:SHUT 1');
    expect(await ask(s, ':POW:SHUT?')).toBe('1');
    expect(b.world.laser.powerAt_W(b.clock.now_s())).toBe(0);
    expect(await askNumber(s, ':POW:ACT?')).toBe(-40);
    await send(s, ':POW:SHUT 0;:POW:UNIT 1');
    expect(await askNumber(s, ':POW?')).toBeCloseTo(1.995, 3);
    await send(s, ':POW 10'); // 10 mW
    await send(s, ':POW:UNIT 0');
    expect(await askNumber(s, ':POW?')).toBeCloseTo(10, 3);
    await send(s, ':POW 14');
    await send(s, ':POW:UNIT 2');
    expect(await errorCodes(s)).toEqual([-222, -222]);
  });

  it('sweeps in modes 0–3 with trigger output modes; status 0 when done (fast mode jumps)', async () => {
    const b = makeBench();
    const s = b.laserSantec;
    await send(s, ':POW:STAT 1;:WAV:SWE:MOD 1;:WAV:SWE:STAR 1540;:WAV:SWE:STOP 1560;:WAV:SWE:SPE 50');
    await send(s, ':TRIG:OUTP 3;:TRIG:OUTP:STEP 0.5');
    expect(await ask(s, ':WAV:SWE:MOD?;:TRIG:OUTP?;:TRIG:OUTP:STEP?')).toBe('1;3;0.5000');
    const t0 = b.clock.now_s();
    await send(s, ':WAV:SWE 1');
    expect(b.world.triggers.pulsesFrom(t0, 1000)).toHaveLength(41);
    expect(await ask(s, ':WAV:SWE?')).toBe('0');
    expect(b.clock.now_s() - t0).toBeGreaterThanOrEqual(0.4);
    // two-way continuous: twice the time, twice the triggers
    await send(s, ':WAV:SWE:MOD 3');
    const t1 = b.clock.now_s();
    await send(s, ':WAV:SWE 1');
    expect(b.world.triggers.pulsesFrom(t1, 1000)).toHaveLength(82);
    await ask(s, '*OPC?');
    expect(b.clock.now_s() - t1).toBeGreaterThanOrEqual(0.8);
  });

  it('reads back its sweep registers in nm, nm/s and s', async () => {
    const { laserSantec: s } = makeBench();
    await send(s, ':WAV:SWE:STAR 1530.5;:WAV:SWE:STOP 1570;:WAV:SWE:SPE 20;:WAV:SWE:STEP 0.1;:WAV:SWE:DWEL 0.5;:WAV:SWE:CYCL 3;:POW:UNIT 1');
    expect(await ask(s, ':WAV:SWE:STAR?;:WAV:SWE:STOP?;:WAV:SWE:SPE?;:WAV:SWE:STEP?;:WAV:SWE:DWEL?;:WAV:SWE:CYCL?;:POW:UNIT?')).toBe(
      '1530.5000;1570.0000;20.000;0.1000;0.500;3;1',
    );
    await send(s, ':WAV:SWE:SPE 250');
    expect(await errorCodes(s)).toEqual([-222]);
  });

  it('step sweeps (mode 0) dwell on each step', async () => {
    const b = makeBench();
    const s = b.laserSantec;
    await send(s, ':POW:STAT 1;:WAV:SWE:MOD 0;:WAV:SWE:STAR 1550;:WAV:SWE:STOP 1551;:WAV:SWE:STEP 0.25;:WAV:SWE:DWEL 0.2;:WAV:SWE:SPE 10');
    const t0 = b.clock.now_s();
    await send(s, ':WAV:SWE 1');
    expect(await ask(s, ':WAV:SWE?')).toBe('0');
    // 5 steps × 0.2 s dwell + 4 × 0.025 s moves + preparation
    expect(b.clock.now_s() - t0).toBeGreaterThanOrEqual(1.1);
    expect(b.clock.now_s() - t0).toBeLessThan(1.3);
  });

  it('refuses a sweep without light or with start ≥ stop; reports the interlock', async () => {
    const b = makeBench();
    const s = b.laserSantec;
    await send(s, ':WAV:SWE 1');
    await send(s, ':POW:STAT 1;:WAV:SWE:STAR 1560;:WAV:SWE:STOP 1550;:WAV:SWE 1');
    await send(s, ':WAV:SWE:MOD 4');
    const e = await errors(s);
    expect(e[0]).toMatch(/^-221,.*LD off or shutter closed/);
    expect(e[1]).toMatch(/^-221,.*End Wavelength/);
    expect(e[2]).toMatch(/^-222,/);
    b.faults.tripInterlock();
    expect(await ask(s, ':POW:STAT?')).toBe('0');
    await send(s, ':POW:STAT 1');
    expect(await errorCodes(s)).toEqual([-240, -240]);
  });
});

describe('Santec TSL-570: command mode, *OPC?, speeds and alerts', () => {
  it('ends replies with CR; in SCPI mode (:SYST:COMM:COD 1) a bare wavelength is metres and replies are metres', async () => {
    const { laserSantec: s } = makeBench();
    const raw = await s.execute('*IDN?');
    expect(Buffer.from(raw ?? new Uint8Array()).toString('latin1')).toMatch(/^SANTEC,TSL-570,.*\r$/);
    expect(await ask(s, ':SYST:COMM:COD?')).toBe('0');
    await send(s, ':SYST:COMM:COD 1');
    await send(s, ':WAV 1550'); // 1550 m: out of range, the mistake a Legacy-speaking driver would make
    expect(await errorCodes(s)).toEqual([-222]);
    await send(s, ':WAV 1.55E-6');
    expect(await askNumber(s, ':WAV?')).toBeCloseTo(1.55e-6, 15);
    await send(s, ':SYST:COMM:COD 0');
    expect(await ask(s, ':WAV?')).toBe('1550.0000');
  });

  it('*OPC? answers at once: 0 while a sweep runs (real time), 1 when done', async () => {
    const b = makeBench(51, { clock: new RealtimeClock() });
    const s = b.laserSantec;
    await send(s, ':POW:STAT 1;:WAV:SWE:MOD 1;:WAV:SWE:STAR 1540;:WAV:SWE:STOP 1560;:WAV:SWE:SPE 200');
    await send(s, ':WAV:SWE 1');
    expect(await ask(s, '*OPC?')).toBe('0');
    await send(s, ':WAV:SWE 0');
    // Stopped, the laser settles back (real time): polled, *OPC? turns 1 without ever blocking.
    const t0 = Date.now();
    let reply = await ask(s, '*OPC?');
    while (reply === '0' && Date.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 20));
      reply = await ask(s, '*OPC?');
    }
    expect(reply).toBe('1');
  });

  it('sweeps only at 1, 2, 5, 10, 20, 50, 100 or 200 nm/s; alerts queue up until read', async () => {
    const b = makeBench();
    const s = b.laserSantec;
    await send(s, ':WAV:SWE:SPE 7');
    expect(await errorCodes(s)).toEqual([-222]);
    await send(s, ':WAV:SWE:SPE 50');
    expect(await askNumber(s, ':WAV:SWE:SPE?')).toBe(50);
    expect(await ask(s, ':SYST:ALER?')).toBe('No alerts.');
  });
});
