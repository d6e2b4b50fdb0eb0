// The Keysight power meter's one-command settings, declared. Addresses are a channel's slot and chan.
import { BOOLEAN, DBM, NM_VIA_METRES, POWER_UNIT_01, SECONDS } from '../properties/codecs.ts';
import type { Codec } from '../properties/codecs.ts';
import { control } from '../properties/property.ts';
import { inRange, isBoolean, oneOf } from '../properties/validators.ts';
import type { Range } from '../properties/validators.ts';
import type { PowerUnit } from '../roles/power-meter.ts';

/** 1 µs is the N774x's shortest averaging time; 10 s the longest of the family. */
export const AVERAGING_TIME_RANGE_S: Range = { min: 1e-6, max: 10 };
/** Manual ranges of InGaAs heads, in 10 dB steps; the meter picks the one at or above the value. */
export const POWER_RANGE_DBM: Range = { min: -110, max: 30 };

export const POWER_UNIT: Codec<PowerUnit> = POWER_UNIT_01;

export function meterTable(wavelengthRange_nm: Range) {
  return {
    wavelength_nm: control({
      get: ':SENS{slot}:CHAN{chan}:POW:WAV?', set: ':SENS{slot}:CHAN{chan}:POW:WAV {value}',
      codec: NM_VIA_METRES, validate: inRange(wavelengthRange_nm, 'nm'),
    }),
    averagingTime_s: control({
      get: ':SENS{slot}:CHAN{chan}:POW:ATIME?', set: ':SENS{slot}:CHAN{chan}:POW:ATIME {value}',
      codec: SECONDS, validate: inRange(AVERAGING_TIME_RANGE_S, 's'),
    }),
    autoRange: control({
      get: ':SENS{slot}:CHAN{chan}:POW:RANG:AUTO?', set: ':SENS{slot}:CHAN{chan}:POW:RANG:AUTO {value}',
      codec: BOOLEAN, validate: isBoolean,
    }),
    range_dBm: control({
      get: ':SENS{slot}:CHAN{chan}:POW:RANG?', set: ':SENS{slot}:CHAN{chan}:POW:RANG {value}',
      codec: DBM, validate: inRange(POWER_RANGE_DBM, 'dBm'),
    }),
    unit: control({
      get: ':SENS{slot}:CHAN{chan}:POW:UNIT?', set: ':SENS{slot}:CHAN{chan}:POW:UNIT {value}',
      codec: POWER_UNIT, validate: oneOf<PowerUnit>(['dBm', 'W']),
    }),
  };
}

/** Wavelength range a meter model's sensors are calibrated for, nm. */
export function meterWavelengthRange_nm(model: string): Range {
  // N774x InGaAs ports: 1250–1650 nm; 816x modules range from 800 nm (81634B) to 1700 nm.
  return /^N774/i.test(model) ? { min: 1250, max: 1650 } : { min: 800, max: 1700 };
}
