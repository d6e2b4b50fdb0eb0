// A stage's axes as the driver receives them (from the bench file, or built in code, so not necessarily
// schema-checked): at least one axis, distinct controller axis numbers, min < max, homing fields typed —
// and the homing rule that home() applies.
import type { StageAxisSettings } from './stage.ts';

/** A stage's bench-file settings that cannot be right: no axes, axis numbers shared, min ≥ max, ... */
export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

/** Checks and copies the axes (only the known fields are kept). */
export function checkAxes(role: string, axes: Readonly<Record<string, StageAxisSettings>> | undefined): Record<string, StageAxisSettings> {
  if (!axes || Object.keys(axes).length === 0) {
    throw new StageConfigError(`${role}: a stage needs its axes (bench file 'axes:', e.g. X: { axis: 1, min_um: 0, max_um: 25000, home_um: 0 })`);
  }
  const seen = new Map<number, string>();
  const out: Record<string, StageAxisSettings> = {};
  for (const [name, c] of Object.entries(axes)) {
    if (!Number.isInteger(c.axis) || c.axis < 1) throw new StageConfigError(`${role}: axis ${name}: controller axis number ${c.axis} must be an integer ≥ 1`);
    if (!(Number.isFinite(c.min_um) && Number.isFinite(c.max_um) && c.min_um < c.max_um)) {
      throw new StageConfigError(`${role}: axis ${name}: soft limits [${c.min_um}, ${c.max_um}] µm must be finite with min_um < max_um`);
    }
    if (c.home_um !== undefined && !(typeof c.home_um === 'number' && Number.isFinite(c.home_um))) {
      throw new StageConfigError(`${role}: axis ${name}: home_um ${String(c.home_um)} must be a finite position in µm`);
    }
    if (c.home_safe !== undefined && typeof c.home_safe !== 'boolean') {
      throw new StageConfigError(`${role}: axis ${name}: home_safe ${String(c.home_safe)} must be true or false`);
    }
    const other = seen.get(c.axis);
    if (other !== undefined) throw new StageConfigError(`${role}: axes ${other} and ${name} both use controller axis ${c.axis}`);
    seen.set(c.axis, name);
    const copy: StageAxisSettings = { axis: c.axis, min_um: c.min_um, max_um: c.max_um };
    if (c.home_um !== undefined) copy.home_um = c.home_um;
    if (c.home_safe !== undefined) copy.home_safe = c.home_safe;
    out[name] = copy;
  }
  return out;
}

/**
 * Whether home() may send the homing run: the axis homes to a known position inside its soft limits
 * (the run then stays inside them, the limits being one interval), or the bench file vouches for it.
 */
export function homingAllowed(c: StageAxisSettings): boolean {
  if (c.home_safe === true) return true;
  return c.home_um !== undefined && c.home_um >= c.min_um && c.home_um <= c.max_um;
}
