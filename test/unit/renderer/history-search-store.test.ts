import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IndexedDieSite, IndexedRun } from '../../../service/bench-api.ts';
import { setBench } from '../../../renderer/api/bench-access.ts';
import { matchedDieSites, PAGE_SIZE, useHistorySearchStore } from '../../../renderer/stores/history-search.ts';
import { FakeBench } from './fake-bench.ts';

function dieSite(die: string, site: string, pass: number, bin: number, loopId = 'wafer'): IndexedDieSite {
  return { loopId, wafer: 'small', die, col: Number(die.slice(1, 3)), row: Number(die.slice(4, 6)), site, pass, bin, binName: `bin ${bin}`, passed: bin === 1, error: null };
}

function indexedRun(runId: string, dieSites?: IndexedDieSite[]): IndexedRun {
  return {
    runId, folder: `/r/${runId}`, bench: 'sim', sequence: 'wafer', dut: 'W1', lot: 'L1', wafer: 'small', die: null, site: null, operator: null,
    status: 'passed', passed: true, started: '2026-01-01T08:00:00Z', finished: null, software: '1', message: null, measurements: [],
    ...(dieSites ? { dieSites } : {}),
  };
}

describe('history search store: die and site', () => {
  let fake: FakeBench;
  beforeEach(() => {
    setActivePinia(createPinia());
    fake = new FakeBench();
    setBench(fake.bridge);
    fake.handlers.searchRuns = async () => ({ runs: [indexedRun('a', [dieSite('C07R03', 'A', 1, 2)])], total: 1, offset: 0 });
    fake.handlers.lotYield = async () => [];
    fake.handlers.runTrend = async () => [];
  });
  afterEach(() => setBench(null));

  const argsOf = (channel: string) => fake.calls.filter((c) => c.channel === channel).map((c) => c.arg);

  it('passes the die and site to the search, the yield and the trend as the DieSiteFilter; blank fields are left out', async () => {
    const s = useHistorySearchStore();
    s.filter.lot = 'L1';
    s.filter.die = 'C07R03';
    s.filter.site = 'A';
    await s.showTrend('sweep.peakLoss_dB');
    await s.search(0);
    expect(argsOf('searchRuns')).toEqual([{ lot: 'L1', die: 'C07R03', site: 'A', limit: PAGE_SIZE, offset: 0 }]);
    expect(argsOf('lotYield')).toEqual([{ lot: 'L1', die: 'C07R03', site: 'A' }]);
    expect(argsOf('runTrend')).toEqual([
      { lot: 'L1', die: 'C07R03', site: 'A', measurement: 'sweep.peakLoss_dB' },
      { lot: 'L1', die: 'C07R03', site: 'A', measurement: 'sweep.peakLoss_dB' },
    ]);
    expect(s.page?.runs[0]?.dieSites?.[0]?.bin).toBe(2);
    s.filter.die = '  ';
    s.filter.site = '';
    await s.search(0);
    expect(argsOf('searchRuns')[1]).toEqual({ lot: 'L1', limit: PAGE_SIZE, offset: 0 });
  });

  it('lists each matched die-site once, with its latest pass, in the index\'s order; nothing for a search without die or site', () => {
    const run = indexedRun('a', [
      dieSite('C07R03', 'A', 1, 2), dieSite('C07R03', 'A', 2, 1), dieSite('C07R03', 'B', 1, 3), dieSite('C07R03', 'A', 1, 4, 'wafer2'),
    ]);
    expect(matchedDieSites(run)?.map((d) => [d.loopId, d.die, d.site, d.pass, d.bin])).toEqual([
      ['wafer', 'C07R03', 'A', 2, 1], ['wafer', 'C07R03', 'B', 1, 3], ['wafer2', 'C07R03', 'A', 1, 4],
    ]);
    expect(matchedDieSites(indexedRun('b', []))).toEqual([]);
    expect(matchedDieSites(indexedRun('c'))).toBeNull();
  });

  it('an older search answering after a newer one does not replace its page (the view’s opening search, still running when the filters were searched)', async () => {
    const s = useHistorySearchStore();
    let answerFirst: (() => void) | undefined;
    fake.handlers.searchRuns = (req) => req?.die === undefined
      ? new Promise((resolve) => { answerFirst = () => resolve({ runs: [indexedRun('unfiltered')], total: 1, offset: 0 }); })
      : Promise.resolve({ runs: [indexedRun('a', [dieSite('C07R03', 'A', 1, 2)])], total: 1, offset: 0 });
    const opening = s.search(0);
    s.filter.die = 'C07R03';
    await s.search(0);
    expect(s.page?.runs.map((r) => r.runId)).toEqual(['a']);
    expect(s.loading).toBe(false);
    answerFirst?.();
    await opening;
    expect(s.page?.runs.map((r) => r.runId)).toEqual(['a']);
    expect(s.page?.runs[0]?.dieSites?.[0]?.die).toBe('C07R03');
  });
});
