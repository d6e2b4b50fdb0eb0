// The run store: the run's state (phase, step, elapsed/remaining), start/pause/resume/abort, the step list
// with each step's status, and the log. It owns the one subscription to run events: events carry their
// index in the run, so a gap (a reconnect, a reload of the page) is filled from runEvents before going on,
// and duplicates are dropped. Events are handed to the log, the steps and the results store once per frame.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { RunEvent, RunState, SequenceSource } from '../../service/bench-api.ts';
import { errorText, useBench } from '../api/bench-access.ts';
import { FrameBatcher } from '../plots/frame-batcher.ts';
import { useHistoryStore } from './history.ts';
import { useResultsStore } from './results.ts';
import { useWaferStore } from './wafer.ts';
import { describeEvent } from './run-log.ts';
import type { LogEntry } from './run-log.ts';

export interface StepProgress {
  stepId: string;
  kind: string;
  estimate_s: number;
  status: 'planned' | 'running' | 'done' | 'error' | 'aborted' | 'skipped';
  duration_s: number | null;
}

const LOG_LINES = 2000;
const ACTIVE = new Set(['running', 'pausing', 'paused', 'stopping']);

export const useRunStore = defineStore('run', () => {
  const state = ref<RunState | null>(null);
  const steps = ref<StepProgress[]>([]);
  const log = shallowRef<LogEntry[]>([]);
  const busy = ref(false);
  const error = ref<string | null>(null);
  /**
   * Readings that arrived after Pause was pressed: a pause takes effect at the step's next checkpoint, so
   * the measurement under way (a fly line of an alignment, a sample of a sweep) finishes first. The service
   * says 'pausing' meanwhile and 'paused' once the run holds; nothing arrives after that.
   */
  const readingsSincePause = ref(0);
  /** Between 'pausing' and the run holding: readings still landing are counted. */
  let landing = false;
  const results = useResultsStore();
  const wafer = useWaferStore();
  let runId: string | null = null;
  let next = 0;
  let catchingUp: Promise<void> | null = null;
  let held: { index: number; event: RunEvent }[] = [];
  let unsubscribe: (() => void)[] = [];
  const batcher = new FrameBatcher<RunEvent>((events) => apply(events));

  const active = computed(() => state.value !== null && ACTIVE.has(state.value.phase));
  const paused = computed(() => state.value?.phase === 'paused');
  /** Pause was asked and the step has not reached its checkpoint yet: its readings still arrive. */
  const pausing = computed(() => state.value?.phase === 'pausing');
  /** The phase as the UI shows it. */
  const phaseLabel = computed(() => {
    const phase = state.value?.phase ?? 'idle';
    // While the safe state is tried again, the state says what is not confirmed yet (laser not confirmed off).
    if (phase === 'stopping' && state.value?.message) return state.value.message;
    return phase === 'pausing' ? 'pausing…' : phase;
  });

  const progress = computed(() => {
    const s = state.value;
    if (!s || s.runId === null) return 0;
    const total = s.elapsed_s + s.remaining_s;
    if (!ACTIVE.has(s.phase)) return s.phase === 'passed' || s.phase === 'failed' ? 1 : total > 0 ? s.elapsed_s / total : 0;
    return total > 0 ? Math.min(1, s.elapsed_s / total) : 0;
  });

  function startRunView(id: string): void {
    readingsSincePause.value = 0;
    landing = false;
    runId = id;
    next = 0;
    steps.value = [];
    log.value = [];
    results.reset(id);
    wafer.reset();
  }

  /** A pushed event: held while a catch-up fetch is in flight (it may or may not include it). */
  function onPushed(index: number, event: RunEvent): void {
    if (catchingUp) held.push({ index, event });
    else accept(index, event);
  }

  /** Takes one event (with its index in the run) in order; a gap or an unknown run starts a catch-up. */
  function accept(index: number, event: RunEvent): void {
    if (event.runId !== runId) {
      batcher.flush();
      startRunView(event.runId);
    }
    if (index < next) return;
    if (index > next) {
      held.push({ index, event });
      void catchUp();
      return;
    }
    next = index + 1;
    batcher.push(event);
  }

  /** Fetches what the pushed events skipped (runEvents from `next`), then replays what was held meanwhile. */
  function catchUp(): Promise<void> {
    catchingUp ??= (async () => {
      try {
        let r = await useBench().runEvents({ since: next });
        if (r.runId !== null && r.runId !== runId) {
          batcher.flush();
          startRunView(r.runId);
          r = await useBench().runEvents({ since: 0 });
        }
        if (r.runId === null) return;
        const first = r.next - r.events.length;
        r.events.forEach((e, i) => { if (first + i >= next) { next = first + i + 1; batcher.push(e); } });
      } catch (err) {
        error.value = `could not fetch the run's events: ${errorText(err)}`;
      } finally {
        catchingUp = null;
      }
      const replay = held.sort((a, b) => a.index - b.index);
      held = [];
      for (const h of replay) if (h.event.runId !== runId || h.index >= next) accept(h.index, h.event);
    })();
    return catchingUp;
  }

  function apply(events: RunEvent[]): void {
    const lines: LogEntry[] = [];
    for (const e of events) {
      applyToSteps(e);
      trackPause(e);
      const line = describeEvent(e);
      if (line) lines.push(line);
    }
    if (lines.length) log.value = [...log.value, ...lines].slice(-LOG_LINES);
    results.ingest(events);
    wafer.ingest(events);
  }

  /** Counts the readings between 'pausing' and the run holding (the measurement under way landing). */
  function trackPause(e: RunEvent): void {
    if (e.type === 'pausing') {
      // Announced again after a reconnect (held meanwhile for the lost instrument): the count goes on.
      if (!landing) readingsSincePause.value = 0;
      landing = true;
    } else if ((e.type === 'paused' && e.reason === 'user') || e.type === 'resumed' || e.type === 'finished' || e.type === 'aborted') {
      landing = false;
    } else if (e.type === 'point' && landing) {
      readingsSincePause.value++;
    }
  }

  function applyToSteps(e: RunEvent): void {
    if (e.type === 'run-started') {
      steps.value = e.steps.map((s) => ({ stepId: s.stepId, kind: s.kind, estimate_s: s.estimate_s, duration_s: null,
        status: e.completed.includes(s.stepId) ? 'skipped' : 'planned' }));
      return;
    }
    const find = (id: string) => steps.value.find((s) => s.stepId === id);
    if (e.type === 'step-started') {
      const s = find(e.stepId);
      if (s) s.status = 'running';
      else steps.value.push({ stepId: e.stepId, kind: e.kind, estimate_s: e.estimate_s, status: 'running', duration_s: null });
    } else if (e.type === 'step-finished') {
      const s = find(e.stepId);
      if (s) { s.status = e.status; s.duration_s = e.duration_s; }
    }
  }

  function onState(s: RunState): void {
    const wasActive = active.value;
    state.value = s;
    // A finished run is a new run folder: the history lists it.
    if (wasActive && !ACTIVE.has(s.phase)) void useHistoryStore().refresh();
  }

  async function init(): Promise<void> {
    const api = useBench();
    unsubscribe.forEach((u) => u());
    unsubscribe = [
      api.on('run', ({ index, event }) => onPushed(index, event)),
      api.on('runState', onState),
    ];
    try {
      state.value = await api.runState();
      if (state.value.runId) {
        startRunView(state.value.runId);
        await catchUp();
      }
    } catch (err) {
      error.value = errorText(err);
    }
  }

  function dispose(): void {
    unsubscribe.forEach((u) => u());
    unsubscribe = [];
  }

  async function control(call: () => Promise<RunState>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      onState(await call());
      return true;
    } catch (err) {
      error.value = errorText(err);
      return false;
    } finally {
      busy.value = false;
    }
  }

  const start = (source: SequenceSource) => control(() => useBench().startRun(source));
  const pause = () => control(() => useBench().pauseRun());
  const resume = () => control(() => useBench().resumeRun());
  const abort = () => control(() => useBench().abortRun());

  return {
    state, steps, log, busy, error, active, paused, pausing, progress, readingsSincePause, phaseLabel,
    init, dispose, start, pause, resume, abort, flush: () => batcher.flush(),
  };
});
