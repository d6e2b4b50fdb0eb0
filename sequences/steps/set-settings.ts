// The settings a `set` step may change, per kind of role: `laser.wavelength: 1550nm`, `voa.attenuation: 3dB`,
// `stage.velocity: 10mm/s`. Each names its quantity schema, the BenchInfo range it is checked against, and how
// it is applied through the role interface. A stage's other keys are axis positions (`stage.X: 12500um`,
// set.ts); `velocity` and `acceleration` are its settings, for every axis of the stage.
import type { z } from 'zod';
import type { RoleKind } from '../../drivers/driver.ts';
import { BERT_PATTERNS, type BertPattern } from '../../drivers/roles/bert.ts';
import type { Bench } from '../bench-port.ts';
import { requireRole } from '../capabilities.ts';
import { q } from '../schema/q.ts';
import type { BenchInfo, ValidationIssue } from '../step.ts';
import { z as zod } from 'zod';

export interface SettingSpec {
  schema: z.ZodType<unknown>;
  /** BenchInfo range key checked at validation, e.g. 'wavelength_nm'. */
  range?: string;
  /** A check of its own at validation, instead of `range` (a stage's per-axis maxima). */
  validate?(bench: BenchInfo, role: string, value: number, field: string): ValidationIssue[];
  /** Typical bench seconds to apply (for the ETA). */
  estimate_s: number;
  apply(bench: Bench, role: string, value: unknown): Promise<void>;
}

const patternSchema = zod.enum(BERT_PATTERNS, { error: `expected a pattern: ${BERT_PATTERNS.join(', ')}` });

/** Meter settings apply to every channel of the meter. */
async function eachChannel(bench: Bench, role: string, f: (ch: number) => Promise<void>): Promise<void> {
  for (const ch of bench.get(role, 'meter').channels) await f(ch);
}

type Ramp = 'velocity' | 'acceleration';
const RAMP_UNIT: Record<Ramp, string> = { velocity: 'µm/s', acceleration: 'µm/s²' };

function fmt(v: number): string {
  return String(Number(v.toPrecision(10)));
}

/**
 * A stage ramp against each axis's maximum as the driver read it from the controller at open; an axis
 * whose maximum is unknown (a bench file alone, a dialect without the query) is left to the controller.
 */
function checkRamp(which: Ramp) {
  return (bench: BenchInfo, role: string, value: number, field: string): ValidationIssue[] => {
    const info = requireRole(bench, role, field, 'stage');
    if ('message' in info) return [info];
    if (info.ramps && !info.ramps.includes(which)) {
      return [{ field, message: `${role} (${info.driver}) has no ${which} to set; it sets ${info.ramps.join(' and ')} only` }];
    }
    const unit = RAMP_UNIT[which];
    const over = Object.entries(info.axes ?? {}).flatMap(([axis, a]) => {
      const max = which === 'velocity' ? a.maxVelocity_um_s : a.maxAcceleration_um_s2;
      return max !== undefined && value > max ? [`axis ${axis} (${fmt(max)} ${unit})`] : [];
    });
    if (over.length === 0) return [];
    return [{ field, message: `${which} ${fmt(value)} ${unit} for ${role} is beyond the maximum of its ${over.join(', ')} (${info.driver}); it applies to every axis of ${role}` }];
  };
}

/** A stage ramp on every axis of the stage: velocities in one command where the controller takes several. */
async function eachAxis(bench: Bench, role: string, which: Ramp, value: number): Promise<void> {
  const stage = bench.get(role, 'stage');
  if (which === 'velocity' && stage.setVelocities_um_s) {
    await stage.setVelocities_um_s(Object.fromEntries(stage.axes.map((a) => [a, value])));
    return;
  }
  for (const axis of stage.axes) {
    if (which === 'velocity') await stage.setVelocity_um_s(axis, value);
    else await stage.setAcceleration_um_s2(axis, value);
  }
}

export const SETTINGS: Record<RoleKind, Record<string, SettingSpec>> = {
  stage: {
    velocity: { schema: q.velocity_um_s({ positive: true }), validate: checkRamp('velocity'), estimate_s: 0.1,
      apply: (b, r, v) => eachAxis(b, r, 'velocity', v as number) },
    acceleration: { schema: q.acceleration_um_s2({ positive: true }), validate: checkRamp('acceleration'), estimate_s: 0.1,
      apply: (b, r, v) => eachAxis(b, r, 'acceleration', v as number) },
  },
  laser: {
    wavelength: { schema: q.wavelength_nm({ positive: true }), range: 'wavelength_nm', estimate_s: 0.5,
      apply: async (b, r, v) => {
        const laser = b.get(r, 'laser');
        await laser.setWavelength_nm(v as number);
        await laser.waitSettled();
      } },
    power: { schema: q.power_dBm(), range: 'power_dBm', estimate_s: 0.2,
      apply: (b, r, v) => b.get(r, 'laser').setPower_dBm(v as number) },
    output: { schema: q.onOff(), estimate_s: 0.1, apply: (b, r, v) => b.get(r, 'laser').setOutput(v as boolean) },
  },
  meter: {
    wavelength: { schema: q.wavelength_nm({ positive: true }), range: 'wavelength_nm', estimate_s: 0.05,
      apply: (b, r, v) => eachChannel(b, r, (ch) => b.get(r, 'meter').setWavelength_nm(ch, v as number)) },
    averaging_time: { schema: q.duration_s({ positive: true }), estimate_s: 0.05,
      apply: (b, r, v) => eachChannel(b, r, (ch) => b.get(r, 'meter').setAveragingTime_s(ch, v as number)) },
    auto_range: { schema: q.onOff(), estimate_s: 0.05,
      apply: (b, r, v) => eachChannel(b, r, (ch) => b.get(r, 'meter').setAutoRange(ch, v as boolean)) },
    range: { schema: q.power_dBm(), estimate_s: 0.05,
      apply: (b, r, v) => eachChannel(b, r, (ch) => b.get(r, 'meter').setRange_dBm(ch, v as number)) },
  },
  voa: {
    attenuation: { schema: q.ratio_dB({ min: 0 }), range: 'attenuation_dB', estimate_s: 0.2,
      apply: (b, r, v) => b.get(r, 'voa').setAttenuation_dB(v as number) },
    offset: { schema: q.ratio_dB(), estimate_s: 0.05, apply: (b, r, v) => b.get(r, 'voa').setOffset_dB(v as number) },
    wavelength: { schema: q.wavelength_nm({ positive: true }), range: 'wavelength_nm', estimate_s: 0.05,
      apply: (b, r, v) => b.get(r, 'voa').setWavelength_nm(v as number) },
    output: { schema: q.onOff(), estimate_s: 0.05, apply: (b, r, v) => b.get(r, 'voa').setOutput(v as boolean) },
    power: { schema: q.power_dBm(), range: 'outputPower_dBm', estimate_s: 0.3,
      apply: (b, r, v) => b.get(r, 'voa').setOutputPower_dBm(v as number) },
  },
  bert: {
    pattern: { schema: patternSchema, estimate_s: 0.05, apply: (b, r, v) => b.get(r, 'bert').setPattern(v as BertPattern) },
    rate: { schema: q.rate_Gbps({ positive: true }), range: 'lineRate_Gbps', estimate_s: 0.5,
      apply: (b, r, v) => b.get(r, 'bert').setLineRate_Gbps(v as number) },
    output: { schema: q.onOff(), estimate_s: 0.05, apply: (b, r, v) => b.get(r, 'bert').setOutput(v as boolean) },
  },
};

const KINDS: readonly RoleKind[] = ['laser', 'meter', 'voa', 'bert', 'stage'];

/** The kind a role name promises (`laser2` is a laser), as bench files name roles. */
export function kindOfRoleName(role: string): RoleKind | undefined {
  return KINDS.find((k) => role === k || role.startsWith(k));
}
