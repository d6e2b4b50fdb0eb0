// Conversions of instrument readings, on top of models/units.ts. A power meter below its noise floor can
// report zero or a slightly negative linear power; in dBm that is "no measurable light", -Infinity.
import { dbmToW, wToDbm } from '../../models/units.ts';

/** A linear reading (W) → dBm: ≤ 0 W → -Infinity, NaN stays NaN. */
export function readingToDbm(power_W: number): number {
  if (Number.isNaN(power_W)) return NaN;
  return power_W > 0 ? wToDbm(power_W) : -Infinity;
}

/** A logarithmic reading (dBm) → W: -Infinity → 0, NaN stays NaN. */
export function readingToW(power_dBm: number): number {
  if (Number.isNaN(power_dBm)) return NaN;
  return dbmToW(power_dBm);
}
