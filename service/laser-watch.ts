// The lasers' emission, pushed: every read of a laser (manual control, a console line to it, Make safe)
// goes out as a 'laser' event, and while the bench is idle the lasers are re-read every couple of seconds,
// since a front panel, an interlock key or another client can switch one on or off behind the UI's back.
// One watcher in the service instead of one poll per window; while a run owns the bench it drives the
// lasers and nothing is read here (the UI says "run controlled"); when the run gives the bench back, the
// lasers are read at once. A laser that cannot be read is reported with state null: unknown, never off.
import type { LaserReport } from './bench-types.ts';
import type { BenchHolder } from './bench-holder.ts';
import type { BenchEventHub } from './event-hub.ts';
import type { ManualControl } from './manual-control.ts';

const DEFAULT_INTERVAL_S = 2;

export interface LaserWatchOptions {
  /** Re-read period while idle; 0 turns the periodic reading off (the other triggers stay). */
  interval_s?: number;
  /**
   * false: no watching at all — neither the periodic reads nor the read when the bench opens or a run gives
   * it back (a headless `benchctl run` has no window to tell); refresh() still reads when asked. Default true.
   */
  enabled?: boolean;
}

export class LaserWatch {
  private readonly holder: BenchHolder;
  private readonly manual: ManualControl;
  private readonly hub: BenchEventHub;
  private readonly interval_s: number;
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private wasIdle = false;
  private stopped = false;

  constructor(holder: BenchHolder, manual: ManualControl, hub: BenchEventHub, opts: LaserWatchOptions = {}) {
    this.holder = holder;
    this.manual = manual;
    this.hub = hub;
    this.interval_s = opts.interval_s ?? DEFAULT_INTERVAL_S;
    // Opened, closed, taken by a run or given back: read at once when the bench becomes idle.
    this.unsubscribe = opts.enabled === false ? () => {} : hub.on('bench', () => {
      const idle = this.idle();
      if (idle && !this.wasIdle) void this.refresh();
      this.wasIdle = idle;
      this.schedule();
    });
  }

  /** Reads the lasers (or one) now and pushes what was read; a no-op while a run owns the bench. */
  refresh(role?: string): Promise<void> {
    if (!this.idle()) return Promise.resolve();
    if (role === undefined && this.reading) return this.reading;
    const read = this.readAll(role);
    if (role === undefined) this.reading = read.finally(() => (this.reading = null));
    return read;
  }

  /** Pushes a state read elsewhere (a manual call answered with it). */
  report(report: LaserReport): void {
    if (!this.stopped) this.hub.emit('laser', report);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private idle(): boolean {
    return !this.stopped && this.holder.isOpen && this.holder.owner === null;
  }

  private roles(): string[] {
    if (!this.holder.isOpen) return [];
    return this.holder.status().instruments.filter((i) => i.kind === 'laser').map((i) => i.role);
  }

  private async readAll(only?: string): Promise<void> {
    for (const role of only === undefined ? this.roles() : [only]) {
      if (!this.idle()) return;
      try {
        await this.manual.laserState({ role });
      } catch (err) {
        // laserState pushed nothing: say the state is unknown now (unless the bench went meanwhile).
        if (this.idle()) this.report({ role, state: null, error: err instanceof Error ? err.message : String(err), time: new Date().toISOString() });
      }
    }
  }

  private schedule(): void {
    if (this.timer || this.interval_s <= 0 || !this.idle()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh().finally(() => this.schedule());
    }, this.interval_s * 1000);
    this.timer.unref();
  }
}
