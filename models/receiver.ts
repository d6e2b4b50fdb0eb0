// Received power → Q → BER for a receiver characterised by its sensitivity at one BER.
// Thermal-noise-limited: Q ∝ P (mW), so Q doubles per +3 dB. Shot/amplifier-limited: Q ∝ √P.
import { berFromQ, qFromBer } from './ber.ts';
import { ModelInputError, requireFinite } from './errors.ts';

export interface ReceiverModel {
  kind: 'thermal' | 'shot';
  /** Average received power (dBm) at which the BER equals `atBer`, e.g. −12 dBm. */
  sensitivity_dBm: number;
  /** The BER the sensitivity refers to, e.g. 1e-12. */
  atBer: number;
}

function checkReceiver(where: string, rx: ReceiverModel): number {
  if (rx.kind !== 'thermal' && rx.kind !== 'shot') throw new ModelInputError(where, 'rx.kind', rx.kind, "'thermal' or 'shot'");
  requireFinite(where, 'rx.sensitivity_dBm', rx.sensitivity_dBm);
  if (typeof rx.atBer !== 'number' || !(rx.atBer > 0 && rx.atBer < 0.5)) {
    throw new ModelInputError(where, 'rx.atBer', rx.atBer, 'a bit error ratio in (0, 0.5)');
  }
  return qFromBer(rx.atBer);
}

/** dB of Q per dB of optical power: 1 for thermal (Q ∝ P), ½ for shot-limited (Q ∝ √P). */
function exponent(rx: ReceiverModel): number {
  return rx.kind === 'thermal' ? 1 : 0.5;
}

/** Q (linear) at an average received power. −Infinity dBm (no light) gives Q = 0. */
export function qAtPower(power_dBm: number, rx: ReceiverModel): number {
  const qRef = checkReceiver('qAtPower', rx);
  if (typeof power_dBm !== 'number' || Number.isNaN(power_dBm) || power_dBm === Infinity) {
    throw new ModelInputError('qAtPower', 'power_dBm', power_dBm, 'a power in dBm (−Infinity for no light)');
  }
  return qRef * 10 ** ((exponent(rx) * (power_dBm - rx.sensitivity_dBm)) / 10);
}

/** BER at an average received power (0.5 without light). */
export function berAtPower(power_dBm: number, rx: ReceiverModel): number {
  return berFromQ(qAtPower(power_dBm, rx));
}

/** The received power (dBm) giving `ber`: the sensitivity of this receiver at that BER. */
export function powerForBer(ber: number, rx: ReceiverModel): number {
  const qRef = checkReceiver('powerForBer', rx);
  if (typeof ber !== 'number' || !(ber > 0 && ber < 0.5)) {
    throw new ModelInputError('powerForBer', 'ber', ber, 'a bit error ratio in (0, 0.5)');
  }
  return rx.sensitivity_dBm + (10 * Math.log10(qFromBer(ber) / qRef)) / exponent(rx);
}
