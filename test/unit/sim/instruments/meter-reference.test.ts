// The simulated Keysight meter's relative (dB) mode: readings and logs in dB relative to the reference
// (0 dBm here), whatever the unit, until the port is switched back to absolute.
import { describe, expect, it } from 'vitest';
import { KeysightMeter } from '../../../../sim/instruments/meter-keysight.ts';
import { makeWorld } from '../world/fixtures.ts';
import { ask, askFloats, askNumber, errorCodes, send } from './helpers.ts';

function meter(): KeysightMeter {
  const f = makeWorld(31);
  return new KeysightMeter(f.world, f.clock);
}

describe('Keysight meter (sim): relative mode', () => {
  it('REF:STAT 1 makes a W-unit port read dB; REF:STAT 0 gives W back', async () => {
    const m = meter();
    await send(m, ':SENS2:CHAN1:POW:UNIT 1;ATIME 1MS');
    const w = await askNumber(m, ':READ2:CHAN1:POW?');
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThan(1e-2);
    await send(m, ':SENS2:CHAN1:POW:REF:STAT 1');
    expect(await ask(m, ':SENS2:CHAN1:POW:REF:STAT?')).toBe('1');
    const dB = await askNumber(m, ':READ2:CHAN1:POW?');
    expect(dB).toBeLessThan(0);
    expect(Math.abs(dB - (10 * Math.log10(w) + 30))).toBeLessThan(1);
    await send(m, ':SENS2:CHAN1:POW:REF:STAT 0');
    expect(await askNumber(m, ':READ2:CHAN1:POW?')).toBeGreaterThan(0);
    expect(await errorCodes(m)).toEqual([]);
  });

  it('a port in relative mode logs dB even with the unit set to W', async () => {
    const m = meter();
    await send(m, ':SENS2:CHAN1:POW:REF:STAT ON;:SENS2:CHAN1:POW:UNIT 1;:SENS2:CHAN1:FUNC:PAR:LOGG 4,0.0001S;:SENS2:CHAN1:FUNC:STAT LOGG,STAR');
    expect(await ask(m, ':SENS2:CHAN1:FUNC:STAT?')).toBe('LOGGING_STABILITY,COMPLETE');
    const values = await askFloats(m, ':SENS2:CHAN1:FUNC:RES?', 'float32');
    expect(values).toHaveLength(4);
    for (const v of values) expect(v).toBeLessThan(0);
  });
});
