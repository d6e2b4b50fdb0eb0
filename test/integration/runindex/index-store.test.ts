// The index on both backends, with the same assertions: idempotent upserts, search, paging, trend, yield.
import { afterAll, describe, expect, it } from 'vitest';
import { upsertRun, upsertRuns } from '../../../runindex/ingest.ts';
import { openIndex, type OpenedIndex } from '../../../runindex/open-index.ts';
import { measurementNames, searchRuns, trendOf, yieldByLot } from '../../../runindex/query.ts';
import { rowsOf } from '../../../runindex/record-rows.ts';
import { parseWhere } from '../../../runindex/where.ts';
import { syntheticRecord } from '../../helpers/synthetic-runs.ts';
import { BACKENDS } from './index-backends.ts';

const rows = (i: number) => rowsOf(syntheticRecord(i, { lots: 3 }), { folder: `/runs/${i}`, mtime_ms: 1000 + i, now: '2026-01-01T00:00:00.000Z' });

async function counts(ix: OpenedIndex) {
  const n = async (t: 'runs' | 'measurements' | 'fits' | 'files') => Number((await ix.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { runs: await n('runs'), measurements: await n('measurements'), fits: await n('fits'), files: await n('files') };
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('run index on %s', (_name, make) => {
  const backend = make();
  afterAll(() => backend.cleanup());
  const open = async () => openIndex(await backend.fresh());

  it('indexes a run once however often it is written, and drops rows a newer record no longer has', async () => {
    const ix = await open();
    try {
      await upsertRun(ix.db, rows(1));
      const once = await counts(ix);
      expect(once).toEqual({ runs: 1, measurements: 16, fits: 10, files: 9 });
      await upsertRun(ix.db, rows(1));
      await upsertRuns(ix.db, [rows(1), rows(2)]);
      expect(await counts(ix)).toEqual({ runs: 2, measurements: 32, fits: 20, files: 18 });
      // The record rewritten with a measurement gone and a value changed: the index follows it.
      const rec = syntheticRecord(1, { lots: 3 });
      delete rec.steps[0]!.measurements['x_um'];
      rec.steps[0]!.measurements['power_dBm']!.value = -30;
      await upsertRun(ix.db, rowsOf(rec, { folder: '/runs/1', mtime_ms: 5 }));
      const page = await searchRuns(ix.db, { dut: rec.metadata['dut'] as string });
      const ms = page.runs[0]!.measurements;
      expect(ms.filter((m) => m.step === 'sites[A]/align').map((m) => m.name).sort()).toEqual(['mode_radius_um', 'power_dBm', 'y_um']);
      expect(ms.find((m) => m.step === 'sites[A]/align' && m.name === 'power_dBm')).toMatchObject({ value: -30, unit: 'dBm', min: -25, verdict: 'fail' });
      expect((await counts(ix)).measurements).toBe(31);
    } finally {
      await ix.close();
    }
  });

  it('searches by lot, status, time and a measurement range, newest first, a page at a time', async () => {
    const ix = await open();
    try {
      await upsertRuns(ix.db, Array.from({ length: 30 }, (_, i) => rows(i)));
      const all = await searchRuns(ix.db, {});
      expect(all.total).toBe(30);
      expect(all.runs.map((r) => r.runId)).toEqual(Array.from({ length: 30 }, (_, i) => syntheticRecord(29 - i).runId));
      const lot = await searchRuns(ix.db, { lot: 'L001', limit: 4, offset: 2 });
      expect(lot.total).toBe(10);
      expect(lot.runs.map((r) => r.dut)).toEqual(['CHIP-000022', 'CHIP-000019', 'CHIP-000016', 'CHIP-000013']);
      const where = parseWhere('power_dBm > -18 and peakLoss_dB <= 12');
      const hits = await searchRuns(ix.db, { where });
      const expected = Array.from({ length: 30 }, (_, i) => syntheticRecord(i, { lots: 3 })).filter((r) =>
        r.steps.some((s) => (s.measurements['power_dBm']?.value ?? -99) > -18) && r.steps.some((s) => (s.measurements['peakLoss_dB']?.value ?? 99) <= 12));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(30);
      expect(hits.runs.map((r) => r.runId).sort()).toEqual(expected.map((r) => r.runId).sort());
      const since = await searchRuns(ix.db, { since: syntheticRecord(25).started, status: 'passed' });
      expect(since.runs.every((r) => r.started >= syntheticRecord(25).started && r.status === 'passed' && r.passed === true)).toBe(true);
      const failedOnes = await searchRuns(ix.db, { status: 'failed' });
      expect(failedOnes.runs.every((r) => r.passed === false)).toBe(true);
      expect(since.total + failedOnes.total).toBeLessThanOrEqual(30);
      expect(await searchRuns(ix.db, { dut: "x' OR 1=1 --" })).toEqual({ runs: [], total: 0 });
    } finally {
      await ix.close();
    }
  });

  it('gives a trend with its limits, the yield per lot, and the measurement names', async () => {
    const ix = await open();
    try {
      const recs = Array.from({ length: 12 }, (_, i) => syntheticRecord(i, { lots: 3 }));
      await upsertRuns(ix.db, recs.map((r, i) => rowsOf(r, { folder: `/runs/${i}`, mtime_ms: i })));
      const trend = await trendOf(ix.db, 'power_dBm', { lot: 'L002' });
      expect(trend).toHaveLength(8);
      expect(trend.map((p) => p.started)).toEqual([...trend.map((p) => p.started)].sort());
      expect(trend.every((p) => p.min === -25 && p.max === null && p.unit === 'dBm' && p.lot === 'L002')).toBe(true);
      const yields = await yieldByLot(ix.db);
      expect(yields.map((y) => y.lot)).toEqual(['L000', 'L001', 'L002']);
      for (const y of yields) {
        const mine = recs.filter((r) => r.metadata['lot'] === y.lot);
        expect(y).toMatchObject({ runs: mine.length, passed: mine.filter((r) => r.passed).length, failed: mine.filter((r) => !r.passed).length, unjudged: 0 });
      }
      expect((await measurementNames(ix.db)).map((m) => m.name)).toEqual(['bandwidth1dB_nm', 'centre_nm', 'mode_radius_um', 'peakLoss_dB', 'power_dBm', 'sensitivity_dBm', 'x_um', 'y_um']);
    } finally {
      await ix.close();
    }
  });

  it('opens an index already migrated without changing it', async () => {
    const target = await backend.fresh();
    const a = await openIndex(target);
    await upsertRun(a.db, rows(3));
    await a.close();
    const b = await openIndex(target);
    try {
      expect((await counts(b)).runs).toBe(1);
    } finally {
      await b.close();
    }
  });
}, 120_000);
