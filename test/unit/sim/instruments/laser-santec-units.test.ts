// The Santec TSL-570's wavelength unit and frequency commands, its limit queries, and the wavelength log
// of the last sweep (`:READout:POINts?`, `:READout:DATa?`: int32 little-endian in 0.1 pm).
import { describe, expect, it } from 'vitest';
import { scanBlock } from '../../../../drivers/scpi/index.ts';
import type { SimInstrument } from '../../../../sim/sim-instrument.ts';
import { makeBench } from './bench-fixture.ts';
import { ask, askNumber, errorCodes, send } from './helpers.ts';

/** `:READout:DATa?` decoded as the TSL-570 sends it: int32 LE per point, in 0.1 pm → nm. */
async function readLog_nm(s: SimInstrument): Promise<number[]> {
  const r = await s.execute(':READout:DATa?');
  if (!r) throw new Error('no reply to :READout:DATa?');
  const scan = scanBlock(r);
  if (scan.status !== 'complete') throw new Error(`not a complete block: ${JSON.stringify(scan)}`);
  expect(r[scan.end]).toBe(0x0d); // the TSL ends its lines with CR
  const payload = Buffer.from(r.subarray(scan.payloadStart, scan.payloadEnd));
  expect(payload.length % 4).toBe(0);
  return Array.from({ length: payload.length / 4 }, (_, i) => payload.readInt32LE(4 * i) / 1e4);
}

describe('Santec TSL-570: wavelength unit and frequency', () => {
  it(':WAV:UNIT selects the display unit (0 nm, 1 THz); :WAV stays in nm and :FREQ in THz either way', async () => {
    const { laserSantec: s } = makeBench();
    expect(await ask(s, ':WAV:UNIT?')).toBe('0');
    await send(s, ':WAV 1550.0000;:WAV:UNIT 1');
    expect(await ask(s, ':WAV:UNIT?;:WAV?;:FREQ?')).toBe('1;1550.0000;193.41449');
    expect(await ask(s, ':WAV:FREQ?')).toBe('193.41449');
    await send(s, ':FREQ 194.00000');
    expect(await askNumber(s, ':WAV?')).toBeCloseTo(299792.458 / 194, 4);
    await send(s, ':WAV:FREQ 190THZ'); // an explicit unit is honoured
    expect(await askNumber(s, ':FREQ?')).toBeCloseTo(190, 5);
    await send(s, '*RST');
    expect(await ask(s, ':WAV:UNIT?')).toBe('0');
    await send(s, ':WAV:UNIT 2');
    await send(s, ':FREQ 210');
    expect(await errorCodes(s)).toEqual([-222, -222]);
  });

  it('answers its limits: :WAV:MIN?/MAX? in nm, :WAV:FREQ:MIN?/MAX? in THz, :POW:LEV:MIN?/MAX? in the power unit', async () => {
    const { laserSantec: s } = makeBench();
    expect(await ask(s, ':WAV:MIN?;:WAV:MAX?')).toBe('1480.0000;1640.0000');
    expect(await ask(s, ':WAV:FREQ:MIN?;:WAV:FREQ:MAX?;:FREQ:MIN?')).toBe('182.80028;202.56247;182.80028');
    expect(await ask(s, ':POW:LEV:MIN?;:POW:LEV:MAX?;:POW:MIN?;:POW:MAX?')).toBe('-15.000;13.000;-15.000;13.000');
    await send(s, ':POW:UNIT 1');
    expect(await ask(s, ':POW:MIN?;:POW:MAX?')).toBe('0.0316;19.9526');
    await send(s, ':WAV:MIN? 1');
    expect(await errorCodes(s)).toEqual([-108]);
  });
});

describe('Santec TSL-570: wavelength log', () => {
  it('empty before any sweep: 0 points and an empty block', async () => {
    const { laserSantec: s } = makeBench();
    expect(await askNumber(s, ':READout:POINts?')).toBe(0);
    expect(await readLog_nm(s)).toEqual([]);
    expect(await errorCodes(s)).toEqual([]);
  });

  it('a continuous sweep with step triggers logs one wavelength per trigger, in 0.1 pm steps', async () => {
    const b = makeBench();
    const s = b.laserSantec;
    await send(s, ':POW:STAT 1;:WAV:SWE:MOD 1;:WAV:SWE:STAR 1545;:WAV:SWE:STOP 1555;:WAV:SWE:SPE 20;:TRIG:OUTP 3;:TRIG:OUTP:STEP 0.1');
    const t0 = b.clock.now_s();
    await send(s, ':WAV:SWE 1');
    const pulses = b.world.triggers.pulsesFrom(t0, 10_000);
    expect(await ask(s, ':WAV:SWE?')).toBe('0');
    expect(await askNumber(s, ':READ:POIN?')).toBe(pulses.length);
    const log = await readLog_nm(s);
    expect(log).toHaveLength(101);
    log.forEach((nm, i) => expect(Math.abs(nm - (1545 + 0.1 * i))).toBeLessThan(0.001));
    // After the sweep the laser rests at the start wavelength.
    expect(await ask(s, ':WAV?')).toBe('1545.0000');
    // The Keysight front end's lambda log is its own: none from a Santec sweep.
    expect(await askNumber(b.laser, ':SOUR0:READ:POIN? LLOG')).toBe(0);
  });

  it('a step sweep, or a continuous one without step triggers, logs nothing new', async () => {
    const { laserSantec: s } = makeBench();
    await send(s, ':POW:STAT 1;:WAV:SWE:MOD 0;:WAV:SWE:STAR 1545;:WAV:SWE:STOP 1546;:WAV:SWE:STEP 0.5;:WAV:SWE:DWEL 0;:TRIG:OUTP 3');
    await send(s, ':WAV:SWE 1');
    expect(await ask(s, ':WAV:SWE?')).toBe('0');
    expect(await askNumber(s, ':READ:POIN?')).toBe(0);
    await send(s, ':WAV:SWE:MOD 1;:TRIG:OUTP 1;:WAV:SWE 1');
    expect(await ask(s, ':WAV:SWE?')).toBe('0');
    expect(await askNumber(s, ':READ:POIN?')).toBe(0);
    await send(s, ':READout:DATa? 1');
    expect(await errorCodes(s)).toEqual([-108]);
  });
});
