// Readings of a Keysight power meter as its replies give them: a value in the port's unit, over range
// marked by the meter's own sentinels.
import type { PowerUnit } from '../roles/power-meter.ts';
import { readingToDbm, readingToW } from '../roles/units.ts';

export interface Reading {
  unit: PowerUnit;
  value: number;
}

/**
 * Over range the meter answers NaN (9.91E37) or a value above 1e20 and queues -231; the driver reports
 * +Infinity (in W and dBm) so a caller cannot take it for a reading.
 */
export function isOverRange(v: number): boolean {
  return Number.isNaN(v) || v > 1e20;
}

/** Converted only when the unit differs, so a dBm reading comes back exactly as the meter sent it. */
export function inDbm(r: Reading): number {
  if (isOverRange(r.value)) return Infinity;
  return r.unit === 'dBm' ? r.value : readingToDbm(r.value);
}

export function inW(r: Reading): number {
  if (isOverRange(r.value)) return Infinity;
  return r.unit === 'W' ? r.value : readingToW(r.value);
}
