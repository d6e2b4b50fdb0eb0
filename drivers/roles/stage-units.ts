// The Stage role speaks µm; the ESP301 and PI GCS dialects speak mm (and mm/s, mm/s²). These write and
// read the mm side of the wire.
import { mmToUm, umToMm } from '../../models/units.ts';
import type { Codec } from '../properties/codecs.ts';
import { ResponseFormatError } from '../scpi/response.ts';

/**
 * A µm-based quantity (µm, µm/s, µm/s²) as the mm-based decimal the ASCII dialects take: at most six
 * decimals (1 nm), no exponent, no negative zero. `12500` → `'12.5'`, `0.25` → `'0.00025'`.
 */
export function umAsMmText(value_um: number): string {
  if (!Number.isFinite(value_um)) throw new RangeError(`cannot write ${value_um} µm as a millimetre value`);
  const fixed = umToMm(value_um).toFixed(6);
  const trimmed = fixed.replace(/\.?0+$/, '');
  return trimmed === '-0' || trimmed === '' ? '0' : trimmed;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A plain decimal reply in mm (`12.500000`) → µm; undefined when the text is not one. */
export function mmTextAsUm(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? mmToUm(v) : undefined;
}

/** Lengths, speeds and accelerations the caller gives in µm-based units, on a wire that speaks mm. */
export const UM_VIA_MM: Codec<number> = {
  expected: 'a decimal number of millimetres (e.g. 12.500000)',
  format: umAsMmText,
  parse: (reply) => {
    const um = mmTextAsUm(reply);
    if (um === undefined) throw new ResponseFormatError(reply, UM_VIA_MM.expected);
    return um;
  },
};
