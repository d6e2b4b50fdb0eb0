// Unit conversions and unit type aliases. The aliases document a signature; they are plain numbers.
// Power ratios throughout: dB = 10·log10(P1/P2).
import { ModelInputError } from './errors.ts';

export type Nanometres = number;
export type Micrometres = number;
export type Millimetres = number;
export type Metres = number;
export type Watts = number;
export type Milliwatts = number;
export type DBm = number;
/** A power ratio in decibels (10·log10). */
export type Decibels = number;
export type Radians = number;
export type Degrees = number;
export type Seconds = number;
export type GigabitsPerSecond = number;
export type BitsPerSecond = number;

function requireNumber(where: string, field: string, v: number): void {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ModelInputError(where, field, v, 'a number');
}

/** dBm → mW. −Infinity dBm (no light) gives 0 mW. */
export function dBmToMw(power_dBm: DBm): Milliwatts {
  requireNumber('dBmToMw', 'power_dBm', power_dBm);
  return 10 ** (power_dBm / 10);
}

/**
 * mW → dBm. 0 mW gives −Infinity dBm (no light, a legitimate reading);
 * a negative or NaN power throws ModelInputError (a RangeError).
 */
export function mwToDbm(power_mW: Milliwatts): DBm {
  if (typeof power_mW !== 'number' || Number.isNaN(power_mW) || power_mW < 0) {
    throw new ModelInputError('mwToDbm', 'power_mW', power_mW, 'a power >= 0 mW');
  }
  return 10 * Math.log10(power_mW);
}

/** W → dBm. 0 W gives −Infinity dBm; negative or NaN throws ModelInputError (a RangeError). */
export function wToDbm(power_W: Watts): DBm {
  if (typeof power_W !== 'number' || Number.isNaN(power_W) || power_W < 0) {
    throw new ModelInputError('wToDbm', 'power_W', power_W, 'a power >= 0 W');
  }
  return 10 * Math.log10(power_W) + 30;
}

/** dBm → W. −Infinity dBm gives 0 W. */
export function dbmToW(power_dBm: DBm): Watts {
  requireNumber('dbmToW', 'power_dBm', power_dBm);
  return 10 ** ((power_dBm - 30) / 10);
}

/** W → mW. */
export function wToMw(power_W: Watts): Milliwatts {
  return power_W * 1e3;
}

/** mW → W. */
export function mwToW(power_mW: Milliwatts): Watts {
  return power_mW * 1e-3;
}

/** dB → linear power ratio (e.g. a loss of 3 dB → 10^(−0.3) needs `dbToLinear(-3)`). */
export function dbToLinear(ratio_dB: Decibels): number {
  requireNumber('dbToLinear', 'ratio_dB', ratio_dB);
  return 10 ** (ratio_dB / 10);
}

/** Linear power ratio → dB. 0 gives −Infinity; negative or NaN throws ModelInputError (a RangeError). */
export function linearToDb(ratio: number): Decibels {
  if (typeof ratio !== 'number' || Number.isNaN(ratio) || ratio < 0) {
    throw new ModelInputError('linearToDb', 'ratio', ratio, 'a power ratio >= 0');
  }
  return 10 * Math.log10(ratio);
}

/** Loss in dB (positive) → transmission (linear, 0…1 for a passive loss). */
export function lossDbToTransmission(loss_dB: Decibels): number {
  return dbToLinear(-loss_dB);
}

/** Transmission (linear) → loss in dB (positive for a passive loss); 0 gives +Infinity. */
export function transmissionToLossDb(transmission: number): Decibels {
  return -linearToDb(transmission);
}

export function nmToM(length_nm: Nanometres): Metres {
  return length_nm * 1e-9;
}

export function mToNm(length_m: Metres): Nanometres {
  return length_m * 1e9;
}

export function nmToUm(length_nm: Nanometres): Micrometres {
  return length_nm * 1e-3;
}

export function umToNm(length_um: Micrometres): Nanometres {
  return length_um * 1e3;
}

export function umToMm(length_um: Micrometres): Millimetres {
  return length_um * 1e-3;
}

export function mmToUm(length_mm: Millimetres): Micrometres {
  return length_mm * 1e3;
}

export function umToM(length_um: Micrometres): Metres {
  return length_um * 1e-6;
}

export function mToUm(length_m: Metres): Micrometres {
  return length_m * 1e6;
}

export function degToRad(angle_deg: Degrees): Radians {
  return (angle_deg * Math.PI) / 180;
}

export function radToDeg(angle_rad: Radians): Degrees {
  return (angle_rad * 180) / Math.PI;
}

export function gbpsToBps(rate_Gbps: GigabitsPerSecond): BitsPerSecond {
  return rate_Gbps * 1e9;
}

export function bpsToGbps(rate_bps: BitsPerSecond): GigabitsPerSecond {
  return rate_bps * 1e-9;
}
