// Shared test fixtures for the optical world and its instruments: a fiber array held where a test puts
// it (a fixed-position fake of the MotionSystem), and a world on a fast clock.
import { FastClock } from '../../../../sim/clock.ts';
import type { BenchClock } from '../../../../sim/clock.ts';
import type { AxisName, MotionSystem } from '../../../../sim/motion/motion-system.ts';
import { OpticalWorld } from '../../../../sim/world/optical-world.ts';

export class FixedStage implements MotionSystem {
  pos: Record<AxisName, number> = { X: 0, Y: 0, Z: 9000 };
  /** Optional trajectory: position as a function of bench time (overrides `pos`). */
  path: ((axis: AxisName, t_s: number) => number) | null = null;

  truePosition_um(axis: AxisName, t_s: number): number {
    return this.path ? this.path(axis, t_s) : this.pos[axis];
  }

  moveTo(x_um: number, y_um: number, z_um: number): void {
    this.pos = { X: x_um, Y: y_um, Z: z_um };
  }
}

export interface WorldFixture {
  world: OpticalWorld;
  stage: FixedStage;
  clock: BenchClock;
}

export function makeWorld(seed = 7, opts: { drift_um_per_h?: number; clock?: BenchClock } = {}): WorldFixture {
  const clock = opts.clock ?? new FastClock();
  const stage = new FixedStage();
  const world = new OpticalWorld({ seed, clock, motion: stage, drift_um_per_h: opts.drift_um_per_h ?? 0 });
  return { world, stage, clock };
}

/** Puts the fiber array on site k's optimum (at bench time t), at its best height plus `dz_um`. */
export function alignTo(f: WorldFixture, k = 0, dz_um = 0, t_s = f.clock.now_s()): void {
  const o = f.world.chip.optimumAt(k, t_s);
  f.stage.moveTo(o.x_um, o.y_um, o.z_um + dz_um);
}
