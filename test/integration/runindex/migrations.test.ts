// An index made by an older benchctl (only the first migration) is brought up to date in place on both
// backends: its runs kept, the audit and fleet tables added, the search's indexes swapped; and the plan of
// "a lot's newest runs" reads them in page order from the index rather than sorting (SQLite's own plan).
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { INDEX_MIGRATIONS } from '../../../runindex/migrations.ts';
import { openIndex } from '../../../runindex/open-index.ts';
import { searchRuns } from '../../../runindex/query.ts';
import { rowsOf } from '../../../runindex/record-rows.ts';
import { syntheticRecord } from '../../helpers/synthetic-runs.ts';
import { BACKENDS } from './index-backends.ts';
import { writeOldRows } from './old-index-rows.ts';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('index migrations on %s', (name, make) => {
  const backend = make();
  afterAll(() => backend.cleanup());

  it('upgrades an index of the first version in place, keeping its runs', async () => {
    const target = await backend.fresh();
    const old = await openIndex(target, { migrations: INDEX_MIGRATIONS.slice(0, 1) });
    await writeOldRows(old, Array.from({ length: 5 }, (_, i) => rowsOf(syntheticRecord(i, { lots: 2 }), { folder: `/runs/${i}`, mtime_ms: 1 })));
    await old.close();
    const ix = await openIndex(target);
    try {
      expect((await searchRuns(ix.db, { lot: 'L000' })).runs.map((r) => r.dut)).toEqual(['CHIP-000004', 'CHIP-000002', 'CHIP-000000']);
      const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(ix.db);
      expect(applied.rows.map((r) => r.name)).toEqual(INDEX_MIGRATIONS.map((m) => m.name));
      expect(Number((await ix.db.selectFrom('audit').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
      const indexes = name === 'sqlite'
        ? (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND name NOT LIKE 'sqlite_%'`.execute(ix.db)).rows
        : (await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'runs' AND indexname <> 'runs_pkey'`.execute(ix.db)).rows;
      expect(indexes.map((r) => r.name).sort()).toEqual(['runs_dut_started', 'runs_lot_started_id', 'runs_started_id']);
      if (name === 'sqlite') {
        const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT * FROM runs WHERE lot = ${'L000'} ORDER BY started DESC, run_id DESC LIMIT 100`.execute(ix.db);
        const details = plan.rows.map((r) => r.detail).join('\n');
        expect(details).toMatch(/runs_lot_started_id/);
        expect(details).not.toMatch(/TEMP B-TREE/);
      }
    } finally {
      await ix.close();
    }
  });
}, 120_000);
