import { describe, expect, it } from 'vitest';
import type { RunState } from '../../../../service/bench-api.ts';
import { useRunStore } from '../../../../renderer/stores/run.ts';
import { useWaferStore } from '../../../../renderer/stores/wafer.ts';
import { runStarted } from '../run-events.ts';
import { useStoreBench } from '../store-bench.ts';
import { dieFinished, waferMap } from './wafer-events.ts';

const idle: RunState = {
  phase: 'idle', runId: null, runFolder: null, sequence: null, dut: null, stepId: null, stepIndex: 0, stepCount: 0, estimate_s: 0,
  elapsed_s: 0, remaining_s: 0, events: 0, passed: null, message: null,
} as unknown as RunState;

describe('wafer store', () => {
  const bench = useStoreBench(() => idle);

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
});
