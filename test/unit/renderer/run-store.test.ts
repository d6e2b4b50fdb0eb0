import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunState } from '../../../service/bench-api.ts';
import { setBench } from '../../../renderer/api/bench-access.ts';
import { setFrameScheduler } from '../../../renderer/plots/frame-batcher.ts';
import { useHistoryStore } from '../../../renderer/stores/history.ts';
import { useResultsStore } from '../../../renderer/stores/results.ts';
import { useRunStore } from '../../../renderer/stores/run.ts';
import { FakeBench, settle } from './fake-bench.ts';
import { ev, point, runStarted } from './run-events.ts';

function runState(phase: RunState['phase'], runId: string | null = 'r1'): RunState {
  return {
    phase, runId, runFolder: null, sequence: 's', dut: 'd', stepId: null, stepIndex: 0, stepCount: 2, estimate_s: 20,
    elapsed_s: 5, remaining_s: 15, events: 0, passed: phase === 'passed' ? true : null, message: null,
  };
}

/** A run's events in order: started, one sweep step with n points, finished. */
function events(runId: string, n: number): RunEvent[] {
  return [
    runStarted(runId, [{ stepId: 'sweep', kind: 'sweep' }]),
    ev(runId, 1, { type: 'step-started', stepId: 'sweep', kind: 'sweep', index: 0, total: 1, estimate_s: 5, remaining_s: 5, loop: {} }),
    ...Array.from({ length: n }, (_, i) => point(runId, 'sweep', 'spectrum', i, { wavelength_nm: 1500 + i, loss_dB: 5 })),
    ev(runId, 9, { type: 'log', stepId: 'sweep', message: 'swept' }),
    ev(runId, 10, { type: 'step-finished', stepId: 'sweep', kind: 'sweep', status: 'done', duration_s: 4, measurements: {} }),
  ];
}

describe('run store', () => {
  let fake: FakeBench;
  let frames: (() => void)[];
  const runFrames = () => { const f = frames; frames = []; f.forEach((cb) => cb()); };

  beforeEach(() => {
    setActivePinia(createPinia());
    fake = new FakeBench();
    frames = [];
    setFrameScheduler((cb) => frames.push(cb));
    fake.handlers = {
      runState: async () => runState('idle', null),
      runEvents: async () => ({ runId: null, events: [], next: 0 }),
      listRuns: async () => [],
    };
    setBench(fake.bridge);
  });

  afterEach(() => {
    setBench(null);
    setFrameScheduler(null);
  });

  it('hands a burst of pushed events to the results in one frame: one version change for all points', async () => {
    const run = useRunStore();
    const results = useResultsStore();
    await run.init();
    const all = events('r1', 500);
    const v0 = results.version;
    all.forEach((e, index) => fake.emit('run', { index, event: e }));
    expect(results.live?.steps.get('sweep')?.tables.get('spectrum')?.length ?? 0).toBe(0);
    expect(frames.length).toBe(1);
    runFrames();
    expect(results.live?.steps.get('sweep')?.tables.get('spectrum')?.length).toBe(500);
    expect(results.version - v0).toBeLessThanOrEqual(2);
    expect(run.steps.map((s) => [s.stepId, s.status])).toEqual([['sweep', 'done']]);
    expect(run.log.map((l) => l.text)).toEqual([
      expect.stringMatching(/^started test-seq on DUT-1: 1 steps/), expect.stringMatching(/^step 1\/1 sweep/), 'swept', expect.stringMatching(/^sweep done in/),
    ]);
  });

  it('drops duplicates and fills a gap from runEvents before going on', async () => {
    const run = useRunStore();
    const results = useResultsStore();
    await run.init();
    const all = events('r1', 6);
    fake.handlers.runEvents = async ({ since }) => ({ runId: 'r1', events: all.slice(since, 5), next: 5 });
    fake.emit('run', { index: 0, event: all[0] as RunEvent });
    fake.emit('run', { index: 0, event: all[0] as RunEvent });
    fake.emit('run', { index: 5, event: all[5] as RunEvent });
    fake.emit('run', { index: 6, event: all[6] as RunEvent });
    await settle();
    runFrames();
    expect(fake.callsOf('runEvents')).toEqual([{ since: 1 }]);
    const wl = results.live?.steps.get('sweep')?.tables.get('spectrum')?.col('wavelength_nm');
    expect(Array.from(wl ?? [])).toEqual([1500, 1501, 1502, 1503, 1504]);
  });

  it('rebuilds the current run from its first event after a reload', async () => {
    const all = events('r7', 3);
    fake.handlers.runState = async () => runState('running', 'r7');
    fake.handlers.runEvents = async ({ since }) => ({ runId: 'r7', events: all.slice(since), next: all.length });
    const run = useRunStore();
    await run.init();
    runFrames();
    expect(fake.callsOf('runEvents')).toEqual([{ since: 0 }]);
    expect(useResultsStore().live?.runId).toBe('r7');
    expect(useResultsStore().live?.steps.get('sweep')?.tables.get('spectrum')?.length).toBe(3);
    expect(run.active).toBe(true);
  });

  it('starts a fresh view when events of a new run arrive', async () => {
    const run = useRunStore();
    await run.init();
    events('r1', 2).forEach((e, index) => fake.emit('run', { index, event: e }));
    runFrames();
    events('r2', 1).slice(0, 2).forEach((e, index) => fake.emit('run', { index, event: e }));
    runFrames();
    expect(useResultsStore().live?.runId).toBe('r2');
    expect(run.log.length).toBe(2);
  });

  it('pause, resume and abort go to the service; a refusal is shown, not thrown', async () => {
    const run = useRunStore();
    await run.init();
    fake.handlers.pauseRun = async () => runState('paused');
    fake.handlers.resumeRun = async () => { throw new Error('resumeRun: no paused run (the run is passed)'); };
    expect(await run.pause()).toBe(true);
    expect(run.paused).toBe(true);
    expect(await run.resume()).toBe(false);
    expect(run.error).toMatch(/no paused run/);
    expect(run.busy).toBe(false);
  });

  it('refreshes the history when a run ends', async () => {
    const run = useRunStore();
    await run.init();
    fake.emit('runState', runState('running'));
    expect(fake.callsOf('listRuns').length).toBe(0);
    fake.handlers.listRuns = async () => [{ runId: 'r1', folder: '/runs/r1', sequence: 's', dut: 'd', status: 'passed', passed: true, started: null, finished: null, files: [] }];
    fake.emit('runState', runState('passed'));
    await settle();
    expect(useHistoryStore().runs.map((r) => r.runId)).toEqual(['r1']);
  });

  it('says "pausing…" from the pause request until the service says the run holds, counting the readings that land meanwhile', async () => {
    const run = useRunStore();
    await run.init();
    const all = events('r1', 6);
    [0, 1, 2].forEach((index) => fake.emit('run', { index, event: all[index] as RunEvent }));
    fake.emit('runState', runState('running'));
    runFrames();
    expect(run.phaseLabel).toBe('running');
    fake.handlers.pauseRun = async () => runState('pausing');
    expect(await run.pause()).toBe(true);
    // The request is answered at once with 'pausing': no guessing, no timer.
    expect(run.phaseLabel).toBe('pausing…');
    expect(run.pausing).toBe(true);
    expect(run.active).toBe(true);
    fake.emit('run', { index: 3, event: ev('r1', 3, { type: 'pausing', reason: 'user', stepId: 'sweep' }) });
    // The fly line in hand lands its samples: still pausing, and counted.
    [4, 5].forEach((index) => fake.emit('run', { index, event: { ...(all[index - 1] as RunEvent) } }));
    runFrames();
    expect(run.phaseLabel).toBe('pausing…');
    expect(run.readingsSincePause).toBe(2);
    // However long it takes, only the service's word ends it.
    fake.emit('runState', runState('paused'));
    fake.emit('run', { index: 6, event: ev('r1', 6, { type: 'paused', reason: 'user', stepId: 'sweep' }) });
    runFrames();
    expect(run.phaseLabel).toBe('paused');
    expect(run.paused).toBe(true);
    expect(run.readingsSincePause).toBe(2);
    expect(run.log.map((l) => l.text).slice(-2)).toEqual(['pausing: the measurement under way finishes first', 'paused']);
    // Resumed: the count starts again at the next pause.
    fake.emit('runState', runState('running'));
    fake.emit('run', { index: 7, event: ev('r1', 7, { type: 'resumed', stepId: 'sweep' }) });
    fake.emit('run', { index: 8, event: ev('r1', 8, { type: 'pausing', reason: 'user', stepId: 'sweep' }) });
    runFrames();
    expect(run.readingsSincePause).toBe(0);
  });

  it('keeps counting through an instrument lost while pausing, and resumes from "pausing" too', async () => {
    const run = useRunStore();
    await run.init();
    const all = events('r1', 3);
    [0, 1].forEach((index) => fake.emit('run', { index, event: all[index] as RunEvent }));
    const pt = (index: number) => point('r1', 'sweep', 'spectrum', index, { wavelength_nm: 1500 + index, loss_dB: 5 });
    const seq: RunEvent[] = [
      ev('r1', 2, { type: 'pausing', reason: 'user', stepId: 'sweep' }), pt(0),
      ev('r1', 3, { type: 'instrument-lost', role: 'meter', resource: 'SIM::meter', error: 'cable', deadline_s: 60 }),
      ev('r1', 3, { type: 'paused', reason: 'instrument-lost', stepId: 'sweep' }),
      ev('r1', 4, { type: 'instrument-restored', role: 'meter', identity: 'X', attempts: 1, outage_s: 1 }),
      ev('r1', 4, { type: 'pausing', reason: 'user', stepId: 'sweep' }), pt(1),
    ];
    seq.forEach((event, i) => fake.emit('run', { index: 2 + i, event }));
    fake.emit('runState', runState('pausing'));
    runFrames();
    expect(run.readingsSincePause).toBe(2);
    fake.handlers.resumeRun = async () => runState('running');
    expect(await run.resume()).toBe(true);
    expect(run.phaseLabel).toBe('running');
  });
});
