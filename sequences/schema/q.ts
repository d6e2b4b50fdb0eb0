// zod schemas for quantities in step bodies: `q.wavelength_nm()` accepts `1550nm` or `1.55um` and yields 1550.
// Steps build their schemas from these, so every unit error reads the same and names what was expected.
import { z } from 'zod';
import { parseQuantity, QuantityError, QUANTITY_KINDS, type QuantityKindName } from './quantity.ts';

export interface QuantityBounds {
  /** Inclusive bounds in the kind's target unit. */
  min?: number;
  max?: number;
  /** Strictly greater than zero. */
  positive?: boolean;
}

export type QuantitySchema = z.ZodType<number>;

function quantity(kind: QuantityKindName, bounds: QuantityBounds = {}): QuantitySchema {
  const unit = QUANTITY_KINDS[kind].target;
  const noun = QUANTITY_KINDS[kind].noun;
  return z.unknown().transform((raw, ctx) => {
    let value: number;
    try {
      value = parseQuantity(raw, kind);
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
    const problem = boundsProblem(value, bounds, unit);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `expected ${noun} ${problem}, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    return value;
  });
}

function boundsProblem(value: number, b: QuantityBounds, unit: string): string | undefined {
  const u = unit ? ` ${unit}` : '';
  if (b.positive && !(value > 0)) return '> 0';
  if (b.min !== undefined && b.max !== undefined && !(value >= b.min && value <= b.max)) return `between ${b.min}${u} and ${b.max}${u}`;
  if (b.min !== undefined && !(value >= b.min)) return `>= ${b.min}${u}`;
  if (b.max !== undefined && !(value <= b.max)) return `<= ${b.max}${u}`;
  return undefined;
}

/** A plain number (YAML number or numeric string such as `1e12`) with bounds; for counts and ratios. */
function plainNumber(noun: string, opts: QuantityBounds & { integer?: boolean } = {}): QuantitySchema {
  return z.unknown().transform((raw, ctx) => {
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    const expected = `${opts.integer ? 'an integer' : 'a number'}${noun ? ` (${noun})` : ''}`;
    if (!Number.isFinite(value)) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${JSON.stringify(raw) ?? String(raw)}` });
      return z.NEVER;
    }
    const problem = opts.integer && !Number.isInteger(value) ? 'that is whole' : boundsProblem(value, opts, '');
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected} ${problem}, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    return value;
  });
}

const ON = new Set(['on', 'true', 'yes', '1']);
const OFF = new Set(['off', 'false', 'no', '0']);

/** The quantity schema helpers. Each returns a fresh schema; bounds are in the target unit named by the helper. */
export const q = {
  wavelength_nm: (b?: QuantityBounds) => quantity('wavelength_nm', b),
  length_um: (b?: QuantityBounds) => quantity('length_um', b),
  duration_s: (b?: QuantityBounds) => quantity('duration_s', b),
  power_dBm: (b?: QuantityBounds) => quantity('power_dBm', b),
  /** Attenuation, loss, margins: `3dB`. */
  ratio_dB: (b?: QuantityBounds) => quantity('ratio_dB', b),
  frequency_Hz: (b?: QuantityBounds) => quantity('frequency_Hz', b),
  /** Line rate in Gb/s; `25.78125GHz`, `25.78125Gb/s` and `25.78125Gbps` all give 25.78125. */
  rate_Gbps: (b?: QuantityBounds) => quantity('rate_Gbps', b),
  speed_nm_s: (b?: QuantityBounds) => quantity('speed_nm_s', b),
  velocity_um_s: (b?: QuantityBounds) => quantity('velocity_um_s', b),
  /** Stage acceleration in µm/s²: `200mm/s2`, `200000um/s^2`, `0.2m/s²`, `0.02g`. */
  acceleration_um_s2: (b?: QuantityBounds) => quantity('acceleration_um_s2', b),
  angle_deg: (b?: QuantityBounds) => quantity('angle_deg', b),
  /** `95%` or `0.95` → 0.95, within [0, 1]. */
  fraction: (b?: QuantityBounds) => quantity('fraction', { min: 0, max: 1, ...b }),
  /** A bit error ratio: a plain number such as `1e-12`, in (0, 0.5]. */
  ber: () => plainNumber('a bit error ratio such as 1e-12', { positive: true, max: 0.5 }),
  /** A whole count (`100`, `1e12`), >= min (default 1). */
  count: (b: QuantityBounds = {}) => plainNumber('a count', { min: 1, ...b, integer: true }),
  /** A dimensionless number. */
  number: (b: QuantityBounds = {}) => plainNumber('', b),
  /** `on`/`off`, `true`/`false`, `yes`/`no`. */
  onOff: (): z.ZodType<boolean> => z.unknown().transform((raw, ctx) => {
    const s = String(raw).toLowerCase();
    if (typeof raw === 'boolean') return raw;
    if (ON.has(s)) return true;
    if (OFF.has(s)) return false;
    ctx.addIssue({ code: 'custom', message: `expected on or off, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  }),
};
