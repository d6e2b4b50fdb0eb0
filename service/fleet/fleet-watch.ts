// The lab's view of every bench: LISTENs on the fleet channel and re-reads the table on each NOTIFY, and
// once a second besides, because a bench that died sends nothing — it is noticed by its beat getting old.
import pg from 'pg';
import { ensureFleetTable, FLEET_CHANNEL, LOST_AFTER_S, readFleet, type FleetRow } from './fleet-table.ts';

export class FleetWatch {
  private readonly db: pg.Client;
  private rows: FleetRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private readonly lostAfter_s: number;
  private lastError: string | null = null;

  private constructor(db: pg.Client, lostAfter_s: number) {
    this.db = db;
    this.lostAfter_s = lostAfter_s;
  }

  static async start(url: string, opts: { lostAfter_s?: number; poll_s?: number } = {}): Promise<FleetWatch> {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const w = new FleetWatch(db, opts.lostAfter_s ?? LOST_AFTER_S);
    db.on('error', (err) => {
      w.lastError = err.message;
    });
    try {
      await ensureFleetTable(db);
      db.on('notification', () => void w.refresh());
      await db.query(`LISTEN ${FLEET_CHANNEL}`);
      await w.refresh();
    } catch (err) {
      await db.end().catch(() => undefined);
      throw err;
    }
    w.timer = setInterval(() => void w.refresh(), (opts.poll_s ?? 1) * 1000);
    w.timer.unref();
    return w;
  }

  /** Every bench as last read, lost ones flagged. */
  get benches(): readonly FleetRow[] {
    return this.rows;
  }

  get error(): string | null {
    return this.lastError;
  }

  refresh(): Promise<void> {
    this.reading ??= readFleet(this.db, this.lostAfter_s).then((rows) => {
      this.rows = rows;
      this.lastError = null;
    }, (err: Error) => {
      this.lastError = err.message;
    }).finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.reading;
    await this.db.end().catch(() => undefined);
  }
}
