// A wafer run's die-sites in the index on both backends: one row per die, site and pass with its bin, each
// measurement's die, a search by die and site (a wafer's die-sites or a chip run's metadata), a rewritten
// record's stale die-sites dropped, a rebuild from run.json filling them, an index of before the die-sites
// upgraded and re-filled by the next rebuild, and `benchctl history --die` on the CLI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upsertRun, upsertRuns } from '../../../runindex/ingest.ts';
import { INDEX_MIGRATIONS } from '../../../runindex/migrations.ts';
import { openIndex, type OpenedIndex } from '../../../runindex/open-index.ts';
import { searchRuns } from '../../../runindex/query.ts';
import { rebuildIndex } from '../../../runindex/rebuild.ts';
import { rowsOf } from '../../../runindex/record-rows.ts';
import type { RunRecord, StepRecord } from '../../../sequences/records/run-record.ts';
import type { DieResult } from '../../../sequences/wafer/die-records.ts';
import { runBenchctl } from '../cli/run-benchctl.ts';
import { syntheticRecord } from '../../helpers/synthetic-runs.ts';
import { BACKENDS, suiteBackend } from './index-backends.ts';
import { writeOldRows } from './old-index-rows.ts';

const DIES = [{ die: 'C08R08', col: 8, row: 8 }, { die: 'C09R08', col: 9, row: 8 }, { die: 'GHOST', col: 13, row: 9 }];

/** A wafer run of three dies × sites A, B: GHOST.A no light, reprobed, still no light; C09R08.B failed limits, good on its reprobe. */
function waferRecord(i: number): RunRecord {
  const rec = syntheticRecord(i, { sites: 1 });
  const steps: StepRecord[] = [];
  const results: DieResult[] = [];
  const template = rec.steps[0]!;
  const add = (die: (typeof DIES)[number], site: string, pass: number, bin: number) => {
    const prefix = `wafer[${die.die}.${site}]/${pass > 1 ? `reprobe${pass - 1}/` : ''}`;
    const power = bin === 2 ? null : bin === 3 ? -31 : -12 - die.col / 10;
    const align: StepRecord = {
      ...template, stepId: `${prefix}align`, kind: 'align', loop: { die: die.die, die_x: die.col, die_y: die.row, site }, fits: {}, tables: [],
      measurements: power === null ? {} : { power_dBm: { value: power, unit: 'dBm' } }, status: bin === 2 ? 'error' : 'done',
    };
    steps.push(align);
    results.push({
      loopId: 'wafer', die: die.die, col: die.col, row: die.row, site, passed: bin === 1, bin, binName: ({ 1: 'good', 2: 'no light', 3: 'failed limits' } as Record<number, string>)[bin]!,
      measurements: power === null ? {} : { 'align.power_dBm': { value: power, unit: 'dBm' } }, stepIds: [align.stepId],
      ...(pass > 1 ? { reprobe: true, pass } : {}), ...(bin === 2 ? { error: 'align: no light found in a 200 µm spiral' } : {}),
    });
  };
  for (const d of DIES) for (const s of ['A', 'B']) add(d, s, 1, d.die === 'GHOST' && s === 'A' ? 2 : d.die === 'C09R08' && s === 'B' ? 3 : 1);
  add(DIES[1]!, 'B', 2, 1);
  add(DIES[2]!, 'A', 2, 2);
  rec.steps = steps;
  rec.limits = [];
  delete rec.metadata['wafer'];
  rec.wafer = {
    map: { loopId: 'wafer', wafer: 'wafer-a', pitch_um: { x: 1000, y: 1000 }, sites: ['A', 'B'], order: DIES.map((d) => d.die), dies: DIES.map((d) => ({ ...d, x_um: 0, y_um: 0, excluded: false, reference: false })),
      siteOffsets_um: { A: { x: -375, y: 0 }, B: { x: -125, y: 0 } }, flat_deg: 270, notch_deg: null, centre_um: { x: 12500, y: 12500 } },
    results, placement: null,
  };
  return rec;
}

const rows = (rec: RunRecord, i: number) => rowsOf(rec, { folder: `/runs/${i}`, mtime_ms: 1000 + i, now: '2026-01-01T00:00:00.000Z' });

async function dieSiteCount(ix: OpenedIndex): Promise<number> {
  return Number((await ix.db.selectFrom('die_sites').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('wafer die-sites in the run index on %s', (name, make) => {
  const { backend, tempDir } = suiteBackend(make, 'benchctl-dies-');

  it('indexes every pass of every die-site and finds runs by die and site', async () => {
    const ix = await openIndex(await backend.fresh());
    try {
      const wafer = waferRecord(1);
      const chip = syntheticRecord(2, { sites: 1 });
      chip.metadata['die'] = 'C09R08';
      chip.metadata['site'] = 'B';
      await upsertRuns(ix.db, [rows(wafer, 1), rows(chip, 2), rows(syntheticRecord(3), 3)]);
      // Twice: still one row per die, site and pass.
      await upsertRun(ix.db, rows(wafer, 1));
      expect(await dieSiteCount(ix)).toBe(8);

      const ghost = await searchRuns(ix.db, { die: 'GHOST' });
      expect(ghost.runs.map((r) => r.runId)).toEqual([wafer.runId]);
      expect(ghost.runs[0]!.wafer).toBe('wafer-a');
      expect(ghost.runs[0]!.dieSites!.map((d) => [d.site, d.pass, d.bin, d.binName, d.passed])).toEqual([
        ['A', 1, 2, 'no light', false], ['A', 2, 2, 'no light', false], ['B', 1, 1, 'good', true],
      ]);
      expect(ghost.runs[0]!.dieSites![0]!.error).toMatch(/no light found/);
      // A die and site: the wafer run's die-site and the chip run whose metadata names them.
      const c09b = await searchRuns(ix.db, { die: 'C09R08', site: 'B' });
      expect(c09b.runs.map((r) => r.runId).sort()).toEqual([wafer.runId, chip.runId].sort());
      expect(c09b.runs.find((r) => r.runId === wafer.runId)!.dieSites!.map((d) => `${d.pass}:${d.bin}`)).toEqual(['1:3', '2:1']);
      expect(c09b.runs.find((r) => r.runId === chip.runId)!.dieSites).toEqual([]);
      expect((await searchRuns(ix.db, { die: 'C08R08', site: 'C' })).total).toBe(0);
      expect((await searchRuns(ix.db, { die: 'NOWHERE' })).total).toBe(0);
      expect((await searchRuns(ix.db, { wafer: 'wafer-a' })).runs.map((r) => r.runId)).toEqual([wafer.runId]);
      // Die with the other filters: a measurement condition on the same runs.
      expect((await searchRuns(ix.db, { die: 'C08R08', where: [{ name: 'power_dBm', op: '<', value: -30 }] })).runs.map((r) => r.runId)).toEqual([wafer.runId]);
      // Each measurement knows its die and site.
      const ms = ghost.runs[0]!.measurements.filter((m) => m.step === 'wafer[C09R08.B]/reprobe1/align');
      expect(ms.map((m) => [m.name, m.die, m.site, m.value])).toEqual([['power_dBm', 'C09R08', 'B', -12.9]]);
      // Without a die or site filter no die-sites are attached (a wafer has hundreds).
      expect((await searchRuns(ix.db, { wafer: 'wafer-a' })).runs[0]!.dieSites).toBeUndefined();

      // The record rewritten without the reprobe pass: its die-sites go from the index.
      const fewer = waferRecord(1);
      fewer.wafer!.results = fewer.wafer!.results.filter((r) => r.pass === undefined);
      await upsertRun(ix.db, rowsOf(fewer, { folder: '/runs/1', mtime_ms: 5 }));
      expect(await dieSiteCount(ix)).toBe(6);
    } finally {
      await ix.close();
    }
  });

  it('a rebuild fills the die-sites from run.json, also for runs indexed before they were', async () => {
    const runs = join(await tempDir(), 'runs');
    const rec = waferRecord(7);
    mkdirSync(join(runs, rec.runId), { recursive: true });
    writeFileSync(join(runs, rec.runId, 'run.json'), JSON.stringify(rec));
    const target = await backend.fresh();
    // An index of before the die-sites (migrations 0001-0004) holding the run already.
    const old = await openIndex(target, { migrations: INDEX_MIGRATIONS.slice(0, 4) });
    await writeOldRows(old, [rowsOf(rec, { folder: join(runs, rec.runId), mtime_ms: 1 })]);
    await old.close();
    const ix = await openIndex(target);
    try {
      expect(await dieSiteCount(ix)).toBe(0);
      const r = await rebuildIndex(ix.db, runs);
      // The migration forgot the run's source time: the rebuild indexes it again.
      expect(r).toMatchObject({ runs: 1, indexed: 1, unchanged: 0 });
      expect(await dieSiteCount(ix)).toBe(8);
      expect((await searchRuns(ix.db, { die: 'GHOST', site: 'A' })).runs[0]!.dieSites!.map((d) => d.bin)).toEqual([2, 2]);
      expect(await rebuildIndex(ix.db, runs)).toMatchObject({ indexed: 0, unchanged: 1 });
    } finally {
      await ix.close();
    }
    if (name === 'sqlite') {
      // `benchctl history --die` over the local index beside the runs.
      const out = await runBenchctl(['history', '--runs', runs, '--die', 'C09R08', '--where', 'power_dBm > -20'], { timeout_ms: 60_000 });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/die_sites/);
      expect(out.stdout).toMatch(/C09R08\.A 1; C09R08\.B 3>1/);
      // The power column holds C09R08's values only (A, B's first pass and B's reprobe), not C08R08's -12.8.
      const line = out.stdout.split('\n').find((l) => l.includes(rec.runId))!;
      expect(line).toMatch(/-12\.9 -31 -12\.9/);
      expect(line).not.toMatch(/-12\.8/);
      const json = await runBenchctl(['history', '--runs', runs, '--die', 'GHOST', '--site', 'A', '--format', 'json'], { timeout_ms: 60_000 });
      expect(json.code, json.stderr).toBe(0);
      const parsed = JSON.parse(json.stdout) as { dieSites: { pass: number; bin: number }[] }[];
      expect(parsed[0]!.dieSites.map((d) => [d.pass, d.bin])).toEqual([[1, 2], [2, 2]]);
    }
  }, 120_000);
});
