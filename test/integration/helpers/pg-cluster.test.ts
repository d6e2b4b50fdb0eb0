// The throwaway-cluster helper itself: a real server that answers, and nothing left behind.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPgCluster } from '../../helpers/pg-cluster.js';

describe('startPgCluster', () => {
  it('starts a loopback server that answers queries, then removes it', async () => {
    const cluster = await startPgCluster();
    const url = await cluster.createDatabase('helper_check');
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ db: string; addr: string }>('select current_database() as db, inet_server_addr()::text as addr');
      expect(rows[0]).toEqual({ db: 'helper_check', addr: '127.0.0.1/32' });
    } finally {
      await client.end();
      await cluster.stop();
    }
    expect(existsSync(cluster.dir)).toBe(false);
    const probe = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 2000 });
    await expect(probe.connect()).rejects.toThrow();
  }, 60_000);
});
