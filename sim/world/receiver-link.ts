// The BERT's optical receiver: a thermal-noise-limited front end (models/receiver.ts) whose hidden
// sensitivity holds at a reference line rate with PRBS7. Faster lines need more power (noise bandwidth:
// Q ∝ P/√B, so +5·log10(B/B_ref) dB), longer patterns a little more (baseline wander).
import { berFromQ, qFromBer } from '../../models/ber.ts';
import { erfc } from '../../models/numerics/special.ts';
import { berAtPower } from '../../models/receiver.ts';
import type { ReceiverModel } from '../../models/receiver.ts';

export type PrbsPattern = 'PRBS7' | 'PRBS15' | 'PRBS23' | 'PRBS31';
export const PRBS_PATTERNS: readonly PrbsPattern[] = ['PRBS7', 'PRBS15', 'PRBS23', 'PRBS31'];

/** Power penalty of each pattern relative to PRBS7, dB. */
export const PRBS_PENALTY_DB: Readonly<Record<PrbsPattern, number>> = { PRBS7: 0, PRBS15: 0.1, PRBS23: 0.2, PRBS31: 0.3 };

/** Above this BER the error detector cannot hold pattern synchronisation. */
export const SYNC_LOSS_BER = 1e-2;

export interface ReceiverTruth {
  receiver: ReceiverModel;
  receiverReferenceRate_Hz: number;
}

/** Power penalty (dB) at a line rate and pattern relative to the receiver's reference conditions. */
export function receiverPenalty_dB(rate_Hz: number, pattern: PrbsPattern, truth: ReceiverTruth): number {
  return 5 * Math.log10(rate_Hz / truth.receiverReferenceRate_Hz) + PRBS_PENALTY_DB[pattern];
}

/** BER of the received signal at an average optical power (0.5 without light). */
export function receiverBer(power_W: number, rate_Hz: number, pattern: PrbsPattern, truth: ReceiverTruth): number {
  if (!(power_W > 0)) return 0.5;
  const power_dBm = 10 * Math.log10(power_W) + 30;
  return berAtPower(power_dBm - receiverPenalty_dB(rate_Hz, pattern, truth), truth.receiver);
}

/**
 * rms noise at the error detector's decision circuit, V: the eye's rails sit ±Q·σ from the centre, so a
 * decision threshold v off the centre gives BER = ¼·erfc((Q − v/σ)/√2) + ¼·erfc((Q + v/σ)/√2).
 */
export const DECISION_NOISE_V = 0.01;

/** BER with the decision threshold `threshold_V` from the eye's centre, for a signal whose centred BER is `ber`. */
export function berAtThreshold(ber: number, threshold_V: number): number {
  if (threshold_V === 0 || !(ber > 0 && ber < 0.5)) return ber;
  const q = qFromBer(ber);
  const u = threshold_V / DECISION_NOISE_V;
  return Math.min(0.5, 0.25 * erfc((q - u) / Math.SQRT2) + 0.25 * erfc((q + u) / Math.SQRT2)) || berFromQ(Infinity);
}
