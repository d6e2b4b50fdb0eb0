// The settings a `set` step may change, per kind of role: `laser.wavelength: 1550nm`, `voa.attenuation: 3dB`,
// `stage.X: 12500um`. Each names its quantity schema, the BenchInfo range it is checked against, and how
// it is applied through the role interface.
import type { z } from 'zod';
import type { RoleKind } from '../../drivers/driver.ts';
import { BERT_PATTERNS, type BertPattern } from '../../drivers/roles/bert.ts';
import type { Bench } from '../bench-port.ts';
import { q } from '../schema/q.ts';
import { z as zod } from 'zod';

export interface SettingSpec {
  schema: z.ZodType<unknown>;
  /** BenchInfo range key checked at validation, e.g. 'wavelength_nm'. */
  range?: string;
  /** Typical bench seconds to apply (for the ETA). */
  estimate_s: number;
  apply(bench: Bench, role: string, value: unknown): Promise<void>;
}

const patternSchema = zod.enum(BERT_PATTERNS, { error: `expected a pattern: ${BERT_PATTERNS.join(', ')}` });

/** Meter settings apply to every channel of the meter. */
async function eachChannel(bench: Bench, role: string, f: (ch: number) => Promise<void>): Promise<void> {
  for (const ch of bench.get(role, 'meter').channels) await f(ch);
}

export const SETTINGS: Record<Exclude<RoleKind, 'stage'>, Record<string, SettingSpec>> = {
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
