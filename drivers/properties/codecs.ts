// How one setting travels: the caller's value (in the unit its name carries) → program data with an
// explicit SCPI unit suffix, and the instrument's reply (in the instrument's base unit) → the caller's unit.
import { mToNm } from '../../models/units.ts';
import { ResponseFormatError, parseResponseBoolean, parseResponseInteger, parseResponseNumber } from '../scpi/index.ts';
import { formatDecimal } from './number-text.ts';

export interface Codec<T> {
  /** What the reply should look like, for ReplyFormatError messages. */
  readonly expected: string;
  /** The value as program data, e.g. 1550 → '1550NM'. */
  format(value: T): string;
  /** A reply → the value; throws ResponseFormatError when the reply is not what `expected` says. */
  parse(reply: string): T;
}

export interface NumberCodecSpec {
  /** SCPI suffix appended to what is sent ('NM', 'DBM', 'S', 'GHZ'); '' for a bare number. */
  suffix: string;
  /** Reply (instrument's base unit) → caller's unit; identity when omitted. */
  fromReply?: (reply: number) => number;
  /** Caller's unit → the number written before the suffix; identity when omitted. */
  toWire?: (value: number) => number;
  expected: string;
}

export function numberCodec(spec: NumberCodecSpec): Codec<number> {
  const { suffix, fromReply = (v) => v, toWire = (v) => v, expected } = spec;
  return {
    expected,
    format: (value) => formatDecimal(toWire(value)) + suffix,
    parse: (reply) => fromReply(parseResponseNumber(reply)),
  };
}

/**
 * Metres → nm, rounded to 1 fm: 1.48e-6 m is 1480.0000000000002 nm in binary, which a range check would
 * refuse; no instrument resolves below 0.1 pm.
 */
export function metresToNm(length_m: number): number {
  return Math.round(mToNm(length_m) * 1e6) / 1e6;
}

/** Wavelength set with an NM suffix, queried back in metres (Keysight). */
export const NM_VIA_METRES = numberCodec({ suffix: 'NM', fromReply: metresToNm, expected: 'a wavelength in m (e.g. +1.55000000E-06)' });
/** Wavelength in nm both ways (Santec with `:WAV:UNIT 0`). */
export const NM_PLAIN = numberCodec({ suffix: '', expected: 'a wavelength in nm (e.g. 1550.0000)' });
/** Speed set in nm/s, queried back in m/s (Keysight). */
export const NM_PER_S_VIA_M_PER_S = numberCodec({ suffix: 'NM/S', fromReply: metresToNm, expected: 'a speed in m/s (e.g. +1.00000000E-08)' });
export const DBM = numberCodec({ suffix: 'DBM', expected: 'a power in dBm' });
export const DB = numberCodec({ suffix: 'DB', expected: 'a ratio in dB' });
export const SECONDS = numberCodec({ suffix: 'S', expected: 'a time in s' });
/** A line rate in Gb/s sent as GHZ, queried back in Hz (NRZ: one bit per symbol, so Hz = bit/s). */
export const GBPS_VIA_HZ = numberCodec({ suffix: 'GHZ', fromReply: (hz) => hz * 1e-9, expected: 'a frequency in Hz (e.g. +2.57812500E+10)' });
export const PLAIN_NUMBER = numberCodec({ suffix: '', expected: 'a number' });

export const BOOLEAN: Codec<boolean> = {
  expected: 'a boolean (1, 0, ON or OFF)',
  format: (value) => (value ? '1' : '0'),
  parse: parseResponseBoolean,
};

export const INTEGER: Codec<number> = {
  expected: 'an integer',
  format: (value) => String(Math.round(value)),
  parse: parseResponseInteger,
};

/**
 * Enumerated character data: each value's program text, and the replies that mean it (long and short
 * forms, numeric codes), compared case-insensitively.
 */
export function enumCodec<T extends string>(choices: Readonly<Record<T, { send: string; replies: readonly string[] }>>): Codec<T> {
  const entries = Object.entries(choices) as [T, { send: string; replies: readonly string[] }][];
  const expected = `one of ${entries.flatMap(([, c]) => c.replies).join(', ')}`;
  return {
    expected,
    format: (value) => {
      const choice = choices[value];
      if (!choice) throw new RangeError(`no program text for '${String(value)}'`);
      return choice.send;
    },
    parse: (reply) => {
      const text = reply.trim().replace(/^"(.*)"$/, '$1').toUpperCase();
      const numeric = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(text) ? String(Number(text)) : null;
      for (const [value, c] of entries) {
        if (c.replies.some((r) => r.toUpperCase() === text || (numeric !== null && r === numeric))) return value;
      }
      throw new ResponseFormatError(reply, expected);
    },
  };
}

/** Keysight's `:POW:UNIT 0|1`: 0 = dBm, 1 = W (replies may also be the mnemonic). */
export const POWER_UNIT_01 = enumCodec<'dBm' | 'W'>({
  dBm: { send: '0', replies: ['0', 'DBM'] },
  W: { send: '1', replies: ['1', 'W', 'WATT'] },
});
