// The lab's meeting point in PostgreSQL: one row per bench (its live state and when it last beat) and one
// NOTIFY channel for changes. The table is one of the run index's versioned migrations (0003-fleet): the
// lab database is the lab's index, brought to the latest schema by whoever connects first. Ages are computed
// by the database's clock (now() - beat_at), so benches whose clocks disagree still agree on who is lost.
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { ClientBase } from 'pg';
import { migrate } from '../../runindex/open-index.ts';

export const FLEET_TABLE = 'benchctl_fleet';
export const FLEET_CHANNEL = 'benchctl_fleet';
/** A bench beats this often... */
export const HEARTBEAT_S = 2;
/** ...and is shown lost when its last beat is older than this (the issue asks for within 10 s). */
export const LOST_AFTER_S = 6;

/** What a bench publishes. */
export interface BenchLiveState {
  bench: string;
  /** Its own UI (the login page's origin). */
  url: string;
  run: string | null;
  phase: string;
  step: string | null;
  /** 0..1 through the plan, by estimated time. */
  progress: number;
  /** The last finished run's verdict. */
  lastVerdict: 'passed' | 'failed' | 'aborted' | 'error' | null;
  laser: 'on' | 'off' | 'unknown' | 'none';
  /** A bench that stopped cleanly says so; one that just stops beating is lost. */
  stopped: boolean;
}

export interface FleetRow extends BenchLiveState {
  /** Seconds since its last beat, by the database's clock. */
  age_s: number;
  lost: boolean;
}

/** Kysely's migrator on the caller's one connection (it stays the caller's to end). */
function onClient(db: ClientBase): PostgresPool {
  const client = { query: db.query.bind(db), release: () => undefined } as unknown as PostgresPoolClient;
  return { connect: () => Promise.resolve(client), end: () => Promise.resolve() };
}

/** The lab database migrated to the latest schema (the migrator's lock lets benches start together). */
export async function ensureFleetTable(db: ClientBase): Promise<void> {
  const k = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: onClient(db) }) });
  try {
    await migrate(k);
  } finally {
    await k.destroy();
  }
}

export async function publishState(db: ClientBase, state: BenchLiveState): Promise<void> {
  await db.query(
    `INSERT INTO ${FLEET_TABLE} (bench, state, beat_at) VALUES ($1, $2, now())
     ON CONFLICT (bench) DO UPDATE SET state = EXCLUDED.state, beat_at = now()`,
    [state.bench, JSON.stringify(state)],
  );
  await db.query('SELECT pg_notify($1, $2)', [FLEET_CHANNEL, state.bench]);
}

export async function readFleet(db: ClientBase, lostAfter_s = LOST_AFTER_S): Promise<FleetRow[]> {
  // state is JSON text (jsonb in tables an older benchctl created, which pg hands back parsed).
  const r = await db.query<{ state: BenchLiveState | string; age_s: number }>(
    `SELECT state, EXTRACT(EPOCH FROM (now() - beat_at))::float8 AS age_s FROM ${FLEET_TABLE} ORDER BY bench`,
  );
  return r.rows.map((row) => {
    const state = typeof row.state === 'string' ? (JSON.parse(row.state) as BenchLiveState) : row.state;
    return { ...state, age_s: row.age_s, lost: !state.stopped && row.age_s > lostAfter_s };
  });
}
