// The SCPI BERT's one-command settings, declared. `{ch}` is the generator/analyzer pair (1 on the bench).
import { BOOLEAN, GBPS_VIA_HZ, PLAIN_NUMBER, SECONDS, enumCodec } from '../properties/codecs.ts';
import type { Codec } from '../properties/codecs.ts';
import { ResponseFormatError } from '../scpi/index.ts';
import { control, measurement } from '../properties/property.ts';
import { allOf, inRange, isBoolean, oneOf } from '../properties/validators.ts';
import type { Range, Validator } from '../properties/validators.ts';
import { BERT_LINE_CODINGS, BERT_PATTERNS } from '../roles/bert.ts';
import type { BertLineCoding, BertPattern } from '../roles/bert.ts';

export const PATTERN = enumCodec<BertPattern>({
  PRBS7: { send: 'PRBS7', replies: ['PRBS7'] },
  PRBS15: { send: 'PRBS15', replies: ['PRBS15'] },
  PRBS23: { send: 'PRBS23', replies: ['PRBS23'] },
  PRBS31: { send: 'PRBS31', replies: ['PRBS31'] },
});

export const LINE_CODING = enumCodec<BertLineCoding>({
  NRZ: { send: 'NRZ', replies: ['NRZ'] },
  PAM4: { send: 'PAM4', replies: ['PAM4'] },
});

/** `:FETC:SENS{ch}:FEC:HIST?`: 17 whole counts (codewords with 0 … 15 symbol errors, then more than 15). */
export const FEC_HISTOGRAM: Codec<number[]> = {
  expected: '17 comma-separated codeword counts (0 … 15 symbol errors, then more than 15)',
  format: (h) => h.map((n) => String(Math.round(n))).join(','),
  parse: (reply) => {
    const parts = reply.trim().split(',').map((x) => Number(x.trim()));
    if (parts.length !== 17 || !parts.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new ResponseFormatError(reply, '17 comma-separated codeword counts (0 … 15 symbol errors, then more than 15)');
    }
    return parts;
  },
};

export const GATE_MODE = enumCodec<'time' | 'bits'>({
  time: { send: 'TIME', replies: ['TIME'] },
  bits: { send: 'BITS', replies: ['BITS'] },
});

/** Gate lengths the detector accepts. */
export const GATE_PERIOD_RANGE_S: Range = { min: 1e-3, max: 1e6 };
export const GATE_BITS_RANGE: Range = { min: 1e3, max: 1e17 };

/** A whole number of bits, sent as an integer. */
export const BIT_COUNT: Codec<number> = {
  expected: 'a bit count',
  format: (n) => PLAIN_NUMBER.format(Math.round(n)),
  parse: (reply) => Math.round(PLAIN_NUMBER.parse(reply)),
};

/** `:FETC:SENS{ch}:PSL?`: how many 1-s intervals of the gate saw any loss of pattern sync (NR1; NR3 accepted). */
export const SYNC_LOSS_SECONDS: Codec<number> = {
  expected: 'a count of sync-loss seconds (a whole number ≥ 0)',
  format: (n) => String(Math.round(n)),
  parse: (reply) => {
    const n = PLAIN_NUMBER.parse(reply);
    if (!(Number.isInteger(n) && n >= 0)) throw new ResponseFormatError(reply, 'a count of sync-loss seconds (a whole number ≥ 0)');
    return n;
  },
};

const wholeNumber: Validator<number> = (v) => (Number.isInteger(v) ? null : 'a whole number of bits');

export function bertTable(lineRate_Gbps: () => Range) {
  const pattern = oneOf<BertPattern>(BERT_PATTERNS);
  return {
    generatorPattern: control({ get: ':SOUR{ch}:PATT:SEL?', set: ':SOUR{ch}:PATT:SEL {value}', codec: PATTERN, validate: pattern }),
    detectorPattern: control({ get: ':SENS{ch}:PATT:SEL?', set: ':SENS{ch}:PATT:SEL {value}', codec: PATTERN, validate: pattern }),
    /** NRZ: the clock frequency in GHz is the line rate in Gb/s. */
    lineRate_Gbps: control({ get: ':SOUR{ch}:FREQ?', set: ':SOUR{ch}:FREQ {value}', codec: GBPS_VIA_HZ, validate: inRange(lineRate_Gbps, 'Gb/s') }),
    lineCoding: control({ get: ':SOUR{ch}:COD?', set: ':SOUR{ch}:COD {value}', codec: LINE_CODING, validate: oneOf<BertLineCoding>(BERT_LINE_CODINGS) }),
    output: control({ get: ':OUTP{ch}:STAT?', set: ':OUTP{ch}:STAT {value}', codec: BOOLEAN, validate: isBoolean }),
    gateMode: control({ get: ':SENS{ch}:GATE:MODE?', set: ':SENS{ch}:GATE:MODE {value}', codec: GATE_MODE, validate: oneOf<'time' | 'bits'>(['time', 'bits']) }),
    gatePeriod_s: control({ get: ':SENS{ch}:GATE:PER?', set: ':SENS{ch}:GATE:PER {value}', codec: SECONDS, validate: inRange(GATE_PERIOD_RANGE_S, 's') }),
    gateBits: control({
      get: ':SENS{ch}:GATE:BITS?', set: ':SENS{ch}:GATE:BITS {value}', codec: BIT_COUNT,
      validate: allOf(inRange(GATE_BITS_RANGE, 'bits'), wholeNumber),
    }),
    gateRunning: measurement({ get: ':SENS{ch}:GATE:STAT?', codec: BOOLEAN }),
    synced: measurement({ get: ':SENS{ch}:SYNC?', codec: BOOLEAN }),
  };
}
