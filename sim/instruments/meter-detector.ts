// One InGaAs detector port of the power meter: averages the light over its averaging time, adds noise
// that shrinks with longer averaging, reports its noise floor instead of anything below it, and flags
// power beyond its range. Its responsivity calibration is set by the wavelength setting: light far from
// that wavelength reads a little wrong.
import type { SeededRandom } from '../random.ts';
import type { TriggerLine } from '../world/trigger-line.ts';

/** Highest power any range can measure (+10 dBm on this meter family), dBm. */
export const METER_MAX_POWER_DBM = 10;
/** Manual ranges the meter accepts, in 10 dB steps, dBm. */
export const METER_RANGES_DBM = [-30, -20, -10, 0, 10] as const;
/** Noise floor at 100 ms averaging (auto range, or a sensitive manual range), W (−80 dBm). */
const FLOOR_AT_100MS_W = 1e-11;
/** Relative noise at 100 ms averaging (0.2 %). */
const RELATIVE_NOISE_AT_100MS = 0.002;
/** A manual range sees at most this far below its top, dB. */
const RANGE_DYNAMIC_DB = 60;
/** A manual range overflows this far above its nominal value, dB (the manuals' "range + 3 dB"). */
const RANGE_HEADROOM_DB = 3;
/** Responsivity error per nm between the light and the wavelength setting (InGaAs slope near 1550 nm). */
const RESPONSIVITY_SLOPE_PER_NM = 0.001;

/** What a meter needs of the optics it looks at: the single-fiber world or the fiber-array world. */
export interface MeterOptics {
  powerAtMeter_W(port: number, t_s: number): number;
  readonly laser: { wavelengthAt_nm(t_s: number): number };
  stream(label: string): SeededRandom;
  readonly triggers: TriggerLine;
}

export interface DetectorSettings {
  wavelength_nm: number;
  atime_s: number;
  autoRange: boolean;
  range_dBm: number;
}

export type Reading = { overrange: false; power_W: number } | { overrange: true; power_W: number };

/** The lowest power the port reports with these settings, W. */
export function noiseFloor_W(s: DetectorSettings): number {
  const floor = FLOOR_AT_100MS_W * Math.sqrt(0.1 / s.atime_s);
  if (s.autoRange) return floor;
  return Math.max(floor, 10 ** ((s.range_dBm - RANGE_DYNAMIC_DB - 30) / 10));
}

/** The power above which the port reports overrange with these settings, W. */
export function overrangeAbove_W(s: DetectorSettings): number {
  const top_dBm = s.autoRange ? METER_MAX_POWER_DBM : Math.min(s.range_dBm + RANGE_HEADROOM_DB, METER_MAX_POWER_DBM);
  return 10 ** ((top_dBm - 30) / 10);
}

/** Relative calibration error when the light is not at the set wavelength (1 at a match). */
export function responsivityFactor(light_nm: number, set_nm: number): number {
  return Math.min(1.5, Math.max(0.5, 1 + RESPONSIVITY_SLOPE_PER_NM * (light_nm - set_nm)));
}

/** True optical power averaged over [t0, t0 + atime], with the wavelength at the window's middle. */
function averagedLight(world: MeterOptics, port: number, t0_s: number, atime_s: number): { power_W: number; wavelength_nm: number } {
  const k = Math.min(5, Math.max(1, Math.round(atime_s / 1e-3)));
  let sum = 0;
  for (let i = 0; i < k; i++) sum += world.powerAtMeter_W(port, t0_s + ((i + 0.5) / k) * atime_s);
  return { power_W: sum / k, wavelength_nm: world.laser.wavelengthAt_nm(t0_s + atime_s / 2) };
}

/** One measurement over the averaging window starting at t0. */
export function measure(world: MeterOptics, port: number, t0_s: number, s: DetectorSettings, rng: SeededRandom): Reading {
  const light = averagedLight(world, port, t0_s, s.atime_s);
  const seen_W = light.power_W * responsivityFactor(light.wavelength_nm, s.wavelength_nm);
  if (seen_W > overrangeAbove_W(s)) return { overrange: true, power_W: seen_W };
  const scale = Math.sqrt(0.1 / s.atime_s);
  const rel = Math.min(0.05, RELATIVE_NOISE_AT_100MS * scale);
  const floor = noiseFloor_W(s);
  // Dark noise at a third of the floor: a dark port mostly reads its floor, as the manuals describe.
  const noisy = seen_W * (1 + rel * rng.normal()) + (floor / 3) * rng.normal();
  return { overrange: false, power_W: Math.max(noisy, floor) };
}
