// The live results of the current run: a ResultSet (tables in typed arrays, fits) kept out of Vue's
// reactivity (markRaw) with one `version` number the plots watch; it changes at most once per animation
// frame, however many points arrived (the run store hands events over in frame batches).
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { RunEvent } from '../../service/bench-api.ts';
import { ResultSet } from '../results/result-set.ts';

export const useResultsStore = defineStore('results', () => {
  const live = shallowRef<ResultSet | null>(null);
  const version = ref(0);
  /** Steps the Results view shows alone (a die-site's, opened from the wafer map); null shows every step. */
  const focus = ref<{ label: string; stepIds: string[] } | null>(null);

  /** Starts an empty result set for a run (a new run, or a reload that replays the run's events). */
  function reset(runId: string): void {
    focus.value = null;
    live.value = markRaw(new ResultSet(runId));
    version.value++;
  }

  function ingest(events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    const first = events[0] as RunEvent;
    if (!live.value || live.value.runId !== first.runId) reset(first.runId);
    (live.value as ResultSet).ingest(events);
    version.value++;
  }

  function clear(): void {
    live.value = null;
    version.value++;
  }

  function focusOn(label: string, stepIds: string[]): void {
    focus.value = { label, stepIds: [...stepIds] };
  }

  function unfocus(): void {
    focus.value = null;
  }

  return { live, version, focus, reset, ingest, clear, focusOn, unfocus };
});
