// Keysight attenuators (N776xA, 8156xA/8157xA): which models have an output power monitor (and so a
// power-setpoint mode), the family's attenuation span, and the bench options.
import { z } from 'zod';
import { parseDriverOptions } from '../properties/options.ts';

/** Attenuators the driver recognises by `*IDN?`. 8156x/8157x modules sit in 816x mainframes (named in the bench file). */
export const N776X_MODEL = /^(N776[1-8]A|8156[0167]A|8157[0-8]A)$/i;

/** Models with an integrated power monitor and power control (the 8156xA/8157xA guides; every N776xA). */
const POWER_CONTROL = /^(N776[1-8]A|8156[67]A|8157[67]A)$/i;

export function hasPowerControl(model: string): boolean {
  return POWER_CONTROL.test(model);
}

/** The family's physical attenuation span, dB: the fallback for firmware that does not answer `INP:ATT? MIN|MAX`. */
export const MAX_ATTENUATION_DB = 60;
/** Offsets the family accepts, dB. */
export const OFFSET_RANGE_DB = { min: -200, max: 200 };
/** Calibration wavelengths of the family's filters, nm. */
export const VOA_WAVELENGTH_RANGE_NM = { min: 1260, max: 1640 };
/** Power-control setpoints, dBm. */
export const POWER_SETPOINT_RANGE_DBM = { min: -60, max: 20 };

const optionsSchema = z.object({
  /** The attenuator channel (N7762A: 1–2, N7764A: 1–4) or the module's slot in an 816x mainframe. */
  channel: z.number().int().min(1).max(18).default(1),
  /** Override the model table (e.g. a VOA whose monitor was added by option). */
  powerControl: z.boolean().optional(),
}).strict();

export type N776xOptions = z.output<typeof optionsSchema>;

export function parseN776xOptions(driver: string, options: Record<string, unknown>): N776xOptions {
  return parseDriverOptions(driver, optionsSchema, options);
}
