// The setting of a store test that follows a run: a fresh Pinia, a FakeBench as the renderer's bench
// (answering `runState` with the given idle state, no run's events and no recorded runs) and animation
// frames held until the test runs them. Registers its own beforeEach/afterEach.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach } from 'vitest';
import type { RunState } from '../../../service/bench-api.ts';
import { setBench } from '../../../renderer/api/bench-access.ts';
import { setFrameScheduler } from '../../../renderer/plots/frame-batcher.ts';
import { FakeBench } from './fake-bench.ts';

export interface StoreBench {
  /** This test's bench (a new one for every test). */
  readonly fake: FakeBench;
  /** Frames asked for and not run yet. */
  readonly pendingFrames: number;
  /** Runs the frames asked for so far. */
  runFrames(): void;
}

export function useStoreBench(idle: () => RunState): StoreBench {
  let fake: FakeBench | undefined;
  let frames: (() => void)[] = [];
  beforeEach(() => {
    setActivePinia(createPinia());
    fake = new FakeBench();
    frames = [];
    setFrameScheduler((cb) => frames.push(cb));
    fake.handlers = { runState: async () => idle(), runEvents: async () => ({ runId: null, events: [], next: 0 }), listRuns: async () => [] };
    setBench(fake.bridge);
  });
  afterEach(() => {
    setBench(null);
    setFrameScheduler(null);
  });
  return {
    get fake() {
      if (!fake) throw new Error('useStoreBench: the bench exists only inside a test');
      return fake;
    },
    get pendingFrames() {
      return frames.length;
    },
    runFrames() {
      const f = frames;
      frames = [];
      f.forEach((cb) => cb());
    },
  };
}
