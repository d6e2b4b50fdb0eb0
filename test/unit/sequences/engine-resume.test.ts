// A resumed run on the engine with fake steps: the alignment the next step stands on is run again before
// it, into the restoration's own records (never the finished step's table), an instrument lost meanwhile
// is reconnected and the restoration repeated, and a failing re-alignment stops the run safely.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunEngine } from '../../../sequences/engine/engine.ts';
import { MemoryRecords } from '../../../sequences/engine/records-port.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import { registry } from '../../../sequences/steps/index.ts';
import type { StepContext, StepDefinition } from '../../../sequences/step.ts';
import { fakeBench } from './fake-bench.ts';
import { load, withSteps } from './fixtures.ts';

const calls: { resume: boolean; track: unknown }[] = [];
let onAlign: (ctx: StepContext, attempt: number) => Promise<void> | void = () => {};

/** Stands in for the real align step (same kind): three readings, a power measurement. */
const fakeAlign: StepDefinition<{ track?: unknown }> = {
  kind: 'align',
  schema: z.object({ search_radius: z.string().optional(), track: z.unknown().optional() }),
  tables: (p) => [{ name: 'align_scan', columns: ['x_um', 'power_dBm'] }, ...(p.track ? [{ name: 'align_track', columns: ['t_s'] }] : [])],
  measurements: () => ({ power_dBm: 'dBm' }),
  estimate_s: () => 1,
  async run(ctx, p) {
    calls.push({ resume: ctx.resume !== null, track: p.track });
    await onAlign(ctx, calls.length);
    for (let i = 0; i < 3; i++) await ctx.point('align_scan', { x_um: i, power_dBm: -20 - i });
    ctx.log('peaked');
    return { measurements: { power_dBm: { value: -23.5, unit: 'dBm' } } };
  },
};

const countStep: StepDefinition<{ n: number }> = {
  kind: 'count',
  schema: z.object({ n: z.number() }),
  tables: () => [{ name: 'counts', columns: ['i'] }],
  estimate_s: (p) => p.n,
  async run(ctx, p) {
    for (let i = ctx.resume?.completedPoints ?? 0; i < p.n; i++) await ctx.point('counts', { i });
    return { measurements: {} };
  },
};

const REGISTRY = [...registry.filter((d) => d.kind !== 'align'), fakeAlign, countStep];

async function resumed(steps: string, done: string[], restoreOnResume = true) {
  calls.length = 0;
  const { bench, log, sessions } = fakeBench();
  const plan = buildPlan(load(withSteps(steps)), { registry: REGISTRY });
  const records = new MemoryRecords();
  for (const stepId of done) {
    await records.endStep(stepId, { status: 'done', duration_s: 1, measurements: { power_dBm: { value: -20, unit: 'dBm' } }, fits: {}, notes: [] });
  }
  let clock = 0;
  let wall = 0;
  const engine = new RunEngine({
    plan, bench, records, runId: 'resumed', now_s: () => (clock += 0.001), restoreOnResume,
    wallNow_ms: () => wall, sleep_ms: async (ms) => {
      wall += ms;
    },
    recovery: { deadline_s: 10, backoff_s: 0.5, maxBackoff_s: 4 }, abortGrace_s: 0.05,
  });
  const events: RunEvent[] = [];
  engine.on((e) => events.push(e));
  return { engine, events, records, log, sessions };
}

const messages = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'log' || e.type === 'warning' ? [`${e.type}: ${e.message}`] : []));

describe('a resumed run restores the bench before it continues', () => {
  it('re-runs the finished alignment into its own records, then continues the next step', async () => {
    onAlign = () => {};
    const { engine, events, records } = await resumed('  - align: { search_radius: 35um, track: { every: 60s } }\n  - count: { n: 2 }\n', ['align']);
    const result = await engine.run();
    expect(result.status).toBe('passed');
    expect(calls).toEqual([{ resume: false, track: undefined }]);
    expect(messages(events)).toEqual([
      'log: resuming: putting the bench back as the finished steps left it before count continues',
      'log: resuming: running align again (without its tracking) so that count stands on an aligned fiber; its readings go to (memory) align_scan',
      'log: resuming (align again): peaked',
      'warning: resuming: align again: -23.50 dBm (-3.50 dB against the -20.00 dBm it found before the interruption): the coupling changed across the interruption',
    ]);
    // The finished step's table is untouched; the re-run's rows are the restoration's.
    expect(records.rows.get('align/align_scan')).toBeUndefined();
    expect(records.restorations).toHaveLength(1);
    expect(records.restorations[0]).toMatchObject({
      info: { before: 'count', applied: [], rerun: { step: { stepId: 'align' }, body: { search_radius: '35um' } } },
      rows: { align_scan: [{ x_um: 0, power_dBm: -20 }, { x_um: 1, power_dBm: -21 }, { x_um: 2, power_dBm: -22 }] },
      end: { status: 'done', measurements: { power_dBm: { value: -23.5 } } },
    });
    expect(events.filter((e) => e.type === 'point').every((e) => e.stepId === 'count')).toBe(true);
    const firstStep = events.findIndex((e) => e.type === 'step-started');
    expect(events.findIndex((e) => e.type === 'log')).toBeLessThan(firstStep);
  });

  it('an instrument lost during the re-alignment is reconnected and the restoration done again', async () => {
    const { engine, events, records, sessions } = await resumed('  - align: {}\n  - count: { n: 1 }\n', ['align']);
    onAlign = (_ctx, attempt) => {
      if (attempt === 1) throw sessions.stage!.lose();
    };
    expect((await engine.run()).status).toBe('passed');
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['instrument-lost', 'instrument-restored']));
    expect(events.find((e) => e.type === 'paused')).toMatchObject({ reason: 'instrument-lost', stepId: null });
    expect(calls).toHaveLength(2);
    expect(records.restorations.map((r) => r.end?.status)).toEqual(['error', 'done']);
  });

  it('a re-alignment that fails stops the run with the bench made safe, before the next step starts', async () => {
    onAlign = (_ctx, attempt) => {
      if (attempt === 1) throw new Error('no light within 35 µm');
    };
    const { engine, events, log } = await resumed('  - align: {}\n  - count: { n: 1 }\n', ['align']);
    const result = await engine.run();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^resuming: running align again before count failed: no light within 35 µm; the bench is not as the interrupted run had it/);
    expect(events.some((e) => e.type === 'step-started')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'aborted', reason: 'error', stepId: null, safe: { ok: true } });
    expect(log.calls.filter((c) => c.startsWith('safe'))).toHaveLength(3);
  });

  it('a fresh run restores nothing; without restoreOnResume a resumed one neither', async () => {
    onAlign = () => {};
    const fresh = await resumed('  - align: {}\n  - count: { n: 1 }\n', []);
    await fresh.engine.run();
    expect(calls).toHaveLength(1);
    expect(fresh.records.restorations).toEqual([]);
    const off = await resumed('  - align: {}\n  - count: { n: 1 }\n', ['align'], false);
    expect((await off.engine.run()).status).toBe('passed');
    expect(calls).toEqual([]);
    expect(off.records.restorations).toEqual([]);
  });
});
