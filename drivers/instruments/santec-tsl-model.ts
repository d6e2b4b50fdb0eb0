// Santec TSL lasers: limits per model and band (the TSL answers no MIN/MAX queries through this driver),
// and the bench options that pick the band or narrow the limits.
import { z } from 'zod';
import { DriverOptionError } from '../properties/errors.ts';
import { parseDriverOptions } from '../properties/options.ts';
import type { LaserLimits } from '../roles/tunable-laser.ts';
import { narrowOption } from './keysight-n777x-model.ts';

/** Models the driver recognises by `*IDN?` (`SANTEC,TSL-570,<serial>,<firmware>`). */
export const SANTEC_TSL_MODEL = /^TSL-?(550|570|710|770)$/i;

/** The C+L band unit of each model (TSL-570 type A, TSL-770 type A, ...); other bands via `wavelengthRange_nm`. */
const MODEL_LIMITS: Readonly<Record<string, LaserLimits>> = {
  'TSL-550': { wavelength_nm: { min: 1500, max: 1630 }, power_dBm: { min: -15, max: 10 }, speed_nm_s: { min: 1, max: 100 } },
  'TSL-570': { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } },
  'TSL-710': { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 10 }, speed_nm_s: { min: 1, max: 100 } },
  'TSL-770': { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } },
};

const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, 'must be [min, max] with min < max');

const optionsSchema = z.object({
  /** The unit's band when it is not the C+L one, or a narrower range. */
  wavelengthRange_nm: range.optional(),
  powerRange_dBm: range.optional(),
}).strict();

export type SantecOptions = z.output<typeof optionsSchema>;

export function parseSantecOptions(driver: string, options: Record<string, unknown>): SantecOptions {
  return parseDriverOptions(driver, optionsSchema, options);
}

/** The model's limits; for another band the bench file's range replaces (not narrows) the wavelength span. */
export function santecLimits(driver: string, model: string, options: SantecOptions): LaserLimits {
  const key = model.toUpperCase().replace(/^TSL-?/, 'TSL-');
  const base = MODEL_LIMITS[key];
  if (!base) {
    if (!options.wavelengthRange_nm || !options.powerRange_dBm) {
      throw new DriverOptionError(driver, 'wavelengthRange_nm', `and 'powerRange_dBm' are needed for model '${model}', whose limits the driver does not know`);
    }
    const [wMin, wMax] = options.wavelengthRange_nm;
    const [pMin, pMax] = options.powerRange_dBm;
    return { wavelength_nm: { min: wMin, max: wMax }, power_dBm: { min: pMin, max: pMax }, speed_nm_s: { min: 1, max: 100 } };
  }
  const w = options.wavelengthRange_nm;
  return {
    wavelength_nm: w ? { min: w[0], max: w[1] } : base.wavelength_nm,
    power_dBm: narrowOption(driver, 'powerRange_dBm', 'dBm', base.power_dBm, options.powerRange_dBm),
    speed_nm_s: base.speed_nm_s,
  };
}
