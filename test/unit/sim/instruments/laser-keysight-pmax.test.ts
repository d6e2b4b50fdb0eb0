// The simulated Keysight laser's :WAV:SWE:PMAX? <start>,<stop>: the most power (W) it holds over a range.
import { describe, expect, it } from 'vitest';
import { makeBench } from './bench-fixture.ts';
import { askNumber, errorCodes, send } from './helpers.ts';

describe('Keysight laser (sim): sweep PMAX', () => {
  it('answers in W for a range inside the band, and refuses one outside it or upside down', async () => {
    const { laser } = makeBench();
    expect(await askNumber(laser, ':SOUR0:WAV:SWE:PMAX? 1500NM,1600NM')).toBeCloseTo(10 ** ((13 - 30) / 10), 9);
    expect(await errorCodes(laser)).toEqual([]);
    await send(laser, ':SOUR0:WAV:SWE:PMAX? 1300NM,1600NM');
    await send(laser, ':SOUR0:WAV:SWE:PMAX? 1600NM,1500NM');
    expect(await errorCodes(laser)).toEqual([-222, -222]);
  });
});
