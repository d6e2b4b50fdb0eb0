// The two places an index lives, for suites that must pass on both: an SQLite file in a temp folder, and a
// database of one throwaway PostgreSQL cluster per test file (a fresh database per test).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexTarget } from '../../../runindex/index-target.ts';
import { startPgCluster, type PgCluster } from '../../helpers/pg-cluster.ts';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty index target. */
  fresh(): Promise<IndexTarget>;
  cluster(): PgCluster | null;
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async fresh() {
      const dir = await mkdtemp(join(tmpdir(), 'benchctl-index-'));
      dirs.push(dir);
      return { kind: 'sqlite', file: join(dir, 'runs.index.sqlite') };
    },
    cluster: () => null,
    async cleanup() {
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  let cluster: PgCluster | null = null;
  let n = 0;
  return {
    name: 'postgres',
    async fresh() {
      cluster ??= await startPgCluster();
      return { kind: 'postgres', url: await cluster.createDatabase(`idx_${process.pid}_${++n}`) };
    },
    cluster: () => cluster,
    async cleanup() {
      await cluster?.stop();
      cluster = null;
    },
  };
}

export const BACKENDS = [sqliteBackend, postgresBackend];
