import { describe, expect, it } from 'vitest';
import type { RunDetails, RunState } from '../../../../service/bench-api.ts';
import { useHistoryStore } from '../../../../renderer/stores/history.ts';
import { useRunStore } from '../../../../renderer/stores/run.ts';
import { useWaferStore } from '../../../../renderer/stores/wafer.ts';
import { runStarted } from '../run-events.ts';
import { useStoreBench } from '../store-bench.ts';
import { dieFinished, mapBody, waferMap } from './wafer-events.ts';

let phase = 'idle';
const idle: RunState = {
  phase: 'idle', runId: null, runFolder: null, sequence: null, dut: null, stepId: null, stepIndex: 0, stepCount: 0, estimate_s: 0,
  elapsed_s: 0, remaining_s: 0, events: 0, passed: null, message: null,
} as unknown as RunState;

describe('wafer store', () => {
  const bench = useStoreBench(() => ({ ...idle, phase } as RunState));

  it('fills live from the run\'s pushed events, once per frame: the map first, then each die-site', async () => {
    const run = useRunStore();
    const wafer = useWaferStore();
    await run.init();
    const events = [runStarted('r1', []), waferMap('r1'), dieFinished('r1', 'C08R08', 'A', 1), dieFinished('r1', 'C08R08', 'B', 1)];
    events.slice(0, 2).forEach((event, index) => bench.fake.emit('run', { index, event }));
    expect(wafer.loop).toBeNull();
    bench.runFrames();
    expect(wafer.loopId).toBe('wafer');
    expect(wafer.summaries.get('C08R08')?.state).toBe('pending');
    expect(wafer.measuredSites).toBe(0);
    bench.fake.emit('run', { index: 2, event: events[2]! });
    bench.runFrames();
    expect(wafer.summaries.get('C08R08')?.state).toBe('partial');
    expect(wafer.measurements).toEqual(['align.power_dBm', 'sweep.peakLoss_dB']);
    wafer.select('C08R08');
    bench.fake.emit('run', { index: 3, event: events[3]! });
    bench.runFrames();
    // The selected die's details follow its new results.
    expect(wafer.selected).toMatchObject({ die: 'C08R08', state: 'measured' });
    expect(wafer.measuredSites).toBe(2);
  });

  it('forgets the wafer and the selection when a new run starts, and refuses an unknown loop by name', async () => {
    const wafer = useWaferStore();
    wafer.ingest([waferMap('r1'), dieFinished('r1', 'C08R08', 'A', 1)]);
    wafer.select('C08R08');
    wafer.colourBy({ kind: 'measurement', key: 'sweep.peakLoss_dB' });
    expect(() => wafer.showLoop('nope')).toThrow(/no wafer loop 'nope' in this run; expected one of wafer/);
    wafer.ingest([waferMap('r2', { loopId: 'wafer2' }), waferMap('r2')]);
    expect(wafer.selectedDie).toBeNull();
    expect(wafer.loopIds).toEqual(['wafer2', 'wafer']);
    expect(wafer.loopId).toBe('wafer2');
    expect(wafer.measuredSites).toBe(0);
    wafer.showLoop('wafer');
    expect(wafer.loopId).toBe('wafer');
    // The colouring is the user's choice: it survives the new run.
    expect(wafer.colouring).toEqual({ kind: 'measurement', key: 'sweep.peakLoss_dB' });
    wafer.reset();
    expect(wafer.loop).toBeNull();
  });

  it('shows a finished run opened in History: its run.json wafer record, as the live events would; not over a run going on', async () => {
    const { type: _t, runId: _r, t_s: _ts, time: _time, ...result } = dieFinished('old', 'C09R08', 'A', 3) as Extract<ReturnType<typeof dieFinished>, { type: 'die-finished' }>;
    const record = { runId: 'old', started: '2026-01-01T08:00:00Z', steps: [], wafer: { map: mapBody(), results: [result], placement: null } };
    bench.fake.handlers.openRun = async ({ runId }) => ({ runId, folder: `/r/${runId}`, tables: [], record: { ...record, runId } }) as unknown as RunDetails;
    const run = useRunStore();
    const wafer = useWaferStore();
    const history = useHistoryStore();
    await run.init();
    wafer.ingest([waferMap('r1'), dieFinished('r1', 'C08R08', 'A', 1)]);
    wafer.select('C08R08');
    expect(await history.open('old')).toBe(true);
    expect(wafer.runId).toBe('old');
    expect(wafer.selectedDie).toBeNull();
    expect(wafer.summaries.get('C09R08')).toMatchObject({ state: 'partial', bin: 3 });
    expect(wafer.summaries.get('C08R08')?.state).toBe('pending');
    // While a run is going on, its map stays on the Wafer tab: its events are not sent again.
    phase = 'running';
    await run.init();
    wafer.ingest([waferMap('r2')]);
    expect(await history.open('old2')).toBe(true);
    expect(wafer.runId).toBe('r2');
    phase = 'idle';
  });
});
