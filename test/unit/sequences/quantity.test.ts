import { describe, expect, it } from 'vitest';
import { parseQuantity, QuantityError, kindOfUnit, splitQuantity } from '../../../sequences/schema/quantity.ts';
import { q } from '../../../sequences/schema/q.ts';

describe('quantities', () => {
  it.each([
    ['1550nm', 'wavelength_nm', 1550],
    ['1.55um', 'wavelength_nm', 1550],
    ['1.55 µm', 'wavelength_nm', 1550],
    ['250um', 'length_um', 250],
    ['2.5mm', 'length_um', 2500],
    ['10s', 'duration_s', 10],
    ['100ms', 'duration_s', 0.1],
    ['2min', 'duration_s', 120],
    ['8h', 'duration_s', 28800],
    ['-3dBm', 'power_dBm', -3],
    ['1mW', 'power_dBm', 0],
    ['10 uW', 'power_dBm', -20],
    ['3dB', 'ratio_dB', 3],
    ['25.78125GHz', 'rate_Gbps', 25.78125],
    ['53.125Gb/s', 'rate_Gbps', 53.125],
    ['10nm/s', 'speed_nm_s', 10],
    ['2mm/s', 'velocity_um_s', 2000],
    ['200mm/s2', 'acceleration_um_s2', 200_000],
    ['200000um/s^2', 'acceleration_um_s2', 200_000],
    ['150 µm/s²', 'acceleration_um_s2', 150],
    ['0.2m/s²', 'acceleration_um_s2', 200_000],
    ['0.02g', 'acceleration_um_s2', 196_133],
    ['95%', 'fraction', 0.95],
    [0.95, 'fraction', 0.95],
    ['1e3nm', 'wavelength_nm', 1000],
  ] as const)('%s as %s → %s', (raw, kind, expected) => {
    expect(parseQuantity(raw, kind)).toBeCloseTo(expected, 9);
  });

  it('refuses a number without a unit, naming the kind and an example', () => {
    expect(() => parseQuantity(1550, 'wavelength_nm')).toThrow(QuantityError);
    expect(() => parseQuantity(1550, 'wavelength_nm')).toThrow(/expected a wavelength with a unit \(nm, .*\), e\.g\. 1550nm, got 1550 \(a number without a unit\)/);
    expect(() => parseQuantity('1550', 'wavelength_nm')).toThrow(/a number without a unit/);
  });

  it('names an acceleration\'s units in short, and tells a velocity from an acceleration', () => {
    expect(() => parseQuantity(200_000, 'acceleration_um_s2')).toThrow('expected a stage acceleration with a unit (um/s2, mm/s2, m/s2 or g), e.g. 200mm/s2, got 200000 (a number without a unit)');
    expect(() => parseQuantity('200mm/s', 'acceleration_um_s2')).toThrow(/'mm\/s' is the unit of a stage velocity/);
    expect(() => parseQuantity('2mm/s2', 'velocity_um_s')).toThrow(/'mm\/s2' is the unit of a stage acceleration/);
    expect(() => parseQuantity('2mm/s3', 'acceleration_um_s2')).toThrow(/unknown unit 'mm\/s3'/);
    expect(kindOfUnit('mm/s2')).toBe('acceleration_um_s2');
    expect(kindOfUnit('g')).toBe('acceleration_um_s2');
  });

  it('refuses a wrong unit and says which kind that unit belongs to', () => {
    expect(() => parseQuantity('-3dBm', 'wavelength_nm')).toThrow(/'dBm' is the unit of an optical power/);
    expect(() => parseQuantity('10furlongs', 'length_um')).toThrow(/unknown unit 'furlongs'/);
  });

  it('refuses text that is not a quantity, lists and maps', () => {
    expect(() => parseQuantity('fast', 'duration_s')).toThrow(/got "fast"/);
    expect(() => parseQuantity([1], 'duration_s')).toThrow(/got a list/);
    expect(() => parseQuantity({ a: 1 }, 'duration_s')).toThrow(/got a mapping/);
    expect(() => parseQuantity(null, 'duration_s')).toThrow(/got null/);
  });

  it('splits number and unit, and infers a kind from a unit', () => {
    expect(splitQuantity('-3.5e-1 dBm')).toEqual({ value: -0.35, unit: 'dBm' });
    expect(splitQuantity('abc')).toBeNull();
    expect(kindOfUnit('nm')).toBe('wavelength_nm');
    expect(kindOfUnit('um')).toBe('length_um');
    expect(kindOfUnit('GHz')).toBe('rate_Gbps');
    expect(kindOfUnit('parsec')).toBeUndefined();
  });
});

describe('q schema helpers', () => {
  it('parse into the target unit', () => {
    expect(q.wavelength_nm().parse('1.31um')).toBeCloseTo(1310, 9);
    expect(q.rate_Gbps().parse('25.78125GHz')).toBe(25.78125);
    expect(q.onOff().parse('on')).toBe(true);
    expect(q.onOff().parse(false)).toBe(false);
    expect(q.ber().parse(1e-12)).toBe(1e-12);
    expect(q.count().parse('1e12')).toBe(1e12);
    expect(q.acceleration_um_s2().parse('0.5m/s^2')).toBe(500_000);
  });

  it('report bounds in the target unit', () => {
    const r = q.duration_s({ positive: true }).safeParse('0s');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/expected a duration > 0, got "0s"/);
    const w = q.wavelength_nm({ min: 1500, max: 1600 }).safeParse('1310nm');
    expect(w.error?.issues[0]?.message).toMatch(/between 1500 nm and 1600 nm/);
    const a = q.acceleration_um_s2({ positive: true, max: 1e6 }).safeParse('2m/s2');
    expect(a.error?.issues[0]?.message).toBe('expected a stage acceleration <= 1000000 um/s2, got "2m/s2"');
    expect(q.acceleration_um_s2({ positive: true }).safeParse('0g').error?.issues[0]?.message).toBe('expected a stage acceleration > 0, got "0g"');
  });

  it('refuse bad plain numbers and switches', () => {
    expect(q.ber().safeParse(0.7).error?.issues[0]?.message).toMatch(/bit error ratio.*<= 0.5/);
    expect(q.count().safeParse(2.5).error?.issues[0]?.message).toMatch(/integer.*whole/);
    expect(q.count().safeParse('many').error?.issues[0]?.message).toMatch(/expected an integer/);
    expect(q.onOff().safeParse('maybe').error?.issues[0]?.message).toBe('expected on or off, got "maybe"');
  });
});
