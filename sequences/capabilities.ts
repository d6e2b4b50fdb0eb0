// Checks a step's settings against the bench's declared capabilities (BenchInfo) before anything moves.
// Steps call these from `validate`; every issue names the field, the value and the range it missed.
import type { BenchInfo, RoleInfo, ValidationIssue } from './step.ts';
import type { RoleKind } from '../drivers/driver.ts';

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

/** The role's info, or an issue saying the bench lacks it (or has it as another kind). */
export function requireRole(bench: BenchInfo, role: string, field: string, kind?: RoleKind): RoleInfo | ValidationIssue {
  const info = bench.roles[role];
  if (!info) {
    const known = Object.keys(bench.roles);
    return { field, message: `bench '${bench.name}' has no role '${role}' (it has ${known.length ? known.join(', ') : 'none'})` };
  }
  if (kind && info.kind !== kind) return { field, message: `role '${role}' is a ${info.kind}, expected a ${kind}` };
  return info;
}

function isIssue(x: RoleInfo | ValidationIssue): x is ValidationIssue {
  return 'message' in x;
}

/**
 * Checks `value` of `setting` (e.g. 'wavelength_nm') on `role` against its declared range. No declared range →
 * no issue (the driver still checks before sending). Returns [] or one issue.
 */
export function checkRange(bench: BenchInfo, role: string, setting: string, value: number, field: string,
  kind?: RoleKind): ValidationIssue[] {
  const info = requireRole(bench, role, field, kind);
  if (isIssue(info)) return [info];
  const range = info.ranges[setting];
  if (!range) return [];
  if (value >= range.min && value <= range.max) return [];
  const unit = setting.includes('_') ? setting.slice(setting.indexOf('_') + 1).replace(/_/g, '/') : '';
  return [{
    field,
    message: `${fmt(value)} ${unit} is outside the ${role}'s ${setting.split('_')[0]} range ` +
      `[${fmt(range.min)}, ${fmt(range.max)}] ${unit} (${info.driver})`,
  }];
}

/** Checks a stage target (µm) against the axis's soft limits. */
export function checkStageTarget(bench: BenchInfo, role: string, axis: string, target_um: number,
  field: string): ValidationIssue[] {
  const info = requireRole(bench, role, field, 'stage');
  if (isIssue(info)) return [info];
  const axes = info.axes ?? {};
  const limits = axes[axis];
  if (!limits) {
    return [{ field, message: `stage '${role}' has no axis '${axis}' (its axes are ${Object.keys(axes).join(', ') || 'none'})` }];
  }
  if (target_um >= limits.min_um && target_um <= limits.max_um) return [];
  return [{
    field,
    message: `a move of ${role} axis ${axis} to ${fmt(target_um)} µm is beyond its soft limits ` +
      `[${fmt(limits.min_um)}, ${fmt(limits.max_um)}] µm`,
  }];
}

/** The first role of a kind (e.g. the stage), preferring the role named like the kind. */
export function roleOfKind(bench: BenchInfo, kind: RoleKind): string | undefined {
  if (bench.roles[kind]?.kind === kind) return kind;
  return Object.entries(bench.roles).find(([, info]) => info.kind === kind)?.[0];
}
