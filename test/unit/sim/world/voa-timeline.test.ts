import { describe, expect, it } from 'vitest';
import { Timeline } from '../../../../sim/world/timeline.ts';
import { TriggerLine } from '../../../../sim/world/trigger-line.ts';
import { VoaPath } from '../../../../sim/world/voa-path.ts';

const TRUTH = { insertionLoss_dB: 1, attenuationGainError: 0.01, attenuationOffsetError_dB: 0.1, monitorError_dB: 0.05 };
const dB = (x: number): number => 10 * Math.log10(x);

describe('VoaPath', () => {
  it('blocks light with the output closed and adds IL + set·(1+gain) + offset when open', () => {
    const v = new VoaPath(TRUTH);
    expect(v.transmission(0, 1e-3)).toBe(0);
    v.setOutput(true, 0);
    v.setAttenuation(20, 0);
    expect(dB(v.transmission(1, 1e-3))).toBeCloseTo(-(1 + 20 * 1.01 + 0.1), 9);
  });

  it('ramps to a new attenuation over its settling time (20 ms + 1 ms/dB)', () => {
    const v = new VoaPath(TRUTH);
    v.setOutput(true, 0);
    v.setAttenuation(0, 0);
    const done = v.setAttenuation(30, 1);
    expect(done - 1).toBeCloseTo(0.05, 12);
    expect(v.attenuationAt_dB(1 + 0.025)).toBeCloseTo(15, 9);
    expect(v.attenuationAt_dB(done)).toBe(30);
    expect(v.attenuationAt_dB(0.5)).toBe(0);
  });

  it('power-control mode holds the monitored output on target', () => {
    const v = new VoaPath(TRUTH);
    v.setOutput(true, 0);
    v.setPowerTarget(-20, 0);
    const input_W = 1e-3; // 0 dBm
    expect(v.monitor_dBm(1, input_W)).toBeCloseTo(-20, 9);
    expect(dB(input_W * v.transmission(1, input_W) * 1e3)).toBeCloseTo(-20.05, 9);
    // a target above what the input allows leaves only the insertion loss
    v.setPowerTarget(5, 2);
    expect(dB(v.transmission(3, input_W))).toBeCloseTo(-1, 9);
    v.setAttenuation(10, 4);
    expect(v.powerTarget_dBm).toBeNull();
  });
});

describe('Timeline', () => {
  it('answers the state in effect at any time, newest last', () => {
    const tl = new Timeline<string>('a');
    tl.set(1, 'b');
    tl.set(2, 'c');
    tl.set(2, 'c2');
    expect([tl.at(-5), tl.at(1), tl.at(1.5), tl.at(2), tl.at(9)]).toEqual(['a', 'b', 'b', 'c2', 'c2']);
    expect(tl.current).toBe('c2');
  });

  it('keeps a bounded history, the oldest kept state standing for everything before it', () => {
    const tl = new Timeline<number>(0, 4);
    for (let i = 1; i <= 10; i++) tl.set(i, i);
    expect(tl.at(-1)).toBe(7);
    expect(tl.at(8.5)).toBe(8);
  });
});

describe('TriggerLine', () => {
  it('lists pulses after a time, across bursts, honouring cuts', () => {
    const line = new TriggerLine();
    line.post(Float64Array.of(1, 2, 3));
    line.cut(2.5);
    line.post(Float64Array.of(5, 6));
    expect(line.pulsesFrom(1.5, 10)).toEqual([2, 5, 6]);
    expect(line.pulsesFrom(0, 2)).toEqual([1, 2]);
  });
});
