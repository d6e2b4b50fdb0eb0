import { describe, expect, it } from 'vitest';
import { ColumnTable } from '../../../renderer/results/column-table.ts';

describe('ColumnTable', () => {
  it('keeps numeric columns in typed arrays that grow past their capacity without losing rows', () => {
    const t = new ColumnTable(['wavelength_nm', 'loss_dB']);
    const rows = Array.from({ length: 1000 }, (_, i) => ({ wavelength_nm: 1500 + i * 0.1, loss_dB: i % 7 }));
    for (let i = 0; i < rows.length; i += 37) t.appendRows(rows.slice(i, i + 37));
    expect(t.length).toBe(1000);
    const w = t.col('wavelength_nm');
    expect(w).toBeInstanceOf(Float64Array);
    expect(w.length).toBe(1000);
    expect(w[0]).toBe(1500);
    expect(w[999]).toBeCloseTo(1599.9, 9);
    expect(t.col('loss_dB')[500]).toBe(500 % 7);
  });

  it('reads empty cells, nulls and non-numbers in a numeric column as NaN gaps', () => {
    const t = new ColumnTable(['power_dBm', 'ber']);
    t.appendRows([{ power_dBm: -10, ber: '' }, { power_dBm: null, ber: 1e-6 }, { power_dBm: -12, ber: 2e-5 }]);
    expect(Array.from(t.col('power_dBm'))).toEqual([-10, Number.NaN, -12]);
    // The first non-empty cell decides the kind: '' before a number does not make the column text.
    expect(Array.from(t.col('ber'))).toEqual([Number.NaN, 1e-6, 2e-5]);
  });

  it('keeps text and boolean columns as values, and adds columns first seen in a later row', () => {
    const t = new ColumnTable(['x_um']);
    t.appendRows([{ x_um: 1, phase: 'first-light' }]);
    t.appendRows([{ x_um: 2, phase: 'fine', realigned: true }]);
    expect(t.columns).toEqual(['x_um', 'phase', 'realigned']);
    expect(t.values('phase')).toEqual(['first-light', 'fine']);
    expect(t.values('realigned')).toEqual([null, true]);
    expect(t.has('phase')).toBe(true);
  });

  it('answers an unknown column with NaN of the table length, not an error', () => {
    const t = new ColumnTable(['a']);
    t.appendRows([{ a: 1 }, { a: 2 }]);
    const missing = t.col('b');
    expect(missing.length).toBe(2);
    expect(missing.every(Number.isNaN)).toBe(true);
  });

  it('appends a run folder table given column-major, with columns missing from it as gaps', () => {
    const t = new ColumnTable(['t_s', 'power_dBm', 'note']);
    t.appendColumns(['t_s', 'power_dBm'], [[0, 1, 2], [-3, null, -5]], 3);
    expect(t.length).toBe(3);
    expect(Array.from(t.col('power_dBm'))).toEqual([-3, Number.NaN, -5]);
    expect(t.col('note').every(Number.isNaN)).toBe(true);
    t.appendRows([{ t_s: 3, power_dBm: -6 }]);
    expect(Array.from(t.col('t_s'))).toEqual([0, 1, 2, 3]);
  });

  it('hands out views, not copies: a view taken before an append keeps its length', () => {
    const t = new ColumnTable(['v']);
    t.appendRows([{ v: 1 }]);
    const before = t.col('v');
    t.appendRows([{ v: 2 }]);
    expect(before.length).toBe(1);
    expect(t.col('v').length).toBe(2);
  });
});
