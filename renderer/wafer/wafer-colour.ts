// The colours of the wafer map: a die-site by its bin, or by a measurement on a sequential scale between the
// wafer's lowest and highest value so far (a perceptually even viridis ramp; colour-blind safe), and the die
// as a whole by its worst site (the known-good-die rule of docs/wafer.md) or its sites' mean.

/** Bin colours (docs/wafer.md's bins); an unnamed bin is drawn in the last colour. */
export const BIN_COLOURS: Readonly<Record<number, string>> = {
  1: '#2e9d4f', // good
  2: '#3b3b3b', // no light
  3: '#e08a1e', // failed limits
  4: '#c62828', // step error
};
export const OTHER_BIN_COLOUR = '#7b3fa0';
export const UNMEASURED_COLOUR = '#e4e7eb';
export const EXCLUDED_COLOUR = '#ffffff';

export function binColour(bin: number): string {
  return BIN_COLOURS[bin] ?? OTHER_BIN_COLOUR;
}

/** Viridis at 9 even stops (matplotlib's table, rounded). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** t in [0, 1] → a colour of the ramp (linear between stops); outside the range clamps. */
export function rampColour(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = hex(VIRIDIS[i] as string);
  const b = hex(VIRIDIS[i + 1] as string);
  return `rgb(${a.map((v, k) => Math.round(v + f * ((b[k] as number) - v))).join(', ')})`;
}

function hex(c: string): number[] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}

export interface ValueScale {
  min: number;
  max: number;
  colour(v: number): string;
}

/** A scale over the finite values (a single value, or none, gives a flat scale with a 1-unit span). */
export function valueScale(values: readonly number[]): ValueScale | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  return { min, max, colour: (v) => rampColour((v - min) / span) };
}

/** The unit in a measurement key ('sweep.peakLoss_dB' → 'dB'), '' when it names none. */
export function unitOf(key: string): string {
  const m = /_([A-Za-z%µ/]+)$/.exec(key.split('.').pop() ?? '');
  return m ? (m[1] as string) : '';
}

/** The worst (highest) bin of a die's sites: any site not good makes the die not good. */
export function worstBin(bins: readonly number[]): number | null {
  return bins.length ? Math.max(...bins) : null;
}

export function mean(values: readonly number[]): number | null {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
}
