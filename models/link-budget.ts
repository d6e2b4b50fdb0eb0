// Power budget from the laser to the receiver: every element is a loss in dB, summed.
import { ModelInputError, requireFinite, requireNonNegative } from './errors.ts';

export interface LinkBudgetInput {
  /** Laser output power, dBm. */
  laserPower_dBm: number;
  /** Attenuator setting, dB (≥ 0). */
  attenuation_dB: number;
  /** Loss of the device under test, dB (e.g. a loopback's two couplers and waveguide). */
  dutLoss_dB: number;
  /** Fixed losses (modulator, splitters, connectors), dB each; a single number or a list. */
  fixedLosses_dB?: number | readonly number[];
}

function sumFixed(fixed: number | readonly number[] | undefined, where: string): number {
  if (fixed === undefined) return 0;
  const list = typeof fixed === 'number' ? [fixed] : fixed;
  let total = 0;
  list.forEach((loss, i) => {
    total += requireFinite(where, `fixedLosses_dB[${i}]`, loss);
  });
  return total;
}

/** Received power, dBm = laser − attenuation − DUT loss − Σ fixed losses. */
export function receivedPower_dBm(input: LinkBudgetInput): number {
  const where = 'receivedPower_dBm';
  requireFinite(where, 'laserPower_dBm', input.laserPower_dBm);
  requireNonNegative(where, 'attenuation_dB', input.attenuation_dB);
  requireFinite(where, 'dutLoss_dB', input.dutLoss_dB);
  return input.laserPower_dBm - input.attenuation_dB - input.dutLoss_dB - sumFixed(input.fixedLosses_dB, where);
}

/**
 * Attenuator setting (dB) that brings the received power to `target_dBm`; throws when the target
 * lies above what the link can deliver with the attenuator at 0 dB.
 */
export function attenuationFor_dB(target_dBm: number, input: Omit<LinkBudgetInput, 'attenuation_dB'>): number {
  const where = 'attenuationFor_dB';
  requireFinite(where, 'target_dBm', target_dBm);
  const max = receivedPower_dBm({ ...input, attenuation_dB: 0 });
  if (target_dBm > max) throw new ModelInputError(where, 'target_dBm', target_dBm, `at most ${max.toFixed(2)} dBm (attenuator at 0 dB)`);
  return max - target_dBm;
}

/** Margin (dB) of a received power over a receiver sensitivity: positive = headroom. */
export function margin_dB(received_dBm: number, sensitivity_dBm: number): number {
  requireFinite('margin_dB', 'received_dBm', received_dBm);
  requireFinite('margin_dB', 'sensitivity_dBm', sensitivity_dBm);
  return received_dBm - sensitivity_dBm;
}
