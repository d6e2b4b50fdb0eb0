// The PI GCS controller's digital trigger outputs (C-884: outputs 1–4), configured with `CTO` and
// switched with `TRO`, as the C-884 manual describes: `CTO <out> 2 <axis>` picks the axis an output
// follows, `CTO <out> 3 <mode>` its trigger mode; `TRO <out> 1` enables it. Modelled: mode 6, "InMotion",
// where the output is high while its axis runs a trajectory, so its rising edge marks the instant the
// move starts. Other modes (0 position distance, 2 on target, 7 position + offset, …) are accepted and
// stored but give no pulses here. An enabled output's rising edges go onto the trigger line that the
// virtual bench cables to the meter's trigger input (sim/world/trigger-line.ts).
import type { AxisName } from '../motion/motion-system.ts';
import { PiGcsCommandError, PiGcsError } from './pi-gcs-errors.ts';
import type { PiGcsCommand } from './pi-gcs-parser.ts';
import { formatGcsLines } from './pi-gcs-parser.ts';
import { axisForNumber } from './stage-axes.ts';

export const PI_TRIGGER_OUTPUTS = ['1', '2', '3', '4'] as const;
/** CTO parameter numbers (C-884 manual, CTO). */
export const CTO_AXIS = 2;
export const CTO_MODE = 3;
/** Trigger mode "InMotion": high while the axis is moving. */
export const TRIGGER_MODE_IN_MOTION = 6;
const KNOWN_MODES = [0, 2, 3, 5, 6, 7, 9];

interface OutputConfig {
  axis: number;
  mode: number;
  enabled: boolean;
}

/** Where rising edges go: the bench's trigger line (a cable to the meter's trigger input). */
export interface PulseSink {
  post(times: Float64Array): void;
}

export class PiTriggerOutputs {
  private readonly outputs = new Map<string, OutputConfig>(PI_TRIGGER_OUTPUTS.map((id) => [id, { axis: 1, mode: 0, enabled: false }]));
  private sink: PulseSink | null = null;

  /** `validAxis`: which CTO axis numbers the controller has (the C-884's 1–3 by default; a C-887's 1–6). */
  constructor(private readonly validAxis: (n: number) => boolean = (n) => axisForNumber(n) !== undefined) {}

  /** Cables the outputs to a trigger line (VirtualBench does, to the meter's trigger input). */
  connect(sink: PulseSink): void {
    this.sink = sink;
  }

  reset(): void {
    for (const o of this.outputs.values()) Object.assign(o, { axis: 1, mode: 0, enabled: false });
  }

  /** `CTO {<out> <param> <value>}`: every triplet is checked before any is applied. */
  cto(cmd: PiGcsCommand): undefined {
    if (cmd.args.length === 0 || cmd.args.length % 3 !== 0) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    const changes: { out: OutputConfig; key: 'axis' | 'mode'; value: number }[] = [];
    for (let i = 0; i < cmd.args.length; i += 3) {
      const out = this.output(cmd.args[i] as string, cmd);
      const param = Number(cmd.args[i + 1]);
      const value = Number(cmd.args[i + 2]);
      if (!Number.isInteger(param) || !Number.isInteger(value)) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
      if (param === CTO_AXIS) {
        if (!this.validAxis(value)) throw new PiGcsCommandError(PiGcsError.InvalidAxisIdentifier, cmd.text);
        changes.push({ out, key: 'axis', value });
      } else if (param === CTO_MODE) {
        if (!KNOWN_MODES.includes(value)) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
        changes.push({ out, key: 'mode', value });
      } else throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
    }
    for (const c of changes) c.out[c.key] = c.value;
    return undefined;
  }

  /** `CTO? <out> <param>` pairs → `<out> <param>=<value>` lines. */
  ctoQuery(cmd: PiGcsCommand): string {
    if (cmd.args.length === 0 || cmd.args.length % 2 !== 0) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    const lines: string[] = [];
    for (let i = 0; i < cmd.args.length; i += 2) {
      const id = cmd.args[i] as string;
      const out = this.output(id, cmd);
      const param = Number(cmd.args[i + 1]);
      if (param !== CTO_AXIS && param !== CTO_MODE) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
      lines.push(`${id} ${param}=${param === CTO_AXIS ? out.axis : out.mode}`);
    }
    return formatGcsLines(lines);
  }

  /** `TRO {<out> <0|1>}`. */
  tro(cmd: PiGcsCommand): undefined {
    if (cmd.args.length === 0 || cmd.args.length % 2 !== 0) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    const changes: { out: OutputConfig; on: boolean }[] = [];
    for (let i = 0; i < cmd.args.length; i += 2) {
      const out = this.output(cmd.args[i] as string, cmd);
      const v = cmd.args[i + 1];
      if (v !== '0' && v !== '1') throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
      changes.push({ out, on: v === '1' });
    }
    for (const c of changes) c.out.enabled = c.on;
    return undefined;
  }

  troQuery(cmd: PiGcsCommand): string {
    const ids = cmd.args.length === 0 ? [...PI_TRIGGER_OUTPUTS] : cmd.args;
    return formatGcsLines(ids.map((id) => `${id}=${this.output(id, cmd).enabled ? '1' : '0'}`));
  }

  /**
   * Moves just commanded: `axis` (controller number) starts its trajectory at `start_s`; `wasRunning`
   * says whether it was already running one (then an InMotion output is high already: no new edge).
   */
  motionStarted(moves: readonly { axisNumber: number; axis: AxisName | string; start_s: number; wasRunning: boolean }[]): void {
    if (!this.sink) return;
    const edges: number[] = [];
    for (const o of this.outputs.values()) {
      if (!o.enabled || o.mode !== TRIGGER_MODE_IN_MOTION) continue;
      const m = moves.find((x) => x.axisNumber === o.axis);
      if (m && !m.wasRunning) edges.push(m.start_s);
    }
    if (edges.length > 0) this.sink.post(Float64Array.from(edges.sort((a, b) => a - b)));
  }

  private output(id: string, cmd: PiGcsCommand): OutputConfig {
    const o = this.outputs.get(id);
    if (!o) throw new PiGcsCommandError(PiGcsError.ParameterOutOfRange, cmd.text);
    return o;
  }
}
