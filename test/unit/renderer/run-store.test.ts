import { describe, expect, it } from 'vitest';
import type { RunEvent, RunState } from '../../../service/bench-api.ts';
import { useHistoryStore } from '../../../renderer/stores/history.ts';
import { useResultsStore } from '../../../renderer/stores/results.ts';
import { useRunStore } from '../../../renderer/stores/run.ts';
import { settle } from './fake-bench.ts';
import { ev, point, runStarted } from './run-events.ts';
import { useStoreBench } from './store-bench.ts';

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
  const bench = useStoreBench(() => runState('idle', null));

  it('hands a burst of pushed events to the results in one frame: one version change for all points', async () => {
    const run = useRunStore();
    const results = useResultsStore();
    await run.init();
    const all = events('r1', 500);
    const v0 = results.version;
    all.forEach((e, index) => bench.fake.emit('run', { index, event: e }));
    expect(results.live?.steps.get('sweep')?.tables.get('spectrum')?.length ?? 0).toBe(0);
    expect(bench.pendingFrames).toBe(1);
    bench.runFrames();
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
    bench.fake.handlers.runEvents = async ({ since }) => ({ runId: 'r1', events: all.slice(since, 5), next: 5 });
    bench.fake.emit('run', { index: 0, event: all[0] as RunEvent });
    bench.fake.emit('run', { index: 0, event: all[0] as RunEvent });
    bench.fake.emit('run', { index: 5, event: all[5] as RunEvent });
    bench.fake.emit('run', { index: 6, event: all[6] as RunEvent });
    await settle();
    bench.runFrames();
    expect(bench.fake.callsOf('runEvents')).toEqual([{ since: 1 }]);
    const wl = results.live?.steps.get('sweep')?.tables.get('spectrum')?.col('wavelength_nm');
    expect(Array.from(wl ?? [])).toEqual([1500, 1501, 1502, 1503, 1504]);
  });

  it('rebuilds the current run from its first event after a reload', async () => {
    const all = events('r7', 3);
    bench.fake.handlers.runState = async () => runState('running', 'r7');
    bench.fake.handlers.runEvents = async ({ since }) => ({ runId: 'r7', events: all.slice(since), next: all.length });
    const run = useRunStore();
    await run.init();
    bench.runFrames();
    expect(bench.fake.callsOf('runEvents')).toEqual([{ since: 0 }]);
    expect(useResultsStore().live?.runId).toBe('r7');
    expect(useResultsStore().live?.steps.get('sweep')?.tables.get('spectrum')?.length).toBe(3);
    expect(run.active).toBe(true);
  });

  it('starts a fresh view when events of a new run arrive', async () => {
    const run = useRunStore();
    await run.init();
    events('r1', 2).forEach((e, index) => bench.fake.emit('run', { index, event: e }));
    bench.runFrames();
    events('r2', 1).slice(0, 2).forEach((e, index) => bench.fake.emit('run', { index, event: e }));
    bench.runFrames();
    expect(useResultsStore().live?.runId).toBe('r2');
    expect(run.log.length).toBe(2);
  });

  it('pause, resume and abort go to the service; a refusal is shown, not thrown', async () => {
    const run = useRunStore();
    await run.init();
    bench.fake.handlers.pauseRun = async () => runState('paused');
    bench.fake.handlers.resumeRun = async () => { throw new Error('resumeRun: no paused run (the run is passed)'); };
    expect(await run.pause()).toBe(true);
    expect(run.paused).toBe(true);
    expect(await run.resume()).toBe(false);
    expect(run.error).toMatch(/no paused run/);
    expect(run.busy).toBe(false);
  });

  it('refreshes the history when a run ends', async () => {
    const run = useRunStore();
    await run.init();
    bench.fake.emit('runState', runState('running'));
    expect(bench.fake.callsOf('listRuns').length).toBe(0);
    bench.fake.handlers.listRuns = async () => [{ runId: 'r1', folder: '/runs/r1', sequence: 's', dut: 'd', status: 'passed', passed: true, started: null, finished: null, files: [] }];
    bench.fake.emit('runState', runState('passed'));
    await settle();
    expect(useHistoryStore().runs.map((r) => r.runId)).toEqual(['r1']);
  });

  it('says "pausing…" from the pause request until the service says the run holds, counting the readings that land meanwhile', async () => {
    const run = useRunStore();
    await run.init();
    const all = events('r1', 6);
    [0, 1, 2].forEach((index) => bench.fake.emit('run', { index, event: all[index] as RunEvent }));
    bench.fake.emit('runState', runState('running'));
    bench.runFrames();
    expect(run.phaseLabel).toBe('running');
    bench.fake.handlers.pauseRun = async () => runState('pausing');
    expect(await run.pause()).toBe(true);
    // The request is answered at once with 'pausing': no guessing, no timer.
    expect(run.phaseLabel).toBe('pausing…');
    expect(run.pausing).toBe(true);
    expect(run.active).toBe(true);
    bench.fake.emit('run', { index: 3, event: ev('r1', 3, { type: 'pausing', reason: 'user', stepId: 'sweep' }) });
    // The fly line in hand lands its samples: still pausing, and counted.
    [4, 5].forEach((index) => bench.fake.emit('run', { index, event: { ...(all[index - 1] as RunEvent) } }));
    bench.runFrames();
    expect(run.phaseLabel).toBe('pausing…');
    expect(run.readingsSincePause).toBe(2);
    // However long it takes, only the service's word ends it.
    bench.fake.emit('runState', runState('paused'));
    bench.fake.emit('run', { index: 6, event: ev('r1', 6, { type: 'paused', reason: 'user', stepId: 'sweep' }) });
    bench.runFrames();
    expect(run.phaseLabel).toBe('paused');
    expect(run.paused).toBe(true);
    expect(run.readingsSincePause).toBe(2);
    expect(run.log.map((l) => l.text).slice(-2)).toEqual(['pausing: the measurement under way finishes first', 'paused']);
    // Resumed: the count starts again at the next pause.
    bench.fake.emit('runState', runState('running'));
    bench.fake.emit('run', { index: 7, event: ev('r1', 7, { type: 'resumed', stepId: 'sweep' }) });
    bench.fake.emit('run', { index: 8, event: ev('r1', 8, { type: 'pausing', reason: 'user', stepId: 'sweep' }) });
    bench.runFrames();
    expect(run.readingsSincePause).toBe(0);
  });

  it('keeps counting through an instrument lost while pausing, and resumes from "pausing" too', async () => {
    const run = useRunStore();
    await run.init();
    const all = events('r1', 3);
    [0, 1].forEach((index) => bench.fake.emit('run', { index, event: all[index] as RunEvent }));
    const pt = (index: number) => point('r1', 'sweep', 'spectrum', index, { wavelength_nm: 1500 + index, loss_dB: 5 });
    const seq: RunEvent[] = [
      ev('r1', 2, { type: 'pausing', reason: 'user', stepId: 'sweep' }), pt(0),
      ev('r1', 3, { type: 'instrument-lost', role: 'meter', resource: 'SIM::meter', error: 'cable', deadline_s: 60 }),
      ev('r1', 3, { type: 'paused', reason: 'instrument-lost', stepId: 'sweep' }),
      ev('r1', 4, { type: 'instrument-restored', role: 'meter', identity: 'X', attempts: 1, outage_s: 1 }),
      ev('r1', 4, { type: 'pausing', reason: 'user', stepId: 'sweep' }), pt(1),
    ];
    seq.forEach((event, i) => bench.fake.emit('run', { index: 2 + i, event }));
    bench.fake.emit('runState', runState('pausing'));
    bench.runFrames();
    expect(run.readingsSincePause).toBe(2);
    bench.fake.handlers.resumeRun = async () => runState('running');
    expect(await run.resume()).toBe(true);
    expect(run.phaseLabel).toBe('running');
  });
});
