import { describe, expect, it } from 'vitest';
import { berFromQ, KP4_BER, qFromBer } from '../../../models/ber.ts';
import { berAtPower, powerForBer, qAtPower } from '../../../models/receiver.ts';
import type { ReceiverModel } from '../../../models/receiver.ts';

const thermal: ReceiverModel = { kind: 'thermal', sensitivity_dBm: -12, atBer: 1e-12 };
const shot: ReceiverModel = { kind: 'shot', sensitivity_dBm: -20, atBer: 1e-9 };

describe('receiver model', () => {
  it('meets its stated sensitivity', () => {
    expect(berAtPower(-12, thermal)).toBeCloseTo(1e-12, 20);
    expect(qAtPower(-12, thermal)).toBeCloseTo(qFromBer(1e-12), 12);
    expect(berAtPower(-20, shot)).toBeCloseTo(1e-9, 17);
  });

  it('thermal: Q ∝ P (Q doubles per +3.01 dB); shot: Q ∝ √P', () => {
    const q0 = qAtPower(-12, thermal);
    expect(qAtPower(-12 + 10 * Math.log10(2), thermal)).toBeCloseTo(2 * q0, 10);
    expect(qAtPower(-22, thermal)).toBeCloseTo(q0 / 10, 10);
    const s0 = qAtPower(-20, shot);
    expect(qAtPower(-10, shot)).toBeCloseTo(s0 * Math.sqrt(10), 10);
  });

  it('BER rises as power falls, and is 0.5 without light', () => {
    expect(berAtPower(-14, thermal)).toBeGreaterThan(berAtPower(-13, thermal));
    expect(berAtPower(-Infinity, thermal)).toBe(0.5);
  });

  it('powerForBer inverts berAtPower (the sensitivity at another BER)', () => {
    for (const rx of [thermal, shot]) {
      for (const ber of [1e-3, KP4_BER, 1e-6, 1e-12, 1e-15]) {
        const p = powerForBer(ber, rx);
        expect(berAtPower(p, rx) / ber).toBeCloseTo(1, 8);
      }
    }
    // thermal receiver: the KP4 sensitivity lies 10·log10(7.03/3.49) ≈ 3.04 dB below the 1e-12 one
    expect(powerForBer(KP4_BER, thermal)).toBeCloseTo(-12 - 10 * Math.log10(qFromBer(1e-12) / qFromBer(KP4_BER)), 10);
    expect(-12 - powerForBer(KP4_BER, thermal)).toBeCloseTo(3.04, 2);
    expect(berFromQ(qAtPower(powerForBer(1e-6, shot), shot))).toBeCloseTo(1e-6, 12);
  });

  it('rejects a bad receiver or power, naming the field', () => {
    expect(() => qAtPower(-10, { ...thermal, atBer: 0 })).toThrow(/qAtPower: rx.atBer must be a bit error ratio in \(0, 0.5\)/);
    expect(() => qAtPower(-10, { ...thermal, kind: 'avalanche' as 'thermal' })).toThrow(/rx.kind/);
    expect(() => qAtPower(Number.NaN, thermal)).toThrow(/power_dBm/);
    expect(() => berAtPower(-10, { ...thermal, sensitivity_dBm: Number.NaN })).toThrow(/sensitivity_dBm/);
    expect(() => powerForBer(0, thermal)).toThrow(/powerForBer: ber/);
  });
});
