import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { createStageBench } from '../../../../sim/stage-instruments.ts';
import { AxisConfigError } from '../../../../sim/motion/axis-config.ts';
import { send } from './helpers.ts';

describe('createStageBench', () => {
  it('gives one motion system and the three dialects in role order', () => {
    const bench = createStageBench({ seed: 1, clock: new FastClock() });
    expect(bench.instruments.map((i) => i.role)).toEqual(['stage', 'stage-esp', 'stage-pi']);
    expect(bench.instruments.map((i) => i.framing.inputTerminator)).toEqual(['\n', '\r', '\n']);
  });

  it('every dialect drives the same axes, and the optics see the fiber through truePosition_um', async () => {
    const clock = new FastClock();
    const { motion, scpi, esp301, pi } = createStageBench({ seed: 3, clock });
    await send(scpi, ':AXIS1:POS 12500;*WAI');
    expect(Number(await send(esp301, '1TP?'))).toBeCloseTo(12.5, 4);
    expect(await send(pi, 'POS? 1')).toMatch(/^1=12\.50\d{4}\n$/);
    await send(esp301, '2PA12.5;2WS');
    expect(Number(await send(scpi, ':AXIS2:POS?'))).toBeCloseTo(12_500, 1);
    const truth = motion.truePosition_um('Y', clock.now_s());
    expect(Math.abs(truth - 12_500)).toBeLessThan(1); // within backlash + repeatability, not equal to the encoder
  });

  it('the seed fixes the hidden mechanics', () => {
    const a = createStageBench({ seed: 9, clock: new FastClock() }).motion.truth();
    const b = createStageBench({ seed: 9, clock: new FastClock() }).motion.truth();
    const c = createStageBench({ seed: 10, clock: new FastClock() }).motion.truth();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('passes velocity, axis overrides and the reference state through', () => {
    const bench = createStageBench({ seed: 1, clock: new FastClock(), velocity_um_s: 800, axes: { Z: { settle_s: 0.02 } }, referenced: false });
    expect(bench.motion.velocity_um_s('X')).toBe(800);
    expect(bench.motion.config('Z').settle_s).toBe(0.02);
    expect(bench.motion.isReferenced('X')).toBe(false);
    expect(() => createStageBench({ seed: 1, clock: new FastClock(), velocity_um_s: -1 })).toThrow(AxisConfigError);
  });
});
