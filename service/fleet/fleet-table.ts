// The lab's meeting point in PostgreSQL: one row per bench (its live state and when it last beat) and one
// NOTIFY channel for changes. Created idempotently by whoever connects first. Ages are computed by the
// database's clock (now() - beat_at), so benches whose clocks disagree still agree on who is lost.
// When the run index (issue 13) lands with its migrations list, this table becomes one of its migrations.
import type { ClientBase } from 'pg';

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

export async function ensureFleetTable(db: ClientBase): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS ${FLEET_TABLE} (
    bench text PRIMARY KEY,
    state jsonb NOT NULL,
    beat_at timestamptz NOT NULL DEFAULT now()
  )`);
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
  const r = await db.query<{ state: BenchLiveState; age_s: number }>(
    `SELECT state, EXTRACT(EPOCH FROM (now() - beat_at))::float8 AS age_s FROM ${FLEET_TABLE} ORDER BY bench`,
  );
  return r.rows.map((row) => ({ ...row.state, age_s: row.age_s, lost: !row.state.stopped && row.age_s > lostAfter_s }));
}
