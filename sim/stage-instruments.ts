// The virtual bench's stage: one StageMotion (the fiber-array stage the optics read) and its three
// controller front ends — the SCPI motion controller ('stage'), the Newport ESP301 ('stage-esp') and the
// PI GCS controller ('stage-pi'). They command the same axes: a bench uses one stage controller at a
// time, and mixing them is like wiring two controllers to one stage (each keeps its own settings —
// ESP motor on/off and soft limits, PI servo state, error queues — over the shared mechanics).
import type { BenchClock } from './clock.ts';
import { Esp301Stage } from './instruments/stage-esp301.ts';
import { PiGcsStage } from './instruments/stage-pi-gcs.ts';
import { ScpiStage } from './instruments/stage-scpi.ts';
import type { AxisConfig } from './motion/axis-config.ts';
import type { AxisName } from './motion/motion-system.ts';
import { StageMotion } from './motion/stage-motion.ts';
import type { SimInstrument } from './sim-instrument.ts';

export interface StageOptions {
  seed: number;
  clock: BenchClock;
  /** Starting velocity of every axis, µm/s (default 2000). */
  velocity_um_s?: number;
  /** Per-axis mechanics overrides (travel, rates, settle, backlash range, repeatability, …). */
  axes?: Partial<Record<AxisName, Partial<AxisConfig>>>;
  /** Whether the axes power up referenced (default true). */
  referenced?: boolean;
  /** Per role ('stage', 'stage-esp', 'stage-pi'): the controller's own constant exchange cost, s (0 when a timing profile times its link). */
  commandLatency_s?: Partial<Record<string, number>>;
}

export interface StageBench {
  /** Implements MotionSystem for the optics; `stall` / `unstall` / `stop` are the stage's fault hooks. */
  readonly motion: StageMotion;
  /** In role order: stage, stage-esp, stage-pi. */
  readonly instruments: SimInstrument[];
  readonly scpi: ScpiStage;
  readonly esp301: Esp301Stage;
  readonly pi: PiGcsStage;
}

export function createStageBench(opts: StageOptions): StageBench {
  const motion = new StageMotion({
    seed: opts.seed,
    clock: opts.clock,
    ...(opts.velocity_um_s !== undefined ? { velocity_um_s: opts.velocity_um_s } : {}),
    ...(opts.axes !== undefined ? { axes: opts.axes } : {}),
    ...(opts.referenced !== undefined ? { referenced: opts.referenced } : {}),
  });
  const latency = (role: string): { commandLatency_s?: number } => {
    const v = opts.commandLatency_s?.[role];
    return v !== undefined ? { commandLatency_s: v } : {};
  };
  const scpi = new ScpiStage({ motion, ...latency('stage') });
  const esp301 = new Esp301Stage({ motion, ...latency('stage-esp') });
  const pi = new PiGcsStage({ motion, ...latency('stage-pi') });
  return { motion, instruments: [scpi, esp301, pi], scpi, esp301, pi };
}
