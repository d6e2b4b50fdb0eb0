// The lab index's sessions are set up for short, LIMIT-bound searches: no parallel workers. On 100,000 runs
// PostgreSQL planned a Gather Merge for a lot's newest page, and launching its worker took ~20 ms of a
// 2.5 ms query (runindex/open-index.ts). Every pooled connection, not only the first, must carry it.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openIndex } from '../../../runindex/open-index.ts';
import { postgresBackend } from './index-backends.ts';

describe('PostgreSQL index sessions', () => {
  const backend = postgresBackend();
  afterAll(() => backend.cleanup());

  it('run without parallel workers on every pooled connection', async () => {
    const ix = await openIndex(await backend.fresh(), { poolSize: 3 });
    try {
      // Three at once take three connections of the pool.
      const shown = await Promise.all([0, 1, 2].map(() => sql<{ v: string }>`SELECT current_setting('max_parallel_workers_per_gather') AS v, pg_sleep(0.05)`.execute(ix.db)));
      expect(shown.map((r) => r.rows[0]?.v)).toEqual(['0', '0', '0']);
      const pids = await Promise.all([0, 1, 2].map(() => sql<{ pid: number }>`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`.execute(ix.db)));
      expect(new Set(pids.map((r) => r.rows[0]?.pid)).size).toBeGreaterThan(1);
    } finally {
      await ix.close();
    }
  });
}, 60_000);
