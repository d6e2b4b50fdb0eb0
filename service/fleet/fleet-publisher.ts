// One bench's side of the fleet view: its live state (bench, run, step, progress, last verdict, laser)
// upserted into the lab's table every HEARTBEAT_S and at once when the run or a laser changes, each time
// with a NOTIFY. stop() says 'stopped' before leaving; a bench that dies just stops beating.
import pg from 'pg';
import type { BenchEventSource, RunState } from '../bench-api.ts';
import { ensureFleetTable, HEARTBEAT_S, publishState, type BenchLiveState } from './fleet-table.ts';

export interface FleetPublisherOptions {
  /** postgresql://… of the lab database. */
  url: string;
  bench: string;
  /** This bench's own UI. */
  uiUrl: string;
  service: BenchEventSource & { runState(): Promise<RunState> };
  heartbeat_s?: number;
}

const FINISHED = new Set(['passed', 'failed', 'aborted', 'error']);

export class FleetPublisher {
  private readonly db: pg.Client;
  private readonly opts: FleetPublisherOptions;
  private readonly state: BenchLiveState;
  private readonly offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(db: pg.Client, opts: FleetPublisherOptions) {
    this.db = db;
    this.opts = opts;
    this.state = { bench: opts.bench, url: opts.uiUrl, run: null, phase: 'idle', step: null, progress: 0, lastVerdict: null, laser: 'none', stopped: false };
  }

  static async start(opts: FleetPublisherOptions): Promise<FleetPublisher> {
    const db = new pg.Client({ connectionString: opts.url });
    await db.connect();
    const p = new FleetPublisher(db, opts);
    // A dropped lab connection must not take the bench down with it; the next beat says what went wrong.
    db.on('error', (err) => process.stderr.write(`fleet: ${opts.url}: ${err.message}\n`));
    try {
      await ensureFleetTable(db);
      p.takeRun(await opts.service.runState());
      await publishState(db, p.state);
    } catch (err) {
      await db.end().catch(() => undefined);
      throw err;
    }
    p.offs.push(opts.service.on('runState', (s) => {
      p.takeRun(s);
      p.publish();
    }));
    p.offs.push(opts.service.on('laser', (r) => {
      p.state.laser = r.state === null ? 'unknown' : r.state.output ? 'on' : 'off';
      p.publish();
    }));
    p.timer = setInterval(() => p.publish(), (opts.heartbeat_s ?? HEARTBEAT_S) * 1000);
    p.timer.unref();
    return p;
  }

  private takeRun(s: RunState): void {
    this.state.run = s.runId;
    this.state.phase = s.phase;
    this.state.step = s.stepId;
    this.state.progress = s.estimate_s > 0 ? Math.min(1, Math.max(0, 1 - s.remaining_s / s.estimate_s)) : 0;
    if (FINISHED.has(s.phase)) this.state.lastVerdict = s.phase as BenchLiveState['lastVerdict'];
  }

  /** Queued, so beats never overlap or arrive out of order. */
  private publish(): void {
    if (this.stopped) return;
    const snapshot = { ...this.state };
    this.queue = this.queue.then(() => publishState(this.db, snapshot)).catch((err: Error) => {
      process.stderr.write(`fleet: heartbeat of ${this.opts.bench} failed: ${err.message}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const off of this.offs.splice(0)) off();
    await this.queue;
    await publishState(this.db, { ...this.state, stopped: true }).catch(() => undefined);
    await this.db.end().catch(() => undefined);
  }
}
