import { describe, expect, it } from 'vitest';
import { ModelInputError } from '../../../models/errors.ts';
import {
  bpsToGbps, dBmToMw, dbToLinear, dbmToW, degToRad, gbpsToBps, linearToDb, lossDbToTransmission, mToNm, mToUm, mmToUm,
  mwToDbm, mwToW, nmToM, nmToUm, radToDeg, transmissionToLossDb, umToM, umToMm, umToNm, wToDbm, wToMw,
} from '../../../models/units.ts';

describe('units', () => {
  it('converts dBm and mW/W both ways', () => {
    expect(dBmToMw(0)).toBe(1);
    expect(dBmToMw(10)).toBeCloseTo(10, 12);
    expect(dBmToMw(-30)).toBeCloseTo(1e-3, 15);
    expect(mwToDbm(1)).toBe(0);
    expect(mwToDbm(2)).toBeCloseTo(3.0103, 4);
    expect(wToDbm(1e-3)).toBeCloseTo(0, 12);
    expect(wToDbm(1)).toBeCloseTo(30, 12);
    expect(dbmToW(0)).toBeCloseTo(1e-3, 15);
    expect(dbmToW(-60)).toBeCloseTo(1e-9, 20);
    for (const p of [-73.2, -12, 0, 4.5, 13]) {
      expect(mwToDbm(dBmToMw(p))).toBeCloseTo(p, 10);
      expect(wToDbm(dbmToW(p))).toBeCloseTo(p, 10);
    }
    expect(wToMw(2e-3)).toBeCloseTo(2, 12);
    expect(mwToW(2)).toBeCloseTo(2e-3, 15);
  });

  it('maps zero power to -Infinity dBm and back', () => {
    expect(mwToDbm(0)).toBe(-Infinity);
    expect(wToDbm(0)).toBe(-Infinity);
    expect(dBmToMw(-Infinity)).toBe(0);
    expect(dbmToW(-Infinity)).toBe(0);
    expect(linearToDb(0)).toBe(-Infinity);
    expect(transmissionToLossDb(0)).toBe(Infinity);
  });

  it('throws a RangeError naming the argument for negative or NaN powers and ratios', () => {
    expect(() => mwToDbm(-1e-9)).toThrow(RangeError);
    expect(() => mwToDbm(-1)).toThrow(/mwToDbm: power_mW must be a power >= 0 mW, got -1/);
    expect(() => wToDbm(-2)).toThrow(ModelInputError);
    expect(() => wToDbm(Number.NaN)).toThrow(/power_W/);
    expect(() => linearToDb(-0.5)).toThrow(/linearToDb: ratio/);
    expect(() => dBmToMw(Number.NaN)).toThrow(/power_dBm/);
    expect(() => dbmToW(Number.NaN)).toThrow(/dbmToW/);
    expect(() => dbToLinear(Number.NaN)).toThrow(/ratio_dB/);
  });

  it('converts power ratios, losses and transmissions', () => {
    expect(dbToLinear(-3)).toBeCloseTo(0.501187, 6);
    expect(linearToDb(0.5)).toBeCloseTo(-3.0103, 4);
    expect(lossDbToTransmission(10)).toBeCloseTo(0.1, 12);
    expect(transmissionToLossDb(0.01)).toBeCloseTo(20, 12);
  });

  it('converts lengths, angles and rates', () => {
    expect(nmToM(1550)).toBeCloseTo(1.55e-6, 18);
    expect(mToNm(1.31e-6)).toBeCloseTo(1310, 9);
    expect(nmToUm(1550)).toBeCloseTo(1.55, 12);
    expect(umToNm(1.55)).toBeCloseTo(1550, 9);
    expect(umToMm(12_500)).toBeCloseTo(12.5, 12);
    expect(mmToUm(25)).toBeCloseTo(25_000, 9);
    expect(umToM(5.2)).toBeCloseTo(5.2e-6, 18);
    expect(mToUm(5.2e-6)).toBeCloseTo(5.2, 12);
    expect(degToRad(180)).toBeCloseTo(Math.PI, 14);
    expect(radToDeg(Math.PI / 2)).toBeCloseTo(90, 12);
    expect(gbpsToBps(25.78125)).toBe(25.78125e9);
    expect(bpsToGbps(53.125e9)).toBeCloseTo(53.125, 12);
  });
});
