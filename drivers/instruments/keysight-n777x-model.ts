// Keysight tunable lasers (N777xC, 8160x): the bench options and where the limits come from. A model's
// wavelength span depends on its option (the N7778C alone comes in four bands), so the limits are asked
// of the laser itself (`WAV? MIN|MAX`, `POW? MIN|MAX`, `WAV:SWE:SPE? MIN|MAX`); the bench file may narrow
// the first two.
import { z } from 'zod';
import { DriverOptionError } from '../properties/errors.ts';
import { parseDriverOptions, rangeOption } from '../properties/options.ts';
import type { Range } from '../properties/validators.ts';

/** Lasers the driver recognises by `*IDN?` (the N777xC family and the 8160x modules' own identities). */
export const N777X_MODEL = /^(N777[6-9]C|N7711A|N7714A|8160[0-9][AB])$/i;

/** Sweep speed range by model, nm/s: the fallback for firmware that does not answer `WAV:SWE:SPE? MIN|MAX`. */
export function sweepSpeedRange_nm_s(model: string): Range {
  if (/^N777/i.test(model)) return { min: 0.5, max: 200 };
  if (/^81600B$/i.test(model)) return { min: 0.5, max: 80 };
  return { min: 0.5, max: 200 };
}

const range = rangeOption();

const sourceNumber = z.number().int().min(0).max(18);

const optionsSchema = z.object({
  /** The laser's source number: 0 on N777xC and the 8164B's built-in slot, the module's slot otherwise. */
  slot: sourceNumber.optional(),
  /** The same number under the name the bench-file contract uses (Keysight's `:SOURce<n>`). */
  source: sourceNumber.optional(),
  /** Narrower limits than the laser's own (e.g. a fragile DUT); default: what the laser reports. */
  wavelengthRange_nm: range.optional(),
  powerRange_dBm: range.optional(),
  /** How long switching the output on may take to settle, s (default 60). */
  warmUp_s: z.number().positive('must be a time in s above 0').max(3600, 'must be at most 3600 s').optional(),
}).strict();

export interface N777xOptions {
  slot: number;
  wavelengthRange_nm?: [number, number] | undefined;
  powerRange_dBm?: [number, number] | undefined;
  warmUp_s?: number | undefined;
}

export function parseN777xOptions(driver: string, options: Record<string, unknown>): N777xOptions {
  const { slot, source, ...ranges } = parseDriverOptions(driver, optionsSchema, options);
  if (slot !== undefined && source !== undefined && slot !== source) {
    throw new DriverOptionError(driver, 'source', `is ${source} but slot is ${slot}: they name the same number; give one`);
  }
  return { slot: slot ?? source ?? 0, ...ranges };
}

/** The narrower of the laser's range and the bench file's; the bench file may not widen it. */
export function narrow(instrument: Range, bench: readonly [number, number] | undefined): Range {
  if (!bench) return instrument;
  return { min: Math.max(instrument.min, bench[0]), max: Math.min(instrument.max, bench[1]) };
}

/** narrow(), refusing a bench-file range that leaves nothing of the instrument's (every setting would be refused). */
export function narrowOption(driver: string, option: string, unit: string, instrument: Range, bench: readonly [number, number] | undefined): Range {
  const r = narrow(instrument, bench);
  if (bench && !(r.min <= r.max)) {
    throw new DriverOptionError(driver, option, `[${bench[0]}, ${bench[1]}] ${unit} lies outside the laser's own ${instrument.min}…${instrument.max} ${unit}`);
  }
  return r;
}
