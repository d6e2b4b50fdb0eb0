// Tracking in the align step, on the synthetic bench: its own bound (`for`, in watched time) apart from
// max_time, which bounds each alignment; and after a resume, only the tracking not yet recorded.
import { describe, expect, it } from 'vitest';
import { AlignTimeoutError } from '../../../../sequences/steps/align/errors.ts';
import { alignStep } from '../../../../sequences/steps/align/align-step.ts';
import { TRACK_TABLE } from '../../../../sequences/steps/align/tracking.ts';
import type { Bench, ResumeInfo, Row, StepContext } from '../../../../sequences/step.ts';
import { FakeFlyBench } from './fake-fly-bench.ts';

const peak = { x_um: 1000, y_um: 2000 };

function stepContext(bench: FakeFlyBench, resume: ResumeInfo | null = null) {
  const rows: { table: string; row: Row }[] = [];
  const logs: string[] = [];
  const ctx: StepContext = {
    bench: { get: (role: string) => (role === 'stage' ? bench.stage : bench.meter) } as unknown as Bench,
    stepId: 'align',
    loop: {},
    now_s: () => bench.t,
    signal: new AbortController().signal,
    checkpoint: async () => undefined,
    point: async (table, row) => {
      rows.push({ table, row });
    },
    points: async (table, burst) => {
      for (const row of burst) rows.push({ table, row });
    },
    fit: () => undefined,
    log: (m) => logs.push(m),
    warn: (m) => logs.push(m),
    resume,
    saveState: async () => undefined,
  };
  return { ctx, rows, logs, track: () => rows.filter((r) => r.table === TRACK_TABLE).map((r) => r.row) };
}

const body = (extra: Record<string, unknown> = {}) => alignStep.schema.parse({
  center: { X: '1010um', Y: '1990um' }, fly_acceleration: '200mm/s2', final_averaging: '10ms', max_time: '1s',
  track: { every: '2s', drop: '0.5dB', for: '20s' }, ...extra,
});

function resumeWith(trackRows: Row[], withRows = true): ResumeInfo {
  return {
    completedPoints: 500 + trackRows.length,
    pointsByTable: { align_scan: 500, [TRACK_TABLE]: trackRows.length },
    ...(withRows ? { rows: { align_scan: [], [TRACK_TABLE]: trackRows } } : {}),
  };
}

const checkRow = (realigned: boolean): Row => ({ t_s: 1, power_dBm: -20, drop_dB: 0, realigned, x_um: 1000, y_um: 2000 });

describe('align step tracking', () => {
  it('tracks for its `for` however short max_time is: max_time bounds the alignment only', async () => {
    // The alignment takes a few tenths of a second; 20 s of tracking on a 1 s max_time.
    const bench = new FakeFlyBench({ peak, start: { x_um: 1010, y_um: 1990 } });
    const s = stepContext(bench);
    const out = await alignStep.run(s.ctx, body());
    expect(s.track()).toHaveLength(10);
    expect(out.measurements.time_s!.value).toBeLessThan(1);
    expect(out.notes?.some((n) => /^tracking: 0 re-alignments in 20 s$/.test(n))).toBe(true);
    expect(bench.t).toBeGreaterThan(20);
  });

  it('the alignment itself still honours max_time', async () => {
    const bench = new FakeFlyBench({ peak, start: { x_um: 1010, y_um: 1990 } });
    const s = stepContext(bench);
    await expect(alignStep.run(s.ctx, body({ max_time: '50ms' }))).rejects.toThrow(AlignTimeoutError);
    expect(s.track()).toHaveLength(0);
  });

  it('after a resume, aligns again and tracks only what the recorded checks had not watched', async () => {
    const bench = new FakeFlyBench({ peak, start: { x_um: 1010, y_um: 1990 } });
    const s = stepContext(bench, resumeWith([checkRow(false), checkRow(true), checkRow(false), checkRow(false)]));
    const out = await alignStep.run(s.ctx, body());
    expect(s.track()).toHaveLength(6);
    expect(s.logs[0]).toBe('align: resuming — the alignment restarts from first light; then tracking for the 12 s of 20 s not yet watched (4 checks recorded)');
    expect(out.notes?.some((n) => n === 'tracking: 1 re-alignments in 20 s (8 s and 1 re-alignments of them before the interruption)')).toBe(true);
    // Aligned again: the fiber is on the peak and the scan table has this run's readings.
    expect(s.rows.filter((r) => r.table === 'align_scan').length).toBeGreaterThan(100);
  });

  it('counts the recorded checks where the context cannot read the rows back', async () => {
    const bench = new FakeFlyBench({ peak, start: { x_um: 1010, y_um: 1990 } });
    const s = stepContext(bench, resumeWith(Array.from({ length: 7 }, () => checkRow(false)), false));
    await alignStep.run(s.ctx, body());
    expect(s.track()).toHaveLength(3);
  });

  it('a resume after the last check aligns and tracks no more; a `for` not a multiple of `every` ends on a short check', async () => {
    const bench = new FakeFlyBench({ peak, start: { x_um: 1010, y_um: 1990 } });
    const s = stepContext(bench, resumeWith(Array.from({ length: 10 }, () => checkRow(false))));
    const out = await alignStep.run(s.ctx, body());
    expect(s.track()).toHaveLength(0);
    expect(out.measurements.power_dBm!.value).toBeGreaterThan(-20.5);
    const odd = stepContext(new FakeFlyBench({ peak, start: { x_um: 1010, y_um: 1990 } }));
    await alignStep.run(odd.ctx, body({ track: { every: '2s', drop: '0.5dB', for: '5s' } }));
    expect(odd.track()).toHaveLength(3);
  });
});
