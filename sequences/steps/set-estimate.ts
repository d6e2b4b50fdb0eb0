// The ETA of a set step's stage moves, from the speed the sequence itself set. One step's estimate_s sees
// only its own parameters; the plan, in run order, knows more: the last `stage.velocity` and
// `stage.acceleration` set and each axis's last target. A move between known targets at a known speed is
// estimated by its trapezoid; any other move keeps the flat MOVE_ESTIMATE_S (the speed, or the start, is
// the controller's, unknown before the run).
import type { PlannedStep } from '../plan/plan-types.ts';
import type { SetAction, SetParams } from './set.ts';
import { MOVE_ESTIMATE_S, moveDuration_s } from './set.ts';
import { kindOfRoleName } from './set-settings.ts';
/** The exchanges of a move (command, error check, motion-done polls) and settling, beyond its profile, s. */
const MOVE_OVERHEAD_S = 0.05;

interface StageState {
  velocity_um_s?: number;
  acceleration_um_s2?: number;
  at_um: Record<string, number>;
}

/** A set action that chooses a stage's ramp (`stage.velocity`, `stage.acceleration`), else null. */
export function stageRampOf(a: SetAction): { role: string; which: 'velocity' | 'acceleration'; value: number } | null {
  if (a.type !== 'setting' || kindOfRoleName(a.role) !== 'stage') return null;
  return a.setting === 'velocity' || a.setting === 'acceleration' ? { role: a.role, which: a.setting, value: a.value as number } : null;
}

/**
 * Replaces, in each set step's estimate_s, the flat estimate of every move whose speed and start the plan
 * knows by its profile: the slowest axis's trapezoid plus MOVE_OVERHEAD_S. Steps estimated at 0 (a reprobe
 * pass's, which may not run) are left alone and do not move the known positions.
 */
export function estimateMovesAtSetSpeed(steps: PlannedStep[]): void {
  const stages = new Map<string, StageState>();
  const stateOf = (role: string): StageState => {
    let s = stages.get(role);
    if (!s) stages.set(role, (s = { at_um: {} }));
    return s;
  };
  for (const step of steps) {
    if (step.kind !== 'set' || !(step.estimate_s > 0)) continue;
    let delta_s = 0;
    for (const a of (step.params as SetParams).actions) {
      if (a.type === 'setting') {
        const ramp = stageRampOf(a);
        if (ramp?.which === 'velocity') stateOf(ramp.role).velocity_um_s = ramp.value;
        if (ramp?.which === 'acceleration') stateOf(ramp.role).acceleration_um_s2 = ramp.value;
        continue;
      }
      const s = stateOf(a.role);
      const known = s.velocity_um_s !== undefined && s.acceleration_um_s2 !== undefined &&
        Object.keys(a.targets_um).every((axis) => s.at_um[axis] !== undefined);
      if (known) {
        let slowest = 0;
        for (const [axis, to] of Object.entries(a.targets_um)) {
          slowest = Math.max(slowest, moveDuration_s(Math.abs(to - (s.at_um[axis] as number)), s.velocity_um_s as number, s.acceleration_um_s2 as number));
        }
        delta_s += slowest + MOVE_OVERHEAD_S - MOVE_ESTIMATE_S;
      }
      Object.assign(s.at_um, a.targets_um);
    }
    step.estimate_s = Math.max(0, step.estimate_s + delta_s);
  }
}
