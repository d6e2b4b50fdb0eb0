// The BERT receiver on a PAM4 line (the same hidden front end as receiver-link.ts, PHYSICS.md's
// thermal-noise-limited receiver). Why the numbers:
//   - Four levels share the modulation the NRZ eye had between two: each of the three eyes is a third as tall,
//     so at the same average power and the same noise its Q is a third of NRZ's: Q_eye = Q_NRZ / 3.
//   - The symbol rate is half the bit rate, so the noise bandwidth is that of an NRZ line at the baud rate:
//     Q_NRZ is the receiver's at rate / 2 (receiver-link.ts's +5·log10(B/B_ref) dB penalty).
//   - Inner levels can err both ways, outer ones one way: SER = 2·(1 − 1/4)·Qf(Q_eye) = ¾·erfc(Q_eye/√2),
//     and with Gray coding each symbol error costs one bit of two: BER = SER/2 = ⅜·erfc(Q_eye/√2).
// Hence at equal power a PAM4 line at 2·R needs ≈ 4.8 dB (10·log10 3) more than NRZ at R for the same Q,
// and the KP4 threshold 2.4e-4 sits at Q_eye ≈ 3.4 — where NRZ links run at 1e-12 two dB lower.
import { qFromBer } from '../../models/ber.ts';
import { erfc } from '../../models/numerics/special.ts';
import type { PrbsPattern, ReceiverTruth } from './receiver-link.ts';
import { receiverBer } from './receiver-link.ts';

/** The eye-height share of one PAM4 eye against the NRZ eye at the same modulation. */
export const PAM4_EYE_FRACTION = 1 / 3;

/** Pre-FEC BER of a Gray-coded PAM4 signal whose eyes have Q (linear). */
export function pam4BerFromQ(qEye: number): number {
  return (3 / 8) * erfc(qEye / Math.SQRT2);
}

/** Pre-FEC BER at the BERT's receiver on a PAM4 line of `rate_Hz` bits per second (0.375 — random symbols — without light). */
export function pam4ReceiverBer(power_W: number, rate_Hz: number, pattern: PrbsPattern, truth: ReceiverTruth): number {
  if (!(power_W > 0)) return 0.375;
  const nrz = receiverBer(power_W, rate_Hz / 2, pattern, truth);
  if (!(nrz > 0)) return 0;
  return pam4BerFromQ(qFromBer(Math.min(nrz, 0.5)) * PAM4_EYE_FRACTION);
}
