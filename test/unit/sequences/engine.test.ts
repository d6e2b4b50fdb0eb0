// The engine with fake steps on a fake bench: event order, pause/resume/abort at any point ('pausing' at the
// request, 'paused' when the run really holds), the bench made safe on abort and on error, instrument loss →
// paused → reconnect with backoff → restored, or the deadline.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunEngine } from '../../../sequences/engine/engine.ts';
import { MemoryRecords } from '../../../sequences/engine/records-port.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import { registry } from '../../../sequences/steps/index.ts';
import type { StepContext, StepDefinition } from '../../../sequences/step.ts';
import { fakeBench, type FakeSession } from './fake-bench.ts';
import { load, withSteps } from './fixtures.ts';

interface CountParams {
  n: number;
  failAt?: number;
  loseAt?: number;
}

/** Hooks a test sets to act at a given point of the `count` step. */
const hooks: { onPoint?: (i: number, ctx: StepContext) => Promise<void> | void; runs: { resume: number | null }[] } = { runs: [] };

const countStep: StepDefinition<CountParams> = {
  kind: 'count',
  schema: z.object({ n: z.number(), failAt: z.number().optional(), loseAt: z.number().optional() }),
  tables: () => [{ name: 'counts', columns: ['i', 'v_dB'] }],
  measurements: () => ({ total: '' }),
  estimate_s: (p) => p.n,
  async run(ctx, p) {
    hooks.runs.push({ resume: ctx.resume?.completedPoints ?? null });
    for (let i = ctx.resume?.completedPoints ?? 0; i < p.n; i++) {
      await ctx.checkpoint();
      await hooks.onPoint?.(i, ctx);
      if (i === p.failAt) throw new Error('the DUT caught fire');
      await ctx.point('counts', { i, v_dB: i / 2 });
    }
    return { measurements: { total: { value: p.n, unit: '' } } };
  },
};

/** A step that never looks at its signal. */
const stubbornStep: StepDefinition<Record<string, never>> = {
  kind: 'stubborn',
  schema: z.object({}),
  tables: () => [],
  estimate_s: () => 1,
  run: () => new Promise(() => {}),
};

const REGISTRY = [...registry, countStep, stubbornStep];

function setup(steps: string, extra = '', opts: { sessions?: (s: Record<string, FakeSession>) => void } = {}) {
  hooks.onPoint = undefined;
  hooks.runs = [];
  const { bench, log, sessions } = fakeBench();
  opts.sessions?.(sessions);
  const plan = buildPlan(load(withSteps(steps, extra)), { registry: REGISTRY });
  const records = new MemoryRecords();
  let clock = 0;
  let wall = 0;
  const sleeps: number[] = [];
  const engine = new RunEngine({
    plan, bench, records, runId: 'test-run', now_s: () => (clock += 0.001),
    wallNow_ms: () => wall, sleep_ms: async (ms) => {
      sleeps.push(ms);
      wall += ms;
    },
    recovery: { deadline_s: 10, backoff_s: 0.5, maxBackoff_s: 4 },
    benchWait: async (d) => {
      clock += d;
    },
    abortGrace_s: 0.05,
  });
  const events: RunEvent[] = [];
  engine.on((e) => {
    events.push(e);
    log.calls.push(`event ${e.type}`);
  });
  return { engine, events, log, records, sessions, sleeps };
}

const types = (events: RunEvent[]) => events.map((e) => e.type);

describe('RunEngine', () => {
  it('emits run-started, step events, points and finished, in order', async () => {
    const { engine, events, records } = setup('  - count: { n: 3 }\n  - log: hello\n', 'limits:\n  - { measurement: total, min: 3 }\n');
    const result = await engine.run();
    expect(result).toMatchObject({ status: 'passed', passed: true });
    expect(types(events)).toEqual(['run-started', 'step-started', 'point', 'point', 'point', 'step-finished', 'step-started', 'log', 'step-finished', 'finished']);
    expect(events[0]).toMatchObject({ type: 'run-started', runId: 'test-run', steps: [{ stepId: 'count', estimate_s: 3 }, { stepId: 'log' }], estimate_s: 3 });
    expect(events.filter((e) => e.type === 'point').map((e) => (e as { index: number }).index)).toEqual([0, 1, 2]);
    const times = events.map((e) => e.t_s);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(records.rows.get('count/counts')).toEqual([{ i: 0, v_dB: 0 }, { i: 1, v_dB: 0.5 }, { i: 2, v_dB: 1 }]);
    expect(records.finished?.status).toBe('passed');
  });

  it('a failed limit gives status failed', async () => {
    const { engine } = setup('  - count: { n: 2 }\n', 'limits:\n  - { measurement: total, min: 3 }\n');
    expect(await engine.run()).toMatchObject({ status: 'failed', passed: false, limits: [{ stepId: 'count', value: 2, passed: false }] });
  });

  it('pauses at the next checkpoint and resumes where it was', async () => {
    const { engine, events } = setup('  - count: { n: 4 }\n');
    const seen: { state?: string; points?: number } = {};
    hooks.onPoint = (i) => {
      if (i === 1) {
        engine.pause();
        setTimeout(() => {
          seen.state = engine.state;
          seen.points = events.filter((e) => e.type === 'point').length;
          engine.resume();
        }, 20);
      }
    };
    let stateAtRequest: string | undefined;
    engine.on((e) => {
      if (e.type === 'pausing') stateAtRequest = engine.state;
    });
    const result = await engine.run();
    expect(result.status).toBe('passed');
    expect(stateAtRequest).toBe('pausing');
    expect(seen).toEqual({ state: 'paused', points: 2 });
    // pause() is heard at once ('pausing'); the point of the iteration under way is written; 'paused' comes
    // when the step holds at its next checkpoint, and nothing after it until resume().
    expect(types(events)).toEqual(['run-started', 'step-started', 'point', 'pausing', 'point', 'paused', 'resumed', 'point', 'point', 'step-finished', 'finished']);
    expect(events.find((e) => e.type === 'paused')).toMatchObject({ reason: 'user', stepId: 'count' });
  });

  it('a resume while still pausing withdraws the pause: the run never holds', async () => {
    const { engine, events } = setup('  - count: { n: 3 }\n');
    hooks.onPoint = (i) => {
      if (i === 1) {
        engine.pause();
        engine.resume();
      }
    };
    expect((await engine.run()).status).toBe('passed');
    expect(types(events)).toEqual(['run-started', 'step-started', 'point', 'pausing', 'resumed', 'point', 'point', 'step-finished', 'finished']);
  });

  it('a listener may resume as soon as it hears "paused"', async () => {
    const { engine, events } = setup('  - count: { n: 3 }\n');
    engine.on((e) => {
      if (e.type === 'paused') engine.resume();
    });
    hooks.onPoint = (i) => {
      if (i === 0) engine.pause();
    };
    expect((await engine.run()).status).toBe('passed');
    expect(types(events)).toEqual(['run-started', 'step-started', 'pausing', 'point', 'paused', 'resumed', 'point', 'point', 'step-finished', 'finished']);
  });

  it('a pause asked between steps holds before the next step starts', async () => {
    const { engine, events } = setup('  - count: { n: 1 }\n  - log: next\n');
    engine.on((e) => {
      if (e.type === 'step-finished' && e.stepId === 'count') engine.pause();
      if (e.type === 'paused') setTimeout(() => engine.resume(), 5);
    });
    expect((await engine.run()).status).toBe('passed');
    expect(types(events)).toEqual(['run-started', 'step-started', 'point', 'step-finished', 'pausing', 'paused', 'resumed', 'step-started', 'log', 'step-finished', 'finished']);
    expect(events.find((e) => e.type === 'paused')).toMatchObject({ stepId: null });
  });

  it('abort: bench made safe before the records close and the aborted event', async () => {
    const { engine, events, log, records } = setup('  - count: { n: 10 }\n  - log: never\n');
    hooks.onPoint = (i) => {
      if (i === 3) engine.abort('operator pressed stop');
    };
    const result = await engine.run();
    expect(result).toMatchObject({ status: 'aborted', passed: null, message: 'operator pressed stop' });
    expect(records.rows.get('count/counts')).toHaveLength(3);
    const aborted = events.at(-1);
    expect(aborted).toMatchObject({ type: 'aborted', reason: 'user', stepId: 'count', safe: { ok: true } });
    const firstSafe = log.calls.findIndex((c) => c.startsWith('safe'));
    expect(log.calls.filter((c) => c.startsWith('safe')).sort()).toEqual(['safe laser', 'safe meter', 'safe stage']);
    expect(firstSafe).toBeLessThan(log.calls.indexOf('event step-finished'));
    expect(records.ends.get('count')).toMatchObject({ status: 'aborted' });
    expect(records.finished?.status).toBe('aborted');
    expect(types(events)).not.toContain('finished');
  });

  it('abort while paused ends the run', async () => {
    const { engine, events, log } = setup('  - count: { n: 5 }\n');
    hooks.onPoint = (i) => {
      if (i === 2) {
        engine.pause();
        setTimeout(() => engine.abort(), 10);
      }
    };
    expect((await engine.run()).status).toBe('aborted');
    expect(types(events)).toContain('paused');
    expect(log.calls).toContain('safe laser');
  });

  it('abort does not wait for a step that ignores its signal', async () => {
    const { engine, log } = setup('  - stubborn: {}\n');
    setTimeout(() => engine.abort(), 10);
    expect((await engine.run()).status).toBe('aborted');
    expect(log.calls).toContain('safe stage');
  });

  it('a failing step makes the bench safe and ends the run with status error', async () => {
    const { engine, events, log, records } = setup('  - count: { n: 5, failAt: 2 }\n  - log: never\n');
    const result = await engine.run();
    expect(result.status).toBe('error');
    expect(result.message).toBe('step count failed: the DUT caught fire');
    expect(events.at(-1)).toMatchObject({ type: 'aborted', reason: 'error', stepId: 'count' });
    expect(log.calls.filter((c) => c.startsWith('safe'))).toHaveLength(3);
    expect(records.ends.get('count')).toMatchObject({ status: 'error', error: 'step count failed: the DUT caught fire' });
  });

  it('instrument loss: paused, reconnected with backoff, restored, the step continued from its last point', async () => {
    const { engine, events, records, sessions, sleeps } = setup('  - count: { n: 6 }\n');
    const meter = sessions.meter!;
    meter.failIdentify = 2;
    hooks.onPoint = (i) => {
      if (i === 3 && meter.reopens === 0) throw meter.lose();
    };
    const result = await engine.run();
    expect(result.status).toBe('passed');
    expect(types(events)).toEqual([
      'run-started', 'step-started', 'point', 'point', 'point',
      'instrument-lost', 'paused', 'warning', 'warning', 'instrument-restored', 'resumed',
      'point', 'point', 'point', 'step-finished', 'finished',
    ]);
    expect(events.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'meter', resource: 'SIM::meter', deadline_s: 10 });
    expect(events.find((e) => e.type === 'paused')).toMatchObject({ reason: 'instrument-lost', stepId: 'count' });
    expect(events.find((e) => e.type === 'instrument-restored')).toMatchObject({ role: 'meter', identity: 'FAKE,meter', attempts: 3 });
    expect(sleeps).toEqual([500, 1000]);
    expect(hooks.runs).toEqual([{ resume: null }, { resume: 3 }]);
    expect(records.rows.get('count/counts')?.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a pause asked just before an instrument is lost: held for the reconnect, then pausing again until the step holds', async () => {
    const { engine, events, sessions } = setup('  - count: { n: 5 }\n');
    const meter = sessions.meter!;
    hooks.onPoint = (i) => {
      if (i === 2 && meter.reopens === 0) {
        engine.pause();
        throw meter.lose();
      }
    };
    const states: string[] = [];
    engine.on((e) => {
      if (e.type === 'paused' && e.reason === 'user') setTimeout(() => engine.resume(), 5);
      if (e.type === 'instrument-restored' || e.type === 'paused') states.push(`${e.type}:${engine.state}`);
    });
    expect((await engine.run()).status).toBe('passed');
    expect(types(events)).toEqual([
      'run-started', 'step-started', 'point', 'point', 'pausing',
      'instrument-lost', 'paused', 'instrument-restored', 'pausing', 'paused', 'resumed',
      'point', 'point', 'point', 'step-finished', 'finished',
    ]);
    expect(events.filter((e) => e.type === 'paused').map((e) => (e as { reason: string }).reason)).toEqual(['instrument-lost', 'user']);
    expect(states).toEqual(['paused:paused', 'instrument-restored:paused', 'paused:paused']);
  });

  it('a resume during the reconnect withdraws the pause asked before the loss, but the run waits for the instrument', async () => {
    const { engine, events, sessions } = setup('  - count: { n: 4 }\n');
    const meter = sessions.meter!;
    meter.failIdentify = 1;
    hooks.onPoint = (i) => {
      if (i === 1 && meter.reopens === 0) {
        engine.pause();
        throw meter.lose();
      }
    };
    engine.on((e) => {
      if (e.type === 'warning') engine.resume();
    });
    expect((await engine.run()).status).toBe('passed');
    expect(types(events)).toEqual([
      'run-started', 'step-started', 'point', 'pausing',
      'instrument-lost', 'paused', 'warning', 'instrument-restored', 'resumed',
      'point', 'point', 'point', 'step-finished', 'finished',
    ]);
  });

  it('a loss reported between exchanges is acted on at the next checkpoint', async () => {
    const { engine, events, sessions } = setup('  - count: { n: 4 }\n');
    hooks.onPoint = (i) => {
      if (i === 1 && sessions.laser!.reopens === 0) sessions.laser!.lose();
    };
    expect((await engine.run()).status).toBe('passed');
    expect(events.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'laser' });
    expect(sessions.laser!.reopens).toBe(1);
  });

  it('an instrument not back by the deadline aborts the run safely', async () => {
    const { engine, events, log, sessions, sleeps } = setup('  - count: { n: 6 }\n');
    sessions.meter!.failIdentify = Infinity;
    hooks.onPoint = (i) => {
      if (i === 2) throw sessions.meter!.lose();
    };
    const result = await engine.run();
    expect(result.status).toBe('aborted');
    expect(result.message).toMatch(/meter \(SIM::meter\) did not come back within 10 s \(\d+ attempts; last: SIM::meter does not answer\)/);
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 2500]);
    expect(events.at(-1)).toMatchObject({ type: 'aborted', reason: 'instrument-lost', safe: { ok: true } });
    expect(log.calls.filter((c) => c.startsWith('safe'))).toHaveLength(3);
  });

  it('skips steps a previous run completed and keeps their measurements for the limits', async () => {
    const { engine, events, records } = setup('  - count: { n: 2 }\n  - count: { n: 3 }\n', 'limits:\n  - { measurement: total, min: 2 }\n');
    await records.endStep('count', { status: 'done', duration_s: 1, measurements: { total: { value: 2, unit: '' } }, fits: {}, notes: [] });
    const result = await engine.run();
    expect(result.status).toBe('passed');
    expect(events[0]).toMatchObject({ resumed: true, completed: ['count'] });
    expect(events.filter((e) => e.type === 'step-started').map((e) => (e as { stepId: string }).stepId)).toEqual(['count#2']);
    expect(result.limits.map((l) => l.stepId)).toEqual(['count', 'count#2']);
  });

  it('wait uses bench time', async () => {
    const { engine, events } = setup('  - wait: 2h\n');
    await engine.run();
    expect(events.find((e) => e.type === 'step-finished')).toMatchObject({ stepId: 'wait' });
    expect((events.at(-1) as { duration_s: number }).duration_s).toBeGreaterThanOrEqual(7200);
  });
});
