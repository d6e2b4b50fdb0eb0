// The wafer map view's store: the run's wafer loops (WaferState, fed by the run store with each frame's
// events, so the map fills live, or by the history store with a reopened run's records turned into the same
// events), which loop is shown, what colours it (a bin or a measurement), and the die clicked for its details.
// The state lives outside Vue's reactivity; `version` is what the view watches.
import { defineStore } from 'pinia';
import { computed, markRaw, ref } from 'vue';
import type { RunEvent } from '../../service/bench-api.ts';
import type { Colouring } from '../wafer/wafer-paint.ts';
import { measurementKeys, summariseDie, WaferState, type DieSummary, type WaferLoop } from '../wafer/wafer-state.ts';

/** What the map colours by: the bin, or a measurement key such as 'sweep.peakLoss_dB'. */
export type WaferColouring = Colouring;

export const useWaferStore = defineStore('wafer', () => {
  const state = markRaw(new WaferState());
  const version = ref(0);
  const loopId = ref<string | null>(null);
  const colouring = ref<WaferColouring>({ kind: 'bin' });
  const selectedDie = ref<string | null>(null);

  function ingest(events: readonly RunEvent[]): void {
    const before = state.runId;
    if (!state.ingest(events)) return;
    if (state.runId !== before) {
      selectedDie.value = null;
      loopId.value = null;
    }
    if (loopId.value === null || !state.loops.has(loopId.value)) loopId.value = state.loops.keys().next().value ?? null;
    version.value++;
  }

  function reset(): void {
    state.clear();
    loopId.value = null;
    selectedDie.value = null;
    version.value++;
  }

  /** The run whose wafers are shown: the live run, or one reopened from History. */
  const runId = computed(() => {
    void version.value;
    return state.runId;
  });
  const loopIds = computed(() => {
    void version.value;
    return [...state.loops.keys()];
  });
  const loop = computed<WaferLoop | null>(() => {
    void version.value;
    return loopId.value !== null ? state.loops.get(loopId.value) ?? null : null;
  });
  // The loop object stays the same as results arrive: what reads its results depends on `version` too.
  const measurements = computed(() => {
    void version.value;
    return loop.value ? measurementKeys(loop.value) : [];
  });
  const measuredSites = computed(() => {
    void version.value;
    return loop.value?.results.size ?? 0;
  });
  const summaries = computed<Map<string, DieSummary>>(() => {
    void version.value;
    const l = loop.value;
    return new Map(l ? l.map.dies.map((d) => [d.die, summariseDie(l, d.die)]) : []);
  });
  const selected = computed<DieSummary | null>(() => (selectedDie.value ? summaries.value.get(selectedDie.value) ?? null : null));

  function select(die: string | null): void {
    selectedDie.value = die;
  }

  function colourBy(c: WaferColouring): void {
    colouring.value = c;
  }

  function showLoop(id: string): void {
    if (!state.loops.has(id)) throw new Error(`showLoop: no wafer loop '${id}' in this run; expected one of ${[...state.loops.keys()].join(', ') || '(none)'}`);
    loopId.value = id;
    selectedDie.value = null;
  }

  return { version, runId, loopId, loopIds, loop, measurements, measuredSites, summaries, colouring, selectedDie, selected, ingest, reset, select, colourBy, showLoop };
});
