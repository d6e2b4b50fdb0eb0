// The ESP301's per-axis displacement units, read with `nSN?` when the driver opens (ESP301 user's manual,
// SN "Set axis displacement units": 0 encoder count, 1 motor step, 2 millimetre, 3 micrometre, 4 inch,
// 5 milli-inch, 6 micro-inch, 7 degree, 8 gradian, 9 radian, 10 milliradian, 11 microradian). Positions,
// velocities and accelerations on the wire are in that unit (per second, per second²); the Stage role
// speaks µm. Counts and steps need the axis's resolution and rotary units are not lengths: refused.
import type { Codec } from '../properties/codecs.ts';
import { ResponseFormatError } from '../scpi/response.ts';

export interface LengthUnit {
  code: number;
  name: string;
  /** The unit in words, for messages. */
  words: string;
  /** Micrometres per unit. */
  um: number;
}

const LENGTH_UNITS: readonly LengthUnit[] = [
  { code: 2, name: 'mm', words: 'millimetres', um: 1000 },
  { code: 3, name: 'µm', words: 'micrometres', um: 1 },
  { code: 4, name: 'in', words: 'inches', um: 25_400 },
  { code: 5, name: 'mil', words: 'milli-inches', um: 25.4 },
  { code: 6, name: 'µin', words: 'micro-inches', um: 0.0254 },
];
const OTHER_UNITS: Readonly<Record<number, string>> = {
  0: 'encoder counts', 1: 'motor steps', 7: 'degrees', 8: 'gradians', 9: 'radians', 10: 'milliradians', 11: 'microradians',
};

export const MILLIMETRE: LengthUnit = LENGTH_UNITS[0] as LengthUnit;

/** An axis set up in a unit the driver cannot turn into µm. */
export class Esp301UnitsError extends Error {
  override name = 'Esp301UnitsError';
  constructor(readonly role: string, readonly axis: number, readonly reply: string) {
    const code = Number(reply.trim());
    const what = Number.isInteger(code) && OTHER_UNITS[code] ? `${OTHER_UNITS[code]} (code ${code})` : `'${reply.trim()}'`;
    super(`${role}: ESP301 axis ${axis} is set up in ${what} (${axis}SN?); the driver needs a length unit: ` +
      `${LENGTH_UNITS.map((u) => `${u.name} (${u.code})`).join(', ')}; set one on the controller, e.g. ${axis}SN2 for mm`);
  }
}

/** The unit an `nSN?` reply names, or an Esp301UnitsError. */
export function lengthUnitOf(role: string, axis: number, reply: string): LengthUnit {
  const t = reply.trim();
  const unit = /^\d+$/.test(t) ? LENGTH_UNITS.find((u) => u.code === Number(t)) : undefined;
  if (!unit) throw new Esp301UnitsError(role, axis, reply);
  return unit;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** µm-based values written and read in `unit`: six decimals, no exponent, no negative zero. */
export function lengthCodec(unit: LengthUnit): Codec<number> {
  const expected = `a decimal number of ${unit.words} (e.g. 12.500000)`;
  return {
    expected,
    format: (value_um) => {
      if (!Number.isFinite(value_um)) throw new RangeError(`cannot write ${value_um} µm in ${unit.name}`);
      const trimmed = (value_um / unit.um).toFixed(6).replace(/\.?0+$/, '');
      return trimmed === '-0' || trimmed === '' ? '0' : trimmed;
    },
    parse: (reply) => {
      const t = reply.trim();
      const v = DECIMAL.test(t) ? Number(t) : NaN;
      if (!Number.isFinite(v)) throw new ResponseFormatError(reply, expected);
      return v * unit.um;
    },
  };
}
