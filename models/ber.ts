// Bit error ratio ↔ Q factor for a binary decision with Gaussian noise: BER = ½·erfc(Q/√2).
// erfc and its inverse come from @stdlib (models/numerics/special.ts).
import { ModelInputError, requireFinite } from './errors.ts';
import { erfc, erfcinv } from './numerics/special.ts';

/** IEEE 802.3 RS(544,514) "KP4" FEC: pre-FEC BER threshold (200G/400G/800G PAM4 links). Q ≈ 3.49. */
export const KP4_BER = 2.4e-4;
/** IEEE 802.3 Clause 91 RS(528,514) "KR4" FEC: pre-FEC BER threshold (e.g. 100GBASE-SR4). */
export const KR4_BER = 5e-5;
/** ITU-T G.975.1 7 % overhead hard-decision FEC: pre-FEC BER threshold. */
export const HD_FEC_7_BER = 3.8e-3;
/** Customary target for links without FEC. */
export const NO_FEC_BER = 1e-12;

/** Named pre-FEC thresholds for menus and sequence files. */
export const BER_THRESHOLDS: Readonly<Record<'kp4' | 'kr4' | 'hd-fec-7' | 'no-fec', { ber: number; label: string }>> = {
  kp4: { ber: KP4_BER, label: 'KP4 RS(544,514) pre-FEC' },
  kr4: { ber: KR4_BER, label: 'KR4 RS(528,514) pre-FEC' },
  'hd-fec-7': { ber: HD_FEC_7_BER, label: '7 % HD-FEC pre-FEC' },
  'no-fec': { ber: NO_FEC_BER, label: 'no FEC' },
};

/** BER from Q (linear, not dB). Q = 7.03 → 1e-12; Q = 0 → 0.5; Q = +Infinity → 0. */
export function berFromQ(q: number): number {
  if (typeof q !== 'number' || Number.isNaN(q)) throw new ModelInputError('berFromQ', 'q', q, 'a number');
  return 0.5 * erfc(q / Math.SQRT2);
}

/** Q (linear) from BER in [0, 1]: 0 → +Infinity, 0.5 → 0, above 0.5 negative. */
export function qFromBer(ber: number): number {
  if (typeof ber !== 'number' || Number.isNaN(ber) || ber < 0 || ber > 1) {
    throw new ModelInputError('qFromBer', 'ber', ber, 'a bit error ratio in [0, 1]');
  }
  return Math.SQRT2 * erfcinv(2 * ber);
}

/** Q in dB as labs plot it: 20·log10(Q). */
export function qToDb(q: number): number {
  requireFinite('qToDb', 'q', q);
  if (q <= 0) throw new ModelInputError('qToDb', 'q', q, 'a Q factor > 0');
  return 20 * Math.log10(q);
}

/** Inverse of qToDb. */
export function qFromDb(q_dB: number): number {
  requireFinite('qFromDb', 'q_dB', q_dB);
  return 10 ** (q_dB / 20);
}
