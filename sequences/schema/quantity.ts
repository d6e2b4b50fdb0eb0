// Physical quantities as sequence files write them: a number glued to (or spaced from) a unit, `1550nm`,
// `-3dBm`, `25.78125GHz`, `10s`, `250um`, `10nm/s`. Each kind converts to the one unit a step works in, so a
// step never sees `1.55um` and `1550nm` as different things. Pure: no I/O, no zod (see q.ts for the schemas).
import { mwToDbm } from '../../models/units.ts';

/** Thrown when a value is not a quantity of the expected kind; the loader adds file, line and field. */
export class QuantityError extends Error {
  override name = 'QuantityError';
  readonly expected: string;
  readonly got: string;

  constructor(expected: string, got: string, detail?: string) {
    super(`expected ${expected}, got ${got}${detail ? ` (${detail})` : ''}`);
    this.expected = expected;
    this.got = got;
  }
}

/** A unit: how to reach the kind's target unit from it. `toTarget` may be non-linear (W → dBm). */
interface UnitRule {
  unit: string;
  toTarget(v: number): number;
}

export interface QuantityKind {
  /** What the value is, for messages: 'a wavelength'. */
  noun: string;
  /** The unit steps receive, carried in their field names: 'nm'. */
  target: string;
  /** A sample for messages: '1550nm'. */
  example: string;
  units: readonly UnitRule[];
  /** A bare number is accepted (dimensionless kinds only). */
  bareNumber?: boolean;
  /** The units messages list, when `units` holds many spellings of a few (default: every unit). */
  shown?: readonly string[];
}

// Dividing by the inverse of a small factor keeps `95%` at 0.95 and `100ms` at 0.1 (no 0.9500000000000001).
const scale = (unit: string, factor: number): UnitRule => {
  const inverse = 1 / factor;
  return factor < 1 && Number.isInteger(Math.round(inverse * 1e6) / 1e6)
    ? { unit, toTarget: (v) => v / Math.round(inverse) }
    : { unit, toTarget: (v) => v * factor };
};
const aliases = (units: string[], factor: number): UnitRule[] => units.map((u) => scale(u, factor));

const MICRO = ['u', 'µ', 'μ'];
const micro = (suffix: string): string[] => MICRO.map((p) => p + suffix);

/** Every kind a sequence file may hold. Keys name the target unit so `q.wavelength_nm()` reads as its output. */
export const QUANTITY_KINDS = {
  wavelength_nm: {
    noun: 'a wavelength', target: 'nm', example: '1550nm',
    units: [...aliases(['nm'], 1), ...aliases(['pm'], 1e-3), ...aliases(micro('m'), 1e3), ...aliases(['m'], 1e9)],
  },
  length_um: {
    noun: 'a length', target: 'um', example: '250um',
    units: [...aliases(micro('m'), 1), ...aliases(['nm'], 1e-3), ...aliases(['mm'], 1e3), ...aliases(['m'], 1e6)],
  },
  duration_s: {
    noun: 'a duration', target: 's', example: '10s',
    units: [...aliases(['s'], 1), ...aliases(['ms'], 1e-3), ...aliases(micro('s'), 1e-6), ...aliases(['ns'], 1e-9),
      ...aliases(['min'], 60), ...aliases(['h'], 3600)],
  },
  power_dBm: {
    noun: 'an optical power', target: 'dBm', example: '-3dBm',
    units: [scale('dBm', 1), { unit: 'W', toTarget: (v) => mwToDbm(v * 1e3) }, { unit: 'mW', toTarget: (v) => mwToDbm(v) },
      ...micro('W').map((unit) => ({ unit, toTarget: (v: number) => mwToDbm(v * 1e-3) })),
      { unit: 'nW', toTarget: (v) => mwToDbm(v * 1e-6) }],
  },
  ratio_dB: {
    noun: 'a power ratio', target: 'dB', example: '3dB',
    units: [scale('dB', 1)],
  },
  frequency_Hz: {
    noun: 'a frequency', target: 'Hz', example: '10kHz',
    units: [scale('Hz', 1), scale('kHz', 1e3), scale('MHz', 1e6), scale('GHz', 1e9)],
  },
  rate_Gbps: {
    // A BERT's line rate is quoted as a clock (25.78125GHz) as often as a bit rate; for NRZ they are equal.
    noun: 'a line rate', target: 'Gb/s', example: '25.78125GHz',
    units: [...aliases(['Gb/s', 'Gbps', 'GHz', 'GBd'], 1), ...aliases(['Mb/s', 'Mbps', 'MHz', 'MBd'], 1e-3),
      ...aliases(['Tb/s', 'Tbps'], 1e3)],
  },
  speed_nm_s: {
    noun: 'a sweep speed', target: 'nm/s', example: '10nm/s',
    units: [scale('nm/s', 1), scale('pm/s', 1e-3), ...aliases(micro('m/s'), 1e3)],
  },
  velocity_um_s: {
    noun: 'a stage velocity', target: 'um/s', example: '1000um/s',
    units: [...aliases(micro('m/s'), 1), scale('mm/s', 1e3), scale('nm/s', 1e-3)],
  },
  acceleration_um_s2: {
    // Per second squared written s2, s^2 or s²; g for the standard gravity.
    noun: 'a stage acceleration', target: 'um/s2', example: '200mm/s2', shown: ['um/s2', 'mm/s2', 'm/s2', 'g'],
    units: [...['/s2', '/s^2', '/s²'].flatMap((per) => [...aliases(micro('m' + per), 1), ...aliases(['mm' + per], 1e3), ...aliases(['m' + per], 1e6)]),
      scale('g', 9.80665e6)],
  },
  angle_deg: {
    noun: 'an angle', target: 'deg', example: '8deg',
    units: [scale('deg', 1), scale('°', 1), scale('rad', 180 / Math.PI), scale('mrad', 0.18 / Math.PI)],
  },
  fraction: {
    noun: 'a fraction', target: '', example: '95%', bareNumber: true,
    units: [scale('%', 1e-2)],
  },
} satisfies Record<string, QuantityKind>;

export type QuantityKindName = keyof typeof QUANTITY_KINDS;

// A decimal number with optional exponent, optional space, then the unit (anything non-space to the end).
const QUANTITY_RE = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(\S*)\s*$/;

/** `1550nm` → { value: 1550, unit: 'nm' }; null when the text does not start with a number. */
export function splitQuantity(text: string): { value: number; unit: string } | null {
  const m = QUANTITY_RE.exec(text);
  if (!m) return null;
  return { value: Number(m[1]), unit: m[2] ?? '' };
}

export function describeKind(kind: QuantityKind): string {
  const shown = kind.shown ? [...kind.shown] : kind.units.map((u) => u.unit);
  const units = kind.shown && shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1) as string}` : shown.join(', ');
  return kind.bareNumber
    ? `${kind.noun} (a number${units ? ` or ${units}` : ''}, e.g. ${kind.example})`
    : `${kind.noun} with a unit (${units}), e.g. ${kind.example}`;
}

function show(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (raw === null || raw === undefined) return String(raw);
  if (typeof raw === 'object') return Array.isArray(raw) ? 'a list' : 'a mapping';
  return String(raw);
}

/** Parses a YAML scalar as a quantity of `kind`, in the kind's target unit. Throws QuantityError. */
export function parseQuantity(raw: unknown, kindName: QuantityKindName): number {
  const kind: QuantityKind = QUANTITY_KINDS[kindName];
  const expected = describeKind(kind);
  if (typeof raw === 'number') {
    if (kind.bareNumber && Number.isFinite(raw)) return raw;
    throw new QuantityError(expected, show(raw), Number.isFinite(raw) ? 'a number without a unit' : undefined);
  }
  if (typeof raw !== 'string') throw new QuantityError(expected, show(raw));
  const parts = splitQuantity(raw);
  if (!parts || !Number.isFinite(parts.value)) throw new QuantityError(expected, show(raw));
  if (parts.unit === '') {
    if (kind.bareNumber) return parts.value;
    throw new QuantityError(expected, show(raw), 'a number without a unit');
  }
  const rule = kind.units.find((u) => u.unit === parts.unit);
  if (!rule) throw new QuantityError(expected, show(raw), unitHint(parts.unit));
  const value = rule.toTarget(parts.value);
  if (!Number.isFinite(value)) throw new QuantityError(expected, show(raw), 'not a finite value');
  return value;
}

/** Says which kind a wrong unit belongs to, so `wavelength: 10dBm` reads as "that is an optical power". */
function unitHint(unit: string): string {
  for (const kind of Object.values(QUANTITY_KINDS) as QuantityKind[]) {
    if (kind.units.some((u) => u.unit === unit)) return `'${unit}' is the unit of ${kind.noun}`;
  }
  return `unknown unit '${unit}'`;
}

/** The kind whose units include this one, for parameters whose kind is inferred from their default. */
export function kindOfUnit(unit: string): QuantityKindName | undefined {
  // Wavelengths and lengths share units: a parameter given in nm or pm is a wavelength, in µm or mm a length.
  const preference: QuantityKindName[] = ['length_um', 'wavelength_nm', 'duration_s', 'power_dBm', 'ratio_dB',
    'rate_Gbps', 'frequency_Hz', 'speed_nm_s', 'velocity_um_s', 'acceleration_um_s2', 'angle_deg', 'fraction'];
  if (unit === 'nm' || unit === 'pm') return 'wavelength_nm';
  if (unit === 'nm/s' || unit === 'pm/s') return 'speed_nm_s';
  if (unit === 'GHz' || unit === 'MHz') return 'rate_Gbps';
  return preference.find((name) => (QUANTITY_KINDS[name] as QuantityKind).units.some((u) => u.unit === unit));
}
