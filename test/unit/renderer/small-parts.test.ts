import { afterEach, describe, expect, it } from 'vitest';
import { formatBer, formatDbm, formatDuration, formatMeasurement, formatPower_mW, unitOf } from '../../../renderer/format/quantity.ts';
import { decadeLabels, decadeSplits, residualRange } from '../../../renderer/plots/chart-options.ts';
import { FrameBatcher, setFrameScheduler } from '../../../renderer/plots/frame-batcher.ts';
import { describeEvent } from '../../../renderer/stores/run-log.ts';
import { ReadingTrend } from '../../../renderer/stores/reading-trend.ts';
import { viewFromHash } from '../../../renderer/views/view-names.ts';
import { ev } from './run-events.ts';

describe('formatting', () => {
  it('powers: dBm with fixed decimals, "no light" for the floor, mW with an SI prefix', () => {
    expect(formatDbm(-20.456)).toBe('-20.46 dBm');
    expect(formatDbm(null)).toBe('no light');
    expect(formatPower_mW(1.23456)).toBe('1.235 mW');
    expect(formatPower_mW(5.678e-5)).toBe('56.78 nW');
    expect(formatPower_mW(0)).toBe('0 mW');
    expect(formatPower_mW(null)).toBe('—');
  });

  it('durations, BERs, measurements and units from names', () => {
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(163)).toBe('2 min 43 s');
    expect(formatDuration(7322)).toBe('2 h 02 min');
    expect(formatBer(2.4e-4)).toBe('2.40e-4');
    expect(formatMeasurement(29)).toBe('29');
    expect(formatMeasurement(-10.32834522410332)).toBe('-10.328');
    expect(formatMeasurement(12509.98123)).toBe('12509.98');
    expect(unitOf('x_um')).toBe('µm');
    expect(unitOf('rate_Gbps')).toBe('Gb/s');
    expect(unitOf('dut')).toBe('');
  });
});

describe('log axis decades', () => {
  it('puts grid lines at decades only, thinned when the axis spans many', () => {
    expect(decadeSplits(2e-7, 0.5)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
    expect(decadeSplits(1e-15, 1).length).toBeLessThanOrEqual(9);
    expect(decadeLabels([1e-6, 2e-6, 1e-5])).toEqual(['1e-6', '', '1e-5']);
  });
});

describe('residual axis', () => {
  it('is symmetric about zero with a margin, never collapses, and ignores gaps', () => {
    expect(residualRange(-0.06, 0.08)).toEqual([-0.092, 0.092].map((v) => expect.closeTo(v, 9)));
    expect(residualRange(0, 0)).toEqual([-0.01, 0.01]);
    expect(residualRange(null, 3)).toEqual([-3.45, 3.45].map((v) => expect.closeTo(v, 9)));
    expect(residualRange(Number.NaN, Number.NaN, 0.5)).toEqual([-0.5, 0.5]);
  });
});

describe('FrameBatcher', () => {
  afterEach(() => setFrameScheduler(null));

  it('schedules one frame for any number of pushes and flushes them together', () => {
    const frames: (() => void)[] = [];
    setFrameScheduler((cb) => frames.push(cb));
    const flushed: number[][] = [];
    const b = new FrameBatcher<number>((items) => flushed.push(items));
    for (let i = 0; i < 1000; i++) b.push(i);
    expect(frames.length).toBe(1);
    expect(b.pending).toBe(1000);
    frames[0]?.();
    expect(flushed.length).toBe(1);
    expect(flushed[0]?.length).toBe(1000);
    b.push(1);
    expect(frames.length).toBe(2);
  });
});

describe('run log lines', () => {
  it('words the verdict and an abort with its safe state; points are not logged', () => {
    expect(describeEvent(ev('r', 5, { type: 'point', stepId: 's', table: 't', index: 0, row: {} }))).toBeNull();
    const fail = describeEvent(ev('r', 5, { type: 'finished', passed: false, duration_s: 5, limits: [
      { measurement: 'power_dBm', stepId: 'align', value: -30, unit: 'dBm', min: -25, passed: false },
    ] }));
    expect(fail).toMatchObject({ level: 'fail', text: expect.stringMatching(/^FAILED in 5.00 s: power_dBm \(align\) = -30/) });
    const abort = describeEvent(ev('r', 5, { type: 'aborted', reason: 'user', message: 'stopped', stepId: null, safe: { ok: false, error: 'laser did not answer' } }));
    expect(abort?.text).toMatch(/SAFE STATE FAILED: laser did not answer/);
  });
});

describe('small state', () => {
  it('routes #/name to a view and anything else to the bench', () => {
    expect(viewFromHash('#/history')).toBe('history');
    expect(viewFromHash('#/nope')).toBe('bench');
    expect(viewFromHash('')).toBe('bench');
  });

  it('keeps the last readings per channel in a ring, oldest first', () => {
    const t = new ReadingTrend(3);
    for (let i = 0; i < 5; i++) t.add({ role: 'm', time: '', benchTime_s: i, channels: [{ channel: 1, power_dBm: -i, power_mW: 1 }] });
    expect(Array.from(t.series('m', 1)[0])).toEqual([2, 3, 4]);
    expect(t.series('m', 2)[0].length).toBe(0);
  });
});
