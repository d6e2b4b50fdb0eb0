// Santec TSL lasers: where the limits come from, and the bench options that narrow them. A TSL-570 reports
// its own wavelength and power limits (`:WAV:MIN?`/`:WAV:MAX?`, `:POW:LEV:MIN?`/`MAX?`, santec-tsl-limits.ts),
// which also tells the band of the unit; the model table below is the fallback for older firmware that
// answers no limit queries (and the source of the sweep-speed range, which no query reports).
import { z } from 'zod';
import { DriverOptionError } from '../properties/errors.ts';
import { parseDriverOptions, rangeOption } from '../properties/options.ts';
import type { LaserLimits } from '../roles/tunable-laser.ts';
import type { Range } from '../properties/validators.ts';
import { narrowOption } from './keysight-n777x-model.ts';

/** Models the driver recognises by `*IDN?` (`SANTEC,TSL-570,<serial>,<firmware>`). */
export const SANTEC_TSL_MODEL = /^TSL-?(550|570|710|770)$/i;

/**
 * Fallback for firmware without limit queries: the C+L band unit of each model (TSL-570 type A, TSL-770
 * type A, ...); other bands via `wavelengthRange_nm`. The speed ranges are used with any firmware.
 */
const MODEL_LIMITS: Readonly<Record<string, LaserLimits>> = {
  'TSL-550': { wavelength_nm: { min: 1500, max: 1630 }, power_dBm: { min: -15, max: 10 }, speed_nm_s: { min: 1, max: 100 } },
  'TSL-570': { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } },
  'TSL-710': { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 10 }, speed_nm_s: { min: 1, max: 100 } },
  'TSL-770': { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } },
};

/** Sweep speeds of a model the table does not know, nm/s (the slowest of the family's maxima). */
const UNKNOWN_MODEL_SPEED_NM_S = { min: 1, max: 100 };

const range = rangeOption();

const optionsSchema = z.object({
  /**
   * Narrower than what the laser reports; with firmware that reports no limits, the unit's band when it is
   * not the C+L one.
   */
  wavelengthRange_nm: range.optional(),
  powerRange_dBm: range.optional(),
}).strict();

export type SantecOptions = z.output<typeof optionsSchema>;

export function parseSantecOptions(driver: string, options: Record<string, unknown>): SantecOptions {
  return parseDriverOptions(driver, optionsSchema, options);
}

/** The wavelength and power limits the laser reported (power already in dBm). */
export interface ReportedLimits {
  wavelength_nm: Range;
  power_dBm: Range;
}

function modelKey(model: string): string {
  return model.toUpperCase().replace(/^TSL-?/, 'TSL-');
}

/** The laser's own limits, narrowed by the bench file (never widened); sweep speeds from the model table. */
export function santecReportedLimits(driver: string, model: string, reported: ReportedLimits, options: SantecOptions): LaserLimits {
  return {
    wavelength_nm: narrowOption(driver, 'wavelengthRange_nm', 'nm', reported.wavelength_nm, options.wavelengthRange_nm),
    power_dBm: narrowOption(driver, 'powerRange_dBm', 'dBm', reported.power_dBm, options.powerRange_dBm),
    speed_nm_s: MODEL_LIMITS[modelKey(model)]?.speed_nm_s ?? UNKNOWN_MODEL_SPEED_NM_S,
  };
}

/**
 * The fallback when the laser reports no limits (older firmware): the model's; for another band the bench
 * file's range replaces (not narrows) the wavelength span, since the table knows only the C+L units.
 */
export function santecLimits(driver: string, model: string, options: SantecOptions): LaserLimits {
  const base = MODEL_LIMITS[modelKey(model)];
  if (!base) {
    if (!options.wavelengthRange_nm || !options.powerRange_dBm) {
      throw new DriverOptionError(driver, 'wavelengthRange_nm', `and 'powerRange_dBm' are needed for model '${model}', whose limits the driver does not know`);
    }
    const [wMin, wMax] = options.wavelengthRange_nm;
    const [pMin, pMax] = options.powerRange_dBm;
    return { wavelength_nm: { min: wMin, max: wMax }, power_dBm: { min: pMin, max: pMax }, speed_nm_s: UNKNOWN_MODEL_SPEED_NM_S };
  }
  const w = options.wavelengthRange_nm;
  return {
    wavelength_nm: w ? { min: w[0], max: w[1] } : base.wavelength_nm,
    power_dBm: narrowOption(driver, 'powerRange_dBm', 'dBm', base.power_dBm, options.powerRange_dBm),
    speed_nm_s: base.speed_nm_s,
  };
}
