// The C-887's data recorder, as GCS exposes it: `RTR <n>` records every n-th servo cycle, `DRC <table>
// <source> <option>` picks what a table records (option 2: the actual position of axis <source>), and a
// recording restarts with every motion command (the recorder's default trigger, DRT option 0: "any
// command changing the position"). `DRR? <start> <n> <table>` reads points back in GCS array format: a
// header of `# KEY = value` lines (SAMPLE_TIME in seconds among them) ended by `# END_HEADER`, then one
// value per line. Only points already recorded come back, so reading during a move returns fewer.
// Sources: PI GCS 2.0 data recorder commands as pipython's GCSCommands and datarecorder module use them
// (RTR, DRC, DRR?, the header keys), C-887 user manual MS204E (data recorder).
import type { Pose, PoseAxis } from '../world/pose.ts';
import { POSE_AXES, poseValue } from '../world/pose.ts';
import { PiGcsCommandError, PiGcsError } from './pi-gcs-errors.ts';
import type { PiGcsCommand } from './pi-gcs-parser.ts';
import { formatGcsLines } from './pi-gcs-parser.ts';

/** The simulated controller's servo cycle, s; the driver reads it from SAMPLE_TIME, never assumes it. */
export const HEXAPOD_SERVO_CYCLE_S = 1e-3;
export const HEXAPOD_RECORD_TABLES = 6;
/** Points a table holds; a recording longer than this keeps its first points. */
const MAX_POINTS = 65_536;
const ACTUAL_POSITION = 2;

interface Table {
  axis: PoseAxis;
  option: number;
}

export class HexapodRecorder {
  private rate = 1;
  private readonly tables: Table[] = Array.from({ length: HEXAPOD_RECORD_TABLES }, (_, i) => ({ axis: POSE_AXES[i] as PoseAxis, option: ACTUAL_POSITION }));
  private start_s: number | null = null;

  constructor(private readonly poseAt: (t_s: number) => Pose, private readonly now_s: () => number) {}

  /** A motion command started a move now: the recording restarts. */
  trigger(t_s: number): void {
    this.start_s = t_s;
  }

  rtr(cmd: PiGcsCommand): undefined {
    const n = Number(cmd.args[0]);
    if (cmd.args.length !== 1 || !Number.isInteger(n)) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    if (n < 1 || n > 10_000) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
    this.rate = n;
    return undefined;
  }

  rtrQuery(): string {
    return String(this.rate);
  }

  /** `DRC {<table> <source> <option>}`: every triplet checked before any is applied. */
  drc(cmd: PiGcsCommand): undefined {
    if (cmd.args.length === 0 || cmd.args.length % 3 !== 0) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    const changes: { t: Table; axis: PoseAxis; option: number }[] = [];
    for (let i = 0; i < cmd.args.length; i += 3) {
      const t = this.table(cmd.args[i] as string, cmd);
      const axis = (cmd.args[i + 1] as string).toUpperCase();
      if (!(POSE_AXES as readonly string[]).includes(axis)) throw new PiGcsCommandError(PiGcsError.InvalidAxisIdentifier, cmd.text);
      const option = Number(cmd.args[i + 2]);
      // Only the actual position is modelled (0 switches the table off; other options are not simulated).
      if (option !== ACTUAL_POSITION && option !== 0) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
      changes.push({ t, axis: axis as PoseAxis, option });
    }
    for (const c of changes) Object.assign(c.t, { axis: c.axis, option: c.option });
    return undefined;
  }

  drcQuery(cmd: PiGcsCommand): string {
    const ids = cmd.args.length === 0 ? this.tables.map((_, i) => String(i + 1)) : cmd.args;
    return formatGcsLines(ids.map((id) => {
      const t = this.table(id, cmd);
      return `${id}=${t.axis} ${t.option}`;
    }));
  }

  /** `DRR? <start> <n> <table>` (start 1-based). */
  drrQuery(cmd: PiGcsCommand): string {
    if (cmd.args.length !== 3) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    const [start, n] = [Number(cmd.args[0]), Number(cmd.args[1])];
    if (!Number.isInteger(start) || !Number.isInteger(n) || start < 1 || n < 1) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
    const t = this.table(cmd.args[2] as string, cmd);
    const dt = this.rate * HEXAPOD_SERVO_CYCLE_S;
    const values: string[] = [];
    if (this.start_s !== null && t.option === ACTUAL_POSITION) {
      const recorded = Math.min(MAX_POINTS, Math.floor((this.now_s() - this.start_s) / dt + 1e-9) + 1);
      for (let k = start - 1; k < Math.min(recorded, start - 1 + n); k++) {
        const v = poseValue(this.poseAt(this.start_s + k * dt), t.axis);
        values.push(('XYZ'.includes(t.axis) ? v / 1000 : v).toFixed(7));
      }
    }
    const header = [
      '# REM C-887 data recorder', '# VERSION = 1', '# TYPE = 1', '# SEPARATOR = 32', '# DIM = 1',
      `# SAMPLE_TIME = ${dt.toFixed(6)}`, `# NDATA = ${values.length}`, `# NAME0 = Actual position of axis ${t.axis}`, '# END_HEADER',
    ];
    return formatGcsLines([...header, ...values]);
  }

  private table(id: string, cmd: PiGcsCommand): Table {
    const k = Number(id);
    const t = Number.isInteger(k) ? this.tables[k - 1] : undefined;
    if (!t) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
    return t;
  }
}
