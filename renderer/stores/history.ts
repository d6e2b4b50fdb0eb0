// The history store: the run folders (newest first), one reopened with its plots (the same ResultSet the
// live view uses, built from run.json and the CSV tables) and its wafer map (run.json's wafer records fed to
// the wafer store as the live run's events were), and CSV export of a run's files.
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { ExportedFile, RunDetails, RunSummary } from '../../service/bench-api.ts';
import { errorText, useBench } from '../api/bench-access.ts';
import { ResultSet } from '../results/result-set.ts';
import { waferEventsOf } from '../wafer/wafer-record.ts';
import { useRunStore } from './run.ts';
import { useWaferStore } from './wafer.ts';

export const useHistoryStore = defineStore('history', () => {
  const runs = ref<RunSummary[]>([]);
  const details = shallowRef<RunDetails | null>(null);
  const results = shallowRef<ResultSet | null>(null);
  /** Steps the reopened run's board shows alone (a die-site's, opened from its wafer map); null shows every step. */
  const focus = ref<{ label: string; stepIds: string[] } | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function refresh(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const list = await useBench().listRuns();
      runs.value = [...list].sort((a, b) => (b.started ?? '').localeCompare(a.started ?? ''));
    } catch (err) {
      error.value = errorText(err);
    } finally {
      loading.value = false;
    }
  }

  async function open(runId: string): Promise<boolean> {
    loading.value = true;
    error.value = null;
    try {
      const d = await useBench().openRun({ runId });
      details.value = markRaw(d);
      focus.value = null;
      results.value = markRaw(ResultSet.fromRunDetails(d));
      // The Wafer tab shows the opened run's map, unless a run is going on: its map stays (its events come
      // only once, and the next would start the store afresh without them).
      const wafer = waferEventsOf(d.runId, d.record);
      if (wafer.length > 0 && !useRunStore().active) useWaferStore().ingest(wafer);
      return true;
    } catch (err) {
      error.value = errorText(err);
      return false;
    } finally {
      loading.value = false;
    }
  }

  function closeRun(): void {
    details.value = null;
    results.value = null;
    focus.value = null;
  }

  function focusOn(label: string, stepIds: string[]): void {
    focus.value = { label, stepIds: [...stepIds] };
  }

  function unfocus(): void {
    focus.value = null;
  }

  async function exportCsv(runId: string, file: string): Promise<ExportedFile | null> {
    error.value = null;
    try {
      return await useBench().exportRunCsv({ runId, file });
    } catch (err) {
      error.value = errorText(err);
      return null;
    }
  }

  return { runs, details, results, focus, loading, error, refresh, open, closeRun, focusOn, unfocus, exportCsv };
});
