// A state read that fails (a reply timeout on a loaded machine) is tried again, so a panel does not sit at
// "reading…" until the bench is reopened; the retries stop once the state is there, the bench closes, or
// they are used up — and a read by hand starts over.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BenchStatus, StageState } from '../../../service/bench-api.ts';
import { setBench } from '../../../renderer/api/bench-access.ts';
import { useBenchStore } from '../../../renderer/stores/bench.ts';
import { REREAD_DELAYS_MS } from '../../../renderer/stores/state-rereads.ts';
import { FakeBench } from './fake-bench.ts';

function status(open = true): BenchStatus {
  return {
    open, name: open ? 'sim' : null, source: open ? { kind: 'sim', seed: 1, realtime: false } : null, runId: null, benchTime_s: 0,
    instruments: open
      ? [{ role: 'stage', kind: 'stage', driver: 'pi-gcs', resource: 'SIM::stage-pi', identity: 'PI', detected: false, state: 'ok', lastError: null, axes: [{ axis: 'X', min_um: 0, max_um: 100 }] }]
      : [],
  };
}
const stage = (x: number): StageState => ({ role: 'stage', axes: [{ axis: 'X', min_um: 0, max_um: 100, position_um: x, atMin: false, atMax: false }] });
const TIMEOUT = 'timeout after 2000 ms waiting for the reply to a read from SIM::stage-pi';

describe('bench store: a failed state read is tried again', () => {
  let fake: FakeBench;
  let failures: number;

  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    fake = new FakeBench();
    failures = 0;
    fake.handlers = {
      benchStatus: async () => status(),
      monitorState: async () => ({ enabled: false, interval_s: 0.2, role: null, channels: [], active: false, idleReason: 'no meter', lastError: null }),
      stageState: async () => {
        if (failures > 0) { failures--; throw new Error(TIMEOUT); }
        return stage(50);
      },
    };
    setBench(fake.bridge);
  });

  afterEach(() => {
    useBenchStore().dispose();
    setBench(null);
    vi.useRealTimers();
  });

  it('reads the stage again after 1 s when its first read timed out, and the error goes', async () => {
    failures = 1;
    const bench = useBenchStore();
    await bench.init();
    expect(bench.stages['stage']).toBeUndefined();
    expect(bench.errors.stage).toBe(TIMEOUT);
    await vi.advanceTimersByTimeAsync(REREAD_DELAYS_MS[0]! - 1);
    expect(fake.callsOf('stageState')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.callsOf('stageState')).toHaveLength(2);
    expect(bench.stages['stage']?.axes[0]?.position_um).toBe(50);
    expect(bench.errors.stage).toBeNull();
    // Read: no more retries.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.callsOf('stageState')).toHaveLength(2);
  });

  it('gives up after its retries (a dead stage is not polled for ever); a read by hand starts over', async () => {
    failures = 100;
    const bench = useBenchStore();
    await bench.init();
    await vi.advanceTimersByTimeAsync(REREAD_DELAYS_MS.reduce((a, b) => a + b, 0) + 60_000);
    expect(fake.callsOf('stageState')).toHaveLength(1 + REREAD_DELAYS_MS.length);
    expect(bench.errors.stage).toBe(TIMEOUT);
    failures = 0;
    await bench.readState('stage', 'stage');
    expect(bench.stages['stage']?.axes[0]?.position_um).toBe(50);
  });

  it('stops retrying when the state arrives otherwise, or the bench closes', async () => {
    failures = 100;
    const bench = useBenchStore();
    await bench.init();
    // A pushed state (another window jogged it) makes the retry pointless.
    fake.emit('stage', stage(20));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.callsOf('stageState')).toHaveLength(1);
    expect(bench.stages['stage']?.axes[0]?.position_um).toBe(20);

    setActivePinia(createPinia());
    const b2 = useBenchStore();
    await b2.init();
    const before = fake.callsOf('stageState').length;
    fake.handlers.benchStatus = async () => status(false);
    fake.emit('bench', status(false));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.callsOf('stageState')).toHaveLength(before);
    b2.dispose();
  });
});
