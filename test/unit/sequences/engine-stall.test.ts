// The engine when an instrument stops answering (a reply timeout) rather than dropping its link: the run
// pauses ('not answering'), the session is resynchronised and re-identified, the stalled role's state is
// read back, and the step goes on from its last point; the same command timing out again right after a
// successful recovery is one fault bounded by the deadline, not a loop.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ReplyFormatError, TimeoutError, TruncatedBlockError } from '../../../drivers/errors.ts';
import { RunEngine } from '../../../sequences/engine/engine.ts';
import { MemoryRecords } from '../../../sequences/engine/records-port.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import { registry } from '../../../sequences/steps/index.ts';
import type { StepContext, StepDefinition } from '../../../sequences/step.ts';
import { fakeBench } from './fake-bench.ts';
import { load, withSteps } from './fixtures.ts';

const hooks: { onPoint?: (i: number, ctx: StepContext) => Promise<void> | void; runs: (number | null)[] } = { runs: [] };

const countStep: StepDefinition<{ n: number }> = {
  kind: 'count',
  schema: z.object({ n: z.number() }),
  tables: () => [{ name: 'counts', columns: ['i'] }],
  estimate_s: (p) => p.n,
  async run(ctx, p) {
    hooks.runs.push(ctx.resume?.completedPoints ?? null);
    for (let i = ctx.resume?.completedPoints ?? 0; i < p.n; i++) {
      await ctx.checkpoint();
      await hooks.onPoint?.(i, ctx);
      await ctx.point('counts', { i });
    }
    return { measurements: {} };
  },
};

function setup(n: number) {
  hooks.onPoint = undefined;
  hooks.runs = [];
  const { bench, log, sessions } = fakeBench();
  const plan = buildPlan(load(withSteps(`  - count: { n: ${n} }\n`)), { registry: [...registry, countStep] });
  const records = new MemoryRecords();
  let wall = 0;
  const engine = new RunEngine({
    plan, bench, records, runId: 'stall', now_s: () => wall / 1000, wallNow_ms: () => wall,
    sleep_ms: async (ms) => {
      wall += ms;
    },
    recovery: { deadline_s: 10, backoff_s: 0.5, maxBackoff_s: 4 }, abortGrace_s: 0.05,
  });
  const events: RunEvent[] = [];
  engine.on((e) => events.push(e));
  return { engine, events, log, records, sessions, bench, advance: (ms: number) => (wall += ms) };
}

const timeout = (resource: string, command: string) => new TimeoutError(resource, command, 2000);

describe('a stalled instrument during a run', () => {
  it('a reply timeout pauses the run (not answering), resynchronises, re-reads the laser and continues from the last point', async () => {
    const { engine, events, records, log, bench } = setup(5);
    const laser = bench.get('laser') as unknown as { output(): Promise<boolean> };
    laser.output = async () => {
      log.calls.push('read laser output');
      return true;
    };
    let stalled = false;
    hooks.onPoint = (i) => {
      if (i === 2 && !stalled) {
        stalled = true;
        throw timeout('SIM::laser', ':SOUR0:POW?');
      }
    };
    const result = await engine.run();
    expect(result.status).toBe('passed');
    expect(events.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'laser', reason: 'not answering', fault: 1, error: expect.stringMatching(/timeout after 2000 ms/) });
    expect(events.find((e) => e.type === 'instrument-restored')).toMatchObject({ role: 'laser', reason: 'not answering' });
    expect(log.calls).toEqual(expect.arrayContaining(['identify laser', 'read laser output']));
    expect(log.calls.indexOf('read laser output')).toBeGreaterThan(log.calls.indexOf('identify laser'));
    expect(events.find((e) => e.type === 'log')).toMatchObject({ message: 'after the stall, re-read before going on: laser output on' });
    expect(hooks.runs).toEqual([null, 2]);
    expect(records.rows.get('count/counts')?.map((r) => r.i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a timeout inside a truncated block is a stall too', async () => {
    const { engine, events } = setup(3);
    let stalled = false;
    hooks.onPoint = (i) => {
      if (i === 1 && !stalled) {
        stalled = true;
        throw new TruncatedBlockError('SIM::meter', ':SENS1:FUNC:RES?', 10, 400, timeout('SIM::meter', ':SENS1:FUNC:RES?'));
      }
    };
    expect((await engine.run()).status).toBe('passed');
    expect(events.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'meter', reason: 'not answering' });
  });

  it('the same command timing out again after each successful resync is one fault, ended by the deadline', async () => {
    const { engine, events, records, advance } = setup(4);
    hooks.onPoint = (i) => {
      if (i === 1) {
        advance(2000); // each try waits out its 2 s reply timeout
        throw timeout('SIM::meter', ':READ1:POW?');
      }
    };
    const result = await engine.run();
    expect(result.status).toBe('aborted');
    const lost = events.filter((e) => e.type === 'instrument-lost');
    expect(new Set(lost.map((e) => e.fault))).toEqual(new Set([1]));
    expect(lost.length).toBeGreaterThan(2);
    expect(lost.length).toBeLessThan(10);
    expect(lost[1]).toMatchObject({ recurrence: 1 });
    expect(events.some((e) => e.type === 'warning' && /':READ1:POW\?' timed out again after a successful resync/.test(e.message))).toBe(true);
    expect(events.at(-1)).toMatchObject({
      type: 'aborted', reason: 'instrument-lost',
      message: expect.stringMatching(/meter \(SIM::meter\) did not come back within 10 s: ':READ1:POW\?' timed out again after every resync/),
    });
    expect(records.rows.get('count/counts')?.map((r) => r.i)).toEqual([0]);
  });

  it('a stall on the same command after the step made progress is a new fault with a fresh deadline', async () => {
    const { engine, events } = setup(6);
    const stallAt = new Set([1, 4]);
    hooks.onPoint = (i) => {
      if (stallAt.delete(i)) throw timeout('SIM::meter', ':READ1:POW?');
    };
    expect((await engine.run()).status).toBe('passed');
    const lost = events.filter((e) => e.type === 'instrument-lost');
    expect(lost.map((e) => [e.fault, e.recurrence])).toEqual([[1, undefined], [2, undefined]]);
  });

  it('a stall on the same command after that command got through again is a new fault, although the step recorded nothing', async () => {
    const { engine, events, sessions } = setup(3);
    let tries = 0;
    hooks.onPoint = (i) => {
      if (i !== 1) return;
      tries++;
      if (tries === 1) throw timeout('SIM::meter', ':READ1:POW?');
      if (tries === 2) {
        expect(sessions.meter?.watched).toBe(':READ1:POW?');
        sessions.meter!.answered = true; // read once after the resync, then another stall on the next read
        throw timeout('SIM::meter', ':READ1:POW?');
      }
    };
    expect((await engine.run()).status).toBe('passed');
    const lost = events.filter((e) => e.type === 'instrument-lost');
    expect(lost.map((e) => [e.fault, e.recurrence])).toEqual([[1, undefined], [2, undefined]]);
    expect(events.some((e) => e.type === 'warning' && /timed out again after a successful resync/.test(e.message))).toBe(false);
  });

  it('a timeout from an instrument not on the bench is a step failure, not a stall', async () => {
    const { engine, events } = setup(3);
    hooks.onPoint = (i) => {
      if (i === 1) throw timeout('TCPIP0::10.0.0.9::5025::SOCKET', '*IDN?');
    };
    expect((await engine.run()).status).toBe('error');
    expect(events.some((e) => e.type === 'instrument-lost')).toBe(false);
  });
});

describe('a garbled reply during a run', () => {
  it('is a fault like a stall: re-identified, the state re-read, the step continued; one that always garbles ends at the deadline', async () => {
    const once = setup(4);
    let garbled = false;
    hooks.onPoint = (i) => {
      if (i === 2 && !garbled) {
        garbled = true;
        throw new ReplyFormatError('SIM::meter', ':READ1:POW?', '~D}/9bb', 'a number');
      }
    };
    expect((await once.engine.run()).status).toBe('passed');
    expect(once.events.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'meter', reason: 'garbled reply' });
    expect(once.records.rows.get('count/counts')?.map((r) => r.i)).toEqual([0, 1, 2, 3]);

    const always = setup(3);
    hooks.onPoint = (i) => {
      if (i === 1) {
        always.advance(1000);
        throw new ReplyFormatError('SIM::meter', ':READ1:POW?', 'junk', 'a number');
      }
    };
    expect((await always.engine.run()).status).toBe('aborted');
    expect(always.events.at(-1)).toMatchObject({ message: expect.stringMatching(/':READ1:POW\?' was garbled again after every resync/) });
  });
});
