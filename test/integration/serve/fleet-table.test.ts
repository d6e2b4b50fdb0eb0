// The fleet table is a versioned migration of the lab database (0003-fleet), not DDL of its own: three
// benches connecting at once migrate it once; a lab database an older benchctl set up (state as jsonb,
// created outside the migrations) is kept and still read; heartbeats upsert one row per bench.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ensureFleetTable, publishState, readFleet, type BenchLiveState } from '../../../service/fleet/fleet-table.ts';
import { INDEX_MIGRATIONS } from '../../../runindex/migrations.ts';
import { startPgCluster, type PgCluster } from '../../helpers/pg-cluster.ts';

let cluster: PgCluster;
beforeAll(async () => {
  cluster = await startPgCluster();
}, 60_000);
afterAll(() => cluster?.stop());

const state = (bench: string): BenchLiveState => ({
  bench, url: `https://${bench}/login`, run: null, phase: 'idle', step: null, progress: 0, lastVerdict: null, laser: 'off', stopped: false,
});

async function withClients<T>(url: string, n: number, f: (cs: pg.Client[]) => Promise<T>): Promise<T> {
  const cs = Array.from({ length: n }, () => new pg.Client({ connectionString: url }));
  await Promise.all(cs.map((c) => c.connect()));
  try {
    return await f(cs);
  } finally {
    await Promise.all(cs.map((c) => c.end()));
  }
}

describe('the fleet table', () => {
  it('is created by the index migrations, once, however many benches connect together', async () => {
    const url = await cluster.createDatabase('fleet_fresh');
    await withClients(url, 3, async (cs) => {
      await Promise.all(cs.map((c) => ensureFleetTable(c)));
      const names = (await cs[0]!.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).rows.map((r) => r.name);
      expect(names).toEqual(INDEX_MIGRATIONS.map((m) => m.name));
      expect(names).toContain('0003-fleet');
      for (const [i, c] of cs.entries()) await publishState(c, state(`bench-${i}`));
      await publishState(cs[0]!, { ...state('bench-0'), phase: 'running' });
      const rows = await readFleet(cs[1]!);
      expect(rows.map((r) => [r.bench, r.phase, r.lost])).toEqual([['bench-0', 'running', false], ['bench-1', 'idle', false], ['bench-2', 'idle', false]]);
      // Ages by the database's clock: a beat older than the limit is lost.
      await cs[0]!.query("UPDATE benchctl_fleet SET beat_at = now() - interval '30 seconds' WHERE bench = 'bench-2'");
      expect((await readFleet(cs[0]!)).find((r) => r.bench === 'bench-2')).toMatchObject({ lost: true });
    });
  });

  it('keeps a fleet table an older benchctl created (jsonb state) and reads it', async () => {
    const url = await cluster.createDatabase('fleet_older');
    await withClients(url, 1, async ([c]) => {
      await c!.query('CREATE TABLE benchctl_fleet (bench text PRIMARY KEY, state jsonb NOT NULL, beat_at timestamptz NOT NULL DEFAULT now())');
      await publishState(c!, state('old-bench'));
      await ensureFleetTable(c!);
      const type = await c!.query<{ data_type: string }>("SELECT data_type FROM information_schema.columns WHERE table_name = 'benchctl_fleet' AND column_name = 'state'");
      expect(type.rows[0]?.data_type).toBe('jsonb');
      await publishState(c!, state('new-bench'));
      expect((await readFleet(c!)).map((r) => [r.bench, r.url])).toEqual([['new-bench', 'https://new-bench/login'], ['old-bench', 'https://old-bench/login']]);
    });
  });
});
