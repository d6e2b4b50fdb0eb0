import { describe, expect, it } from 'vitest';
import { attenuationFor_dB, margin_dB, receivedPower_dBm } from '../../../models/link-budget.ts';

describe('link budget', () => {
  const link = { laserPower_dBm: 10, dutLoss_dB: 9.5, fixedLosses_dB: [5, 3.01, 0.3] };

  it('subtracts attenuation, DUT and fixed losses from the laser power', () => {
    expect(receivedPower_dBm({ ...link, attenuation_dB: 2 })).toBeCloseTo(10 - 2 - 9.5 - 8.31, 12);
    expect(receivedPower_dBm({ laserPower_dBm: 0, attenuation_dB: 0, dutLoss_dB: 1, fixedLosses_dB: 0.5 })).toBeCloseTo(-1.5, 12);
    expect(receivedPower_dBm({ laserPower_dBm: 0, attenuation_dB: 0, dutLoss_dB: 1 })).toBe(-1);
  });

  it('finds the attenuator setting for a target power and refuses an unreachable one', () => {
    const att = attenuationFor_dB(-15, link);
    expect(receivedPower_dBm({ ...link, attenuation_dB: att })).toBeCloseTo(-15, 12);
    expect(() => attenuationFor_dB(0, link)).toThrow(/attenuationFor_dB: target_dBm must be at most -7.81 dBm/);
  });

  it('reports margin and rejects bad numbers by name', () => {
    expect(margin_dB(-9, -12)).toBe(3);
    expect(() => receivedPower_dBm({ ...link, attenuation_dB: -1 })).toThrow(/attenuation_dB must be a finite number >= 0/);
    expect(() => receivedPower_dBm({ ...link, attenuation_dB: 0, fixedLosses_dB: [1, Number.NaN] })).toThrow(/fixedLosses_dB\[1\]/);
  });
});
