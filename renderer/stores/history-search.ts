// The History search: filters as the user types them (a wafer die and site among them), one page of indexed runs at a time, the chosen
// measurements as columns, a trend of one measurement with its limits, the yield per lot, two runs picked
// for an overlay, and Resume for an interrupted run. Everything comes from the run index (searchRuns,
// runTrend, lotYield, indexInfo); nothing reads run folders here.
import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { DieSiteFilter, IndexedDieSite, IndexedRun, IndexInfo, LotYield, RunSearchFilter, RunSearchPage, RunState, TrendPoint } from '../../service/bench-api.ts';
import { errorText, useBench } from '../api/bench-access.ts';

export const PAGE_SIZE = 25;

export type SearchFields = Required<RunSearchFilter & DieSiteFilter>;

function cleaned(f: SearchFields): RunSearchFilter & DieSiteFilter {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => typeof v === 'string' && v.trim() !== '')) as RunSearchFilter & DieSiteFilter;
}

/**
 * The die-sites of a run that matched a die or site search, each once with its latest pass (the one its bin
 * is; a reprobed one says which pass), in the index's die, site order; null when the search named neither.
 */
export function matchedDieSites(run: IndexedRun): IndexedDieSite[] | null {
  if (!run.dieSites) return null;
  const latest = new Map<string, IndexedDieSite>();
  for (const d of run.dieSites) {
    const key = `${d.loopId}\u0000${d.die}\u0000${d.site}`;
    const had = latest.get(key);
    if (!had || d.pass >= had.pass) latest.set(key, d);
  }
  return [...latest.values()];
}

export const useHistorySearchStore = defineStore('historySearch', () => {
  const filter = reactive<SearchFields>({ dut: '', lot: '', wafer: '', die: '', site: '', sequence: '', status: '', since: '', where: '' });
  const page = shallowRef<RunSearchPage | null>(null);
  const offset = ref(0);
  const columns = ref<string[]>([]);
  const info = shallowRef<IndexInfo | null>(null);
  const trendName = ref('');
  const trend = shallowRef<TrendPoint[]>([]);
  const yields = shallowRef<LotYield[]>([]);
  const overlay = ref<string[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const resumed = shallowRef<RunState | null>(null);

  async function loadInfo(): Promise<void> {
    try {
      info.value = await useBench().indexInfo();
    } catch (err) {
      error.value = errorText(err);
    }
  }

  /** The newest search asked for: an older one answering after it (the view's search on opening, still
   * running when the filters were filled and searched) must not replace its page with runs it did not ask for. */
  let searchSeq = 0;
  async function search(at = 0): Promise<void> {
    const seq = ++searchSeq;
    const newest = () => seq === searchSeq;
    loading.value = true;
    error.value = null;
    try {
      const f = cleaned(filter);
      const [p, y] = await Promise.all([
        useBench().searchRuns({ ...f, limit: PAGE_SIZE, offset: at, ...(columns.value.length ? { measurements: columns.value } : {}) }),
        useBench().lotYield(f),
      ]);
      if (!newest()) return;
      page.value = p;
      offset.value = at;
      yields.value = y;
      if (trendName.value) {
        const t = await useBench().runTrend({ ...f, measurement: trendName.value });
        if (newest()) trend.value = t;
      }
    } catch (err) {
      if (newest()) error.value = errorText(err);
    } finally {
      if (newest()) loading.value = false;
    }
  }

  async function showTrend(name: string): Promise<void> {
    trendName.value = name;
    error.value = null;
    try {
      trend.value = name ? await useBench().runTrend({ ...cleaned(filter), measurement: name }) : [];
    } catch (err) {
      error.value = errorText(err);
    }
  }

  function setColumns(names: string[]): Promise<void> {
    columns.value = names;
    return search(offset.value);
  }

  /** Picks (or unpicks) a run for the overlay; the third pick replaces the oldest. */
  function toggleOverlay(runId: string): void {
    const list = overlay.value.filter((id) => id !== runId);
    overlay.value = list.length === overlay.value.length ? [...list, runId].slice(-2) : list;
  }

  async function resume(runId: string): Promise<boolean> {
    error.value = null;
    try {
      resumed.value = await useBench().resumeRun({ runId });
      return true;
    } catch (err) {
      error.value = errorText(err);
      return false;
    }
  }

  return { filter, page, offset, columns, info, trendName, trend, yields, overlay, loading, error, resumed, loadInfo, search, showTrend, setColumns, toggleOverlay, resume };
});
