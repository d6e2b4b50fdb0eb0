// The live meter reading of the Bench view: the service polls the meter and pushes 'monitor' events
// while a bench is open and no run owns it (a run's own point events show its readings then). Throttled
// twice over: never faster than interval_s, and never a new reading before the last one came back, so
// a slow meter or averaging time cannot pile up requests. After a failure it backs off, up to 5 s.
import type { MonitorSettings, MonitorState } from './bench-types.ts';
import type { BenchHolder } from './bench-holder.ts';
import type { BenchEventHub } from './event-hub.ts';
import type { ManualControl } from './manual-control.ts';

const DEFAULT_INTERVAL_S = 0.2;
const MAX_BACKOFF_S = 5;

export interface MonitorOptions {
  enabled?: boolean;
  interval_s?: number;
}

export class MeterMonitor {
  private enabled: boolean;
  private interval_s: number;
  private role: string | null = null;
  private channels: number[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private failures = 0;
  private lastError: string | null = null;
  private stopped = false;
  private readonly holder: BenchHolder;
  private readonly manual: ManualControl;
  private readonly hub: BenchEventHub;
  private readonly unsubscribe: () => void;

  constructor(holder: BenchHolder, manual: ManualControl, hub: BenchEventHub, opts: MonitorOptions = {}) {
    this.holder = holder;
    this.manual = manual;
    this.hub = hub;
    this.enabled = opts.enabled ?? true;
    this.interval_s = opts.interval_s ?? DEFAULT_INTERVAL_S;
    // Bench opened or closed, a run took or gave back the bench: start or stop accordingly.
    this.unsubscribe = hub.on('bench', () => this.kick());
  }

  state(): MonitorState {
    const idle = this.idleReason();
    return {
      enabled: this.enabled,
      interval_s: this.interval_s,
      role: this.meterRole(),
      channels: this.channels ?? this.meterChannels(),
      active: idle === null,
      idleReason: idle,
      lastError: this.lastError,
    };
  }

  set(req: MonitorSettings): MonitorState {
    if (req.enabled !== undefined) this.enabled = req.enabled;
    if (req.interval_s !== undefined) this.interval_s = req.interval_s;
    if (req.role !== undefined) this.role = req.role;
    if (req.channels !== undefined) this.channels = [...req.channels];
    this.failures = 0;
    this.lastError = null;
    this.kick();
    return this.state();
  }

  /** Stops for good (service shutdown). */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Schedules the next reading if the monitor should be polling and is not already. */
  kick(): void {
    if (this.stopped || this.timer || this.inFlight || this.idleReason() !== null) return;
    this.schedule(0);
  }

  private schedule(delay_s: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delay_s * 1000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.idleReason() !== null) return;
    this.inFlight = true;
    try {
      const reading = await this.manual.readMeter({
        ...(this.role ? { role: this.role } : {}),
        ...(this.channels ? { channels: this.channels } : {}),
      });
      this.failures = 0;
      this.lastError = null;
      if (!this.stopped) this.hub.emit('monitor', reading);
    } catch (err) {
      this.failures++;
      this.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      this.inFlight = false;
    }
    if (this.stopped || this.idleReason() !== null) return;
    const backoff = this.failures === 0 ? this.interval_s : Math.min(MAX_BACKOFF_S, this.interval_s * 2 ** this.failures);
    this.schedule(backoff);
  }

  private idleReason(): string | null {
    if (this.stopped) return 'the service is shutting down';
    if (!this.enabled) return 'the monitor is off';
    if (!this.holder.isOpen) return 'no bench is open';
    if (this.meterRole() === null) return 'the bench has no power meter';
    if (this.holder.owner) return `run ${this.holder.owner} owns the meter`;
    return null;
  }

  private meterRole(): string | null {
    if (!this.holder.isOpen) return this.role;
    try {
      const bench = this.holder.require('monitor');
      return this.holder.roleOf(bench, 'meter', this.role ?? undefined, 'monitor').role;
    } catch {
      return null;
    }
  }

  private meterChannels(): number[] {
    const role = this.meterRole();
    if (!role || !this.holder.isOpen) return [];
    const status = this.holder.status().instruments.find((i) => i.role === role);
    return status?.channels ?? [];
  }
}
