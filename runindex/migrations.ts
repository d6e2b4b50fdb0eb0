// The index's versioned schema: an ordered list of in-code migrations that Kysely's Migrator applies in
// name order and records in its own table, on SQLite and PostgreSQL alike. To change the schema, append a
// migration with the next number; never edit one that has shipped (a lab server already ran it).
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export interface NamedMigration {
  /** Sorts in order of application: `0001-runs`, `0002-...`. */
  name: string;
  migration: Migration;
}

const initial: NamedMigration = {
  name: '0001-runs',
  migration: {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('runs')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('bench', 'text', (c) => c.notNull())
        .addColumn('simulated', 'integer', (c) => c.notNull())
        .addColumn('sequence', 'text', (c) => c.notNull())
        .addColumn('dut', 'text', (c) => c.notNull())
        .addColumn('lot', 'text')
        .addColumn('wafer', 'text')
        .addColumn('die', 'text')
        .addColumn('site', 'text')
        .addColumn('operator', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('passed', 'integer')
        .addColumn('started', 'text', (c) => c.notNull())
        .addColumn('finished', 'text')
        .addColumn('software_version', 'text', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('source_mtime_ms', 'double precision', (c) => c.notNull())
        .addColumn('indexed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('runs_started').on('runs').column('started').execute();
      await db.schema.createIndex('runs_lot_started').on('runs').columns(['lot', 'started']).execute();
      await db.schema.createIndex('runs_dut_started').on('runs').columns(['dut', 'started']).execute();

      await db.schema.createTable('measurements')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('site', 'text')
        .addColumn('min', 'double precision')
        .addColumn('max', 'double precision')
        .addColumn('verdict', 'text')
        .addPrimaryKeyConstraint('measurements_pk', ['run_id', 'step_id', 'name'])
        .execute();
      // "this run's power_dBm is above -25" (the search's EXISTS, per run): name and run are equalities, the
      // value a range inside them; a trend reads one name across runs from the same index.
      await db.schema.createIndex('measurements_name_run_value').on('measurements').columns(['name', 'run_id', 'value']).execute();

      await db.schema.createTable('fits')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('parameter', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('sigma', 'double precision')
        .addColumn('unit', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('fits_pk', ['run_id', 'step_id', 'model', 'parameter'])
        .execute();

      await db.schema.createTable('files')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text')
        .addColumn('table_name', 'text')
        .addColumn('rows', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('files_pk', ['run_id', 'file'])
        .execute();
    },
  },
};

// Every control action of `benchctl serve` (audit.jsonl beside the runs is the truth; this is its searchable
// copy). `id` is the entry's own (or, for lines written before ids, derived from the line), so sending a
// line twice — a retry, a rebuild — keeps one row.
const audit: NamedMigration = {
  name: '0002-audit',
  migration: {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('audit')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('who', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('call', 'text', (c) => c.notNull())
        .addColumn('arg', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('error_name', 'text')
        .addColumn('error_message', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_time').on('audit').columns(['time', 'id']).execute();
      await db.schema.createIndex('audit_who_time').on('audit').columns(['who', 'time']).execute();
    },
  },
};

// The fleet view's meeting point (service/fleet/fleet-table.ts): one row per bench, its live state as JSON
// text and its last beat by the server's clock. Only PostgreSQL ever holds live fleet rows; the table is
// plain enough for SQLite too, so one migration list serves both. IF NOT EXISTS: a lab database that met an
// older benchctl already has it (created then outside the migrations).
const fleet: NamedMigration = {
  name: '0003-fleet',
  migration: {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('benchctl_fleet').ifNotExists()
        .addColumn('bench', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('beat_at', sql`timestamptz`, (c) => c.notNull())
        .execute();
    },
  },
};

// "Newest first" is (started, run_id) descending: with run_id in the index too, a lot's runs come out of it
// already in page order, so the search stops after its page instead of sorting every run of the lot (SQLite's
// temp B-tree) or of the whole table (PostgreSQL chose a parallel scan of runs_started, then a sort).
const newestFirst: NamedMigration = {
  name: '0004-runs-newest-first',
  migration: {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('runs_lot_started_id').on('runs').columns(['lot', 'started', 'run_id']).execute();
      await db.schema.createIndex('runs_started_id').on('runs').columns(['started', 'run_id']).execute();
      await db.schema.dropIndex('runs_lot_started').execute();
      await db.schema.dropIndex('runs_started').execute();
    },
  },
};

// A wafer run's die-sites (one row per die, site and pass, with its bin) and each measurement's die, so a
// search can ask for a die and site. Runs indexed before had neither: their source time is forgotten so the
// next `index rebuild` (and a bench's start-up catch-up) indexes each again from its run.json.
const dieSites: NamedMigration = {
  name: '0005-die-sites',
  migration: {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('die_sites')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('loop_id', 'text', (c) => c.notNull())
        .addColumn('wafer', 'text', (c) => c.notNull())
        .addColumn('die', 'text', (c) => c.notNull())
        .addColumn('col', 'integer', (c) => c.notNull())
        .addColumn('row', 'integer', (c) => c.notNull())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('pass', 'integer', (c) => c.notNull())
        .addColumn('bin', 'integer', (c) => c.notNull())
        .addColumn('bin_name', 'text', (c) => c.notNull())
        .addColumn('passed', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('die_sites_pk', ['run_id', 'loop_id', 'die', 'site', 'pass'])
        .execute();
      // "runs that measured die C07R03 (site A)": the search's EXISTS, die and site equalities then the run.
      await db.schema.createIndex('die_sites_die_site_run').on('die_sites').columns(['die', 'site', 'run_id']).execute();
      await db.schema.alterTable('measurements').addColumn('die', 'text').execute();
      await sql`UPDATE runs SET source_mtime_ms = -1`.execute(db);
    },
  },
};

/** Every migration, oldest first. */
export const INDEX_MIGRATIONS: readonly NamedMigration[] = [initial, audit, fleet, newestFirst, dieSites];

export function migrationProvider(list: readonly NamedMigration[] = INDEX_MIGRATIONS): MigrationProvider {
  return { getMigrations: async () => Object.fromEntries(list.map((m) => [m.name, m.migration])) };
}
