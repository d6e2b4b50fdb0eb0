import { describe, expect, it } from 'vitest';
import { receiverBer, receiverPenalty_dB } from '../../../../sim/world/receiver-link.ts';
import { alignTo, makeWorld } from './fixtures.ts';

const dBm = (w: number): number => 10 * Math.log10(w) + 30;

describe('the optical chain', () => {
  it('routes laser → modulator → VOA → 1 % tap (port 2) → chip → splitter (port 1, BERT)', () => {
    const f = makeWorld(21);
    const tr = f.world.truth();
    const { laser, voa } = f.world;
    laser.setWavelength(1550, 0);
    laser.setPower(6, 0);
    laser.setOutput(true, 0);
    voa.setOutput(true, 0);
    voa.setAttenuation(3, 0);
    alignTo(f, 0);
    const t = 1;
    const afterVoa_dBm = 6 + tr.laser.powerOffset_dB - tr.modulatorLoss_dB - tr.voa.insertionLoss_dB - (3 * (1 + tr.voa.attenuationGainError) + tr.voa.attenuationOffsetError_dB);
    expect(dBm(f.world.voaOutput_W(t))).toBeCloseTo(afterVoa_dBm, 4);
    expect(dBm(f.world.powerAtMeter_W(2, t))).toBeCloseTo(afterVoa_dBm + 10 * Math.log10(tr.tapRatio), 4);
    const intoChip_dBm = dBm(f.world.voaOutput_W(t)) + 10 * Math.log10(1 - tr.tapRatio);
    const chip_dB = 10 * Math.log10(f.world.transmission(t));
    expect(dBm(f.world.powerAtMeter_W(1, t))).toBeCloseTo(intoChip_dBm + chip_dB - tr.splitter.toMeter_dB, 9);
    expect(dBm(f.world.bertInput_W(t))).toBeCloseTo(intoChip_dBm + chip_dB - tr.splitter.toBert_dB, 9);
    // port 1 and the BERT differ only by the splitter tolerance (±0.2 dB)
    expect(Math.abs(dBm(f.world.bertInput_W(t)) - dBm(f.world.powerAtMeter_W(1, t)))).toBeLessThanOrEqual(0.2);
    expect(f.world.powerAtMeter_W(3, t)).toBe(0);
    expect(f.world.light(1, t).wavelength_nm).toBeCloseTo(1550 + tr.laser.wavelengthOffset_pm * 1e-3, 9);
  });

  it('is a function of bench time: a moving stage is seen along its trajectory, and past settings stay past', () => {
    const f = makeWorld(22);
    f.world.laser.setOutput(true, 0);
    f.world.voa.setOutput(true, 0);
    const o = f.world.truth().optimaNow_um[0]!;
    // fly through the optimum along X at 10 µm/s, centred at t = 5 s
    f.stage.path = (axis, t) => (axis === 'X' ? o.x_um + 10 * (t - 5) : axis === 'Y' ? o.y_um : o.z_um);
    const p = [4, 4.5, 5, 5.5, 6].map((t) => f.world.powerAtMeter_W(1, t));
    expect(p[2]).toBe(Math.max(...p));
    expect(p[1]).toBeCloseTo(p[3]!, 12);
    expect(p[0]).toBeLessThan(p[1]!);
    f.world.voa.setAttenuation(10, 7);
    expect(f.world.powerAtMeter_W(2, 6.9) / f.world.powerAtMeter_W(2, 8)).toBeGreaterThan(9);
  });

  it('lights nothing with the laser off or the VOA closed, and still notices a fiber contact in the dark', () => {
    const f = makeWorld(23);
    alignTo(f, 0);
    expect(f.world.powerAtMeter_W(1, 0)).toBe(0);
    expect(f.world.bertInput_W(0)).toBe(0);
    f.stage.pos.Z = f.world.truth().surfaceZ_um - 2;
    f.world.powerAtMeter_W(1, 1);
    expect(f.world.fiberContact?.t_s).toBe(1);
    let heard = 0;
    f.world.clearFiberContact();
    f.world.onFiberContact(() => heard++);
    expect(f.world.checkContact(2)?.t_s).toBe(2);
    expect(heard).toBe(1);
  });
});

describe('the BERT receiver', () => {
  it('reaches the hidden sensitivity at 1e-12 at the reference rate with PRBS7, and pays for speed and pattern', () => {
    const f = makeWorld(24);
    const rx = f.world.receiverTruth();
    const sens_W = 10 ** ((rx.receiver.sensitivity_dBm - 30) / 10);
    expect(receiverBer(sens_W, 25.78125e9, 'PRBS7', rx)).toBeCloseTo(1e-12, 15);
    expect(receiverBer(sens_W, 25.78125e9, 'PRBS31', rx)).toBeGreaterThan(1e-12);
    expect(receiverPenalty_dB(53.125e9, 'PRBS7', rx)).toBeCloseTo(5 * Math.log10(53.125 / 25.78125), 12);
    expect(receiverBer(sens_W * 2, 25.78125e9, 'PRBS7', rx)).toBeLessThan(1e-30);
    expect(receiverBer(0, 25.78125e9, 'PRBS7', rx)).toBe(0.5);
  });
});
