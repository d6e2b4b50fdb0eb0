// An in-memory stage controller for the AxisStage tests: axes move only when told, a move finishes by the
// next poll unless the axis is stuck, and every call is logged so a test can assert what reached the wire.
import { AxisStage } from '../../../../drivers/roles/stage-driver.ts';
import type { StageProtocol } from '../../../../drivers/roles/stage-protocol.ts';
import type { StageAxisSettings } from '../../../../drivers/roles/stage.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';

export const AXES = { X: { axis: 1, min_um: 0, max_um: 100 }, Y: { axis: 2, min_um: -50, max_um: 50 } };

/** A controller whose axes move only when told, and that can be made to stick or to fail stopping. */
export class MemoryController implements StageProtocol {
  closed = false;
  readonly session = { resource: 'MEM::stage', close: async () => { this.closed = true; } } as unknown as ScpiSession;
  readonly calls: string[] = [];
  readonly moving = new Set<number>();
  readonly stuck = new Set<number>();
  readonly target = new Map<number, number>([[1, 0], [2, 0]]);
  readonly velocity = new Map<number, number>([[1, 10], [2, 10]]);
  failStop = false;
  /** Axes whose stop command fails, and whether the stop-everything command does. */
  readonly failStopOf = new Set<number>();
  failStopAll = false;
  /** Refuse moves (as a controller reporting an error after the move command). */
  failMove = false;
  failSetVelocity = false;

  async identify() { return 'MEMORY'; }
  async clearErrors() { this.calls.push('clearErrors'); }
  async enable(axes: readonly number[]) { this.calls.push(`enable ${axes.join(',')}`); }
  async moveAbsolute(moves: readonly { axis: number; target_um: number }[]) {
    if (this.failMove) {
      this.calls.push(`abs refused ${moves.map((m) => m.axis).join(',')}`);
      throw new Error('move refused');
    }
    for (const m of moves) {
      this.calls.push(`abs ${m.axis} ${m.target_um}`);
      this.target.set(m.axis, m.target_um);
      this.moving.add(m.axis);
    }
  }
  async moveRelative(moves: readonly { axis: number; delta_um: number }[]) {
    for (const m of moves) {
      this.calls.push(`rel ${m.axis} ${m.delta_um}`);
      this.target.set(m.axis, (this.target.get(m.axis) ?? 0) + m.delta_um);
    }
  }
  async target_um(axis: number) { this.calls.push(`target? ${axis}`); return this.target.get(axis) ?? 0; }
  /** Where an axis stands while it moves (default: at its target). */
  readonly position = new Map<number, number>();
  async position_um(axis: number) { return this.position.get(axis) ?? this.target.get(axis) ?? 0; }
  async isMoving(axis: number) {
    this.calls.push(`moving? ${axis}`);
    const was = this.moving.has(axis);
    if (!this.stuck.has(axis)) this.moving.delete(axis); // a move finishes by the next poll unless stuck
    return was;
  }
  async home(axis: number) { this.calls.push(`home ${axis}`); }
  async setVelocity_um_s(axis: number, v: number) {
    this.calls.push(`vel ${axis} ${v}`);
    if (this.failSetVelocity) throw new Error('link lost while setting the velocity');
    this.velocity.set(axis, v);
  }
  async velocity_um_s(axis: number) { this.calls.push(`vel? ${axis}`); return this.velocity.get(axis) ?? 0; }
  async setAcceleration_um_s2(axis: number, a: number) { this.calls.push(`acc ${axis} ${a}`); }
  async acceleration_um_s2() { return 100; }
  async stop(axes: readonly number[]) {
    this.calls.push(`stop ${axes.join(',')}`);
    if (this.failStop) throw new Error('link lost while stopping');
    if (axes.some((a) => this.failStopOf.has(a))) throw new Error(`axis ${axes.join(',')} refused the stop`);
    for (const a of axes) { this.moving.delete(a); this.stuck.delete(a); }
  }
  async stopAll() {
    this.calls.push('stop all');
    if (this.failStopAll) throw new Error('stop-all not understood');
    this.moving.clear();
    this.stuck.clear();
  }
}

export function stage(c = new MemoryController(), axes: Readonly<Record<string, StageAxisSettings>> = AXES) {
  return { c, s: new AxisStage('memory', 'stage', c, axes) };
}
