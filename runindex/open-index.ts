// Opening an index: the Kysely instance for its dialect (better-sqlite3 on a real file, or a pg pool), the
// schema migrated to the latest version. Everything above this file is dialect-free.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { INDEX_MIGRATIONS, migrationProvider, type NamedMigration } from './migrations.ts';
import { describeTarget, type IndexTarget } from './index-target.ts';
import type { IndexDatabase } from './schema.ts';

export type IndexDb = Kysely<IndexDatabase>;

export interface OpenIndexOptions {
  /** PostgreSQL: how long to wait for a connection before the call fails (default 5 s). */
  connectTimeout_ms?: number;
  /** PostgreSQL pool size (default 4). */
  poolSize?: number;
  migrations?: readonly NamedMigration[];
}

export class IndexUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IndexUnavailableError';
  }
}

export interface OpenedIndex {
  db: IndexDb;
  target: IndexTarget;
  close(): Promise<void>;
}

function dialectOf(target: IndexTarget, opts: OpenIndexOptions) {
  if (target.kind === 'sqlite') {
    mkdirSync(dirname(target.file), { recursive: true });
    const sqlite = new Database(target.file);
    // WAL: a History listing reads while a run writes; busy_timeout: a second process (rebuild) waits, not fails.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    return new SqliteDialect({ database: sqlite });
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: opts.poolSize ?? 4,
    connectionTimeoutMillis: opts.connectTimeout_ms ?? 5000,
  });
  // A client whose server went away (a restart, a cut cable) emits 'error' — on the pool while idle, on
  // itself while checked out; without a listener Node would exit. The failing query rejects by itself.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    // The index answers short, LIMIT-bound searches down its indexes. For a lot's newest page PostgreSQL
    // planned a parallel Gather Merge whose worker launch took 19-25 ms of a 2.5 ms query (EXPLAIN ANALYZE,
    // 100,000 runs): p95 59 ms, 20 ms without it. No query here scans enough to gain from a worker. A SET
    // rather than the startup `options`, which a pgbouncer in front refuses; queued first on the client, it
    // runs before the pool hands the client out. Only an optimisation: a refusal changes nothing else.
    client.query('SET max_parallel_workers_per_gather = 0').catch(() => undefined);
  });
  return new PostgresDialect({ pool });
}

/** Opens (creating an SQLite file if needed) and migrates to the latest schema. */
export async function openIndex(target: IndexTarget, opts: OpenIndexOptions = {}): Promise<OpenedIndex> {
  const db = new Kysely<IndexDatabase>({ dialect: dialectOf(target, opts) });
  try {
    await migrate(db, opts.migrations ?? INDEX_MIGRATIONS);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new IndexUnavailableError(`run index ${describeTarget(target)}: ${(err as Error).message}`, { cause: err });
  }
  return { db, target, close: () => db.destroy() };
}

export async function migrate(db: Kysely<unknown> | IndexDb, list: readonly NamedMigration[] = INDEX_MIGRATIONS): Promise<void> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: migrationProvider(list) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migrating the schema${failed ? ` (${failed})` : ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
