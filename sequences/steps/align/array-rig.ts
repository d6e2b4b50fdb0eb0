// The I/O of a fiber-array alignment: the hexapod's pose moves and one reading of every channel per
// pose (one `READ:POW:ALL` exchange), each recorded as a row of `align_array_scan` with its pose and
// phase. Pure search logic (array-search.ts) asks this for readings; nothing here decides where to go.
import type { Hexapod, PoseAxisName, PoseValues } from '../../../drivers/roles/hexapod.ts';
import type { MultiPortLogger } from '../../../drivers/roles/multiport-logging.ts';
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';
import type { Row, StepContext } from '../../step.ts';
import { AlignTimeoutError } from './errors.ts';

export const ARRAY_SCAN_TABLE = 'align_array_scan';
export const ARRAY_POSE_COLUMNS = ['x_um', 'y_um', 'z_um', 'u_deg', 'v_deg', 'w_deg'] as const;
const COLUMN_OF: Readonly<Record<PoseAxisName, string>> = { X: 'x_um', Y: 'y_um', Z: 'z_um', U: 'u_deg', V: 'v_deg', W: 'w_deg' };

export function channelColumn(channel: number): string {
  return `power_ch${channel}_dBm`;
}

export interface ArraySample {
  pose: PoseValues;
  /** dBm per listed channel, in the step's channel order. */
  powers_dBm: number[];
}

export class ArrayRig {
  readings = 0;
  /** What was flown again and why (a line whose log got no trigger pulse), for the step's notes. */
  readonly reflown: string[] = [];
  private pose: PoseValues | null = null;
  private averaging_s: number | null = null;
  private readonly started_s: number;

  constructor(
    readonly ctx: StepContext,
    readonly hexapod: Hexapod,
    private readonly meter: PowerMeter,
    readonly channels: readonly number[],
    private maxTime_s: number,
  ) {
    this.started_s = ctx.now_s();
  }

  /** The alignment's budget is spent on aligning; holding the pose afterwards has a duration of its own. */
  endBudget(): void {
    this.maxTime_s = Infinity;
  }

  elapsed_s(): number {
    return this.ctx.now_s() - this.started_s;
  }

  async here(): Promise<PoseValues> {
    this.pose ??= await this.hexapod.pose();
    return { ...this.pose };
  }

  /** Sets every listed channel's averaging time once per change (each is a checked write). */
  async averaging(t_s: number): Promise<void> {
    if (this.averaging_s === t_s) return;
    for (const ch of this.channels) await this.meter.setAveragingTime_s(ch, t_s);
    this.averaging_s = t_s;
  }

  /** Moves to `target` (only the axes that change); waits for the platform unless told not to (a fly line). */
  async goTo(target: Partial<PoseValues>, opts: { wait?: boolean } = {}): Promise<void> {
    const here = await this.here();
    const change = Object.fromEntries(Object.entries(target).filter(([a, v]) => here[a as PoseAxisName] !== v));
    if (Object.keys(change).length === 0) return;
    await this.hexapod.movePose(change);
    if (opts.wait !== false) await this.hexapod.waitForMotion();
    this.pose = { ...here, ...change };
  }

  /** One reading of every listed channel where the array stands. */
  phase = 'first-light';
  /** Ports whose logging function is still held (a finished log refuses single readings until stopped). */
  private logging: readonly number[] = [];

  /** Pause/abort, then the alignment's time budget. */
  async checkBudget(phase: string): Promise<void> {
    this.phase = phase;
    if (this.elapsed_s() > this.maxTime_s) throw new AlignTimeoutError(this.maxTime_s, this.phase, this.elapsed_s());
    await this.ctx.checkpoint();
  }

  /** A line flown again: warned now, and kept for the step's notes. */
  noteReflown(message: string): void {
    this.reflown.push(message);
    this.ctx.warn(`align: ${message}`);
  }

  /** A fly line started logging these ports: the next single reading stops them first. */
  loggingStarted(ports: readonly number[]): void {
    this.logging = ports;
    this.averaging_s = null;
  }

  /** Stops the ports a fly line left logging (a finished log refuses single readings until stopped). */
  async stopLogs(): Promise<void> {
    if (this.logging.length === 0) return;
    const ports = this.logging;
    this.logging = [];
    const m = this.meter as Partial<MultiPortLogger>;
    if (m.stopLoggingAll) await m.stopLoggingAll(ports);
    else for (const ch of ports) await this.meter.stopLogging(ch);
  }

  async read(): Promise<number[]> {
    await this.checkBudget(this.phase);
    await this.stopLogs();
    const all = await this.meter.readAll_dBm();
    this.readings += 1;
    return this.channels.map((ch) => all[this.meter.channels.indexOf(ch)] as number);
  }

  /** Moves, reads and records one row of the scan table. */
  async sample(target: Partial<PoseValues>, phase: string): Promise<ArraySample> {
    this.phase = phase;
    await this.goTo(target);
    const powers_dBm = await this.read();
    const pose = await this.here();
    const s = { pose, powers_dBm };
    await this.record([s], phase);
    return s;
  }

  /** Rows of the scan table, one durable write where the context can. */
  async record(samples: readonly ArraySample[], phase: string): Promise<void> {
    const rows: Row[] = samples.map(({ pose, powers_dBm }) => {
      const row: Row = { phase };
      for (const a of Object.keys(COLUMN_OF) as PoseAxisName[]) row[COLUMN_OF[a]] = round(pose[a]);
      this.channels.forEach((ch, i) => (row[channelColumn(ch)] = round(powers_dBm[i] as number)));
      return row;
    });
    if (rows.length === 0) return;
    if (this.ctx.points) await this.ctx.points(ARRAY_SCAN_TABLE, rows);
    else for (const row of rows) await this.ctx.point(ARRAY_SCAN_TABLE, row);
  }
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : -999;
}
