// `set`: instrument settings by role, applied in the order written. Stage axes of one stage are moved
// together (`stage.X: 12500um`, `stage.Y: 12500um` → one move, then wait for motion); `stage.velocity` and
// `stage.acceleration` set the ramps of every axis of the stage (set-settings.ts), for the moves after them.
import { z } from 'zod';
import { checkRange, checkStageTarget, requireRole } from '../capabilities.ts';
import { parseQuantity, QuantityError } from '../schema/quantity.ts';
import type { Stage } from '../../drivers/roles/stage.ts';
import type { StepDefinition } from '../step.ts';
import { kindOfRoleName, SETTINGS } from './set-settings.ts';

export type SetAction =
  | { type: 'setting'; key: string; role: string; setting: string; value: unknown }
  | { type: 'move'; key: string; role: string; targets_um: Record<string, number> };

export interface SetParams {
  actions: SetAction[];
}

const KEY_RE = /^([a-z][a-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

const schema: z.ZodType<SetParams> = z.record(z.string(), z.unknown(), {
  error: 'expected a mapping of role.setting: value (e.g. laser.wavelength: 1550nm, stage.X: 12500um)',
}).transform((body, ctx) => {
  const actions: SetAction[] = [];
  const moves = new Map<string, Extract<SetAction, { type: 'move' }>>();
  for (const [key, raw] of Object.entries(body)) {
    const m = KEY_RE.exec(key);
    const kind = m ? kindOfRoleName(m[1] as string) : undefined;
    if (!m || !kind) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'expected role.setting with a role such as laser, meter, voa, bert or stage (e.g. laser.wavelength)' });
      continue;
    }
    const [, role, setting] = m as unknown as [string, string, string];
    if (kind === 'stage' && !SETTINGS.stage[setting]) {
      try {
        const v = parseQuantity(raw, 'length_um');
        let move = moves.get(role);
        if (!move) {
          move = { type: 'move', key, role, targets_um: {} };
          moves.set(role, move);
          actions.push(move);
        }
        move.targets_um[setting] = v;
      } catch (err) {
        if (!(err instanceof QuantityError)) throw err;
        ctx.addIssue({ code: 'custom', path: [key], message: `expected a stage position (${role}.<axis>) or one of ${Object.keys(SETTINGS.stage).join(', ')}: ${err.message}` });
      }
      continue;
    }
    const spec = SETTINGS[kind][setting];
    if (!spec) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown ${kind} setting '${setting}'; expected one of ${Object.keys(SETTINGS[kind]).join(', ')}` });
      continue;
    }
    const r = spec.schema.safeParse(raw);
    if (!r.success) {
      for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: [key], message: i.message });
      continue;
    }
    actions.push({ type: 'setting', key, role, setting, value: r.data });
  }
  if (Object.keys(body).length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one setting' });
  return { actions };
});

/** A stage move's estimate when the plan does not know its speed or start (set-estimate.ts refines it), s. */
export const MOVE_ESTIMATE_S = 2;

/** Time for a stage to settle at its target beyond its trapezoid profile, s. */
const SETTLE_MARGIN_S = 2;

/** Duration of a trapezoidal (or, for a short move, triangular) velocity profile over `distance_um`. */
export function moveDuration_s(distance_um: number, velocity_um_s: number, acceleration_um_s2: number): number {
  if (!(distance_um > 0)) return 0;
  if (!(velocity_um_s > 0 && acceleration_um_s2 > 0)) return Infinity;
  const ramp_um = (velocity_um_s * velocity_um_s) / acceleration_um_s2;
  return distance_um >= ramp_um ? distance_um / velocity_um_s + velocity_um_s / acceleration_um_s2 : 2 * Math.sqrt(distance_um / acceleration_um_s2);
}

/**
 * How long the move may take before an axis counts as stuck (a stalled motor, a crash into an obstacle):
 * twice its slowest axis's profile, plus settling. The driver's own default (a minute) would hold a stalled
 * run that long.
 */
async function moveTimeout_s(stage: Stage, targets_um: Record<string, number>): Promise<number> {
  let slowest = 0;
  for (const [axis, to] of Object.entries(targets_um)) {
    const from = await stage.position_um(axis);
    const { velocity_um_s, acceleration_um_s2 } = await stage.trajectory(axis);
    slowest = Math.max(slowest, moveDuration_s(Math.abs(to - from), velocity_um_s, acceleration_um_s2));
  }
  return Number.isFinite(slowest) ? 2 * slowest + SETTLE_MARGIN_S : 60;
}

function specOf(a: Extract<SetAction, { type: 'setting' }>) {
  const kind = kindOfRoleName(a.role);
  return kind ? SETTINGS[kind][a.setting] : undefined;
}

export const setStep: StepDefinition<SetParams> = {
  kind: 'set',
  description: 'instrument settings by role (laser.wavelength: 1550nm, voa.attenuation: 3dB, stage.velocity: 10mm/s, stage.X: 12500um)',
  schema,
  tables: () => [],
  measurements: () => ({}),
  validate(params, bench) {
    return params.actions.flatMap((a) => {
      if (a.type === 'move') return Object.entries(a.targets_um).flatMap(([axis, v]) => checkStageTarget(bench, a.role, axis, v, `${a.role}.${axis}`));
      const spec = specOf(a);
      const kind = kindOfRoleName(a.role);
      if (spec?.validate) return spec.validate(bench, a.role, a.value as number, a.key);
      if (spec?.range) return checkRange(bench, a.role, spec.range, a.value as number, a.key, kind);
      const role = requireRole(bench, a.role, a.key, kind);
      return 'message' in role ? [role] : [];
    });
  },
  estimate_s(params) {
    return params.actions.reduce((s, a) => s + (a.type === 'move' ? MOVE_ESTIMATE_S : specOf(a)?.estimate_s ?? 0.1), 0);
  },
  async run(ctx, params) {
    for (const a of params.actions) {
      await ctx.checkpoint();
      if (a.type === 'move') {
        const stage = ctx.bench.get(a.role, 'stage');
        const timeout_s = await moveTimeout_s(stage, a.targets_um);
        await stage.moveAbsolute_um(a.targets_um);
        await stage.waitForMotion({ axes: Object.keys(a.targets_um), timeout_s });
        ctx.log(`${a.role} at ${Object.entries(a.targets_um).map(([k, v]) => `${k}=${v} µm`).join(', ')}`);
      } else {
        await specOf(a)?.apply(ctx.bench, a.role, a.value);
      }
    }
    return { measurements: {} };
  },
};
