// Instrument numbers made fit for JSON: a meter below its floor reads -Infinity dBm, which JSON cannot
// carry (JSON.stringify would turn it, and NaN, into null silently); these say what null means.
import { readingToW } from '../drivers/roles/units.ts';

/** dBm as JSON: a finite number, or null for "no measurable light" (-Infinity) or no number at all (NaN). */
export function dbmForJson(power_dBm: number): number | null {
  return Number.isFinite(power_dBm) ? power_dBm : null;
}

/** dBm → mW: -Infinity dBm is 0 mW; NaN is null. */
export function dbmToMwForJson(power_dBm: number): number | null {
  const w = readingToW(power_dBm);
  return Number.isFinite(w) ? w * 1e3 : null;
}

/** Any reply number as JSON: non-finite → null. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
