// The two places an index lives, for suites that must pass on both: an SQLite file in a temp folder, and a
// database of one throwaway PostgreSQL cluster per test file (a fresh database per test).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
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

/** A suite's backend and its temp folders (named `prefix`…), all cleaned up after the suite. */
export function suiteBackend(make: () => Backend, prefix: string): { backend: Backend; tempDir(): Promise<string> } {
  const backend = make();
  const dirs: string[] = [];
  afterAll(async () => {
    await backend.cleanup();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  return { backend, tempDir };
}
