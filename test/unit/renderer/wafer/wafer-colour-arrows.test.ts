import { describe, expect, it } from 'vitest';
import { arrowMagnification, residualArrow } from '../../../../renderer/wafer/residual-arrows.ts';
import { BIN_COLOURS, binColour, mean, OTHER_BIN_COLOUR, rampColour, unitOf, valueScale, worstBin } from '../../../../renderer/wafer/wafer-colour.ts';
import { isDark } from '../../../../renderer/wafer/wafer-paint.ts';

describe('wafer colours', () => {
  it('gives each bin its colour and an unnamed bin the spare one', () => {
    expect(binColour(1)).toBe(BIN_COLOURS[1]);
    expect(binColour(2)).not.toBe(binColour(1));
    expect(binColour(9)).toBe(OTHER_BIN_COLOUR);
  });

  it('maps a value range onto the ramp, clamping outside it, and a single value to a flat scale', () => {
    expect(rampColour(0)).toBe('rgb(68, 1, 84)');
    expect(rampColour(1)).toBe('rgb(253, 231, 37)');
    expect(rampColour(-3)).toBe(rampColour(0));
    expect(rampColour(Number.NaN)).toBe(rampColour(0));
    const s = valueScale([8, 9, Number.NaN, 10]);
    expect(s).toMatchObject({ min: 8, max: 10 });
    expect(s?.colour(9)).toBe(rampColour(0.5));
    expect(s?.colour(12)).toBe(rampColour(1));
    expect(valueScale([5])?.colour(5)).toBe(rampColour(0));
    expect(valueScale([])).toBeNull();
  });

  it('reads the unit from a measurement key, takes the worst bin and the mean of finite values', () => {
    expect(unitOf('sweep.peakLoss_dB')).toBe('dB');
    expect(unitOf('align.power_dBm')).toBe('dBm');
    expect(unitOf('sweep.points')).toBe('');
    expect(worstBin([1, 3, 2])).toBe(3);
    expect(worstBin([])).toBeNull();
    expect(mean([1, 2, Number.NaN, 3])).toBe(2);
    expect(mean([])).toBeNull();
  });

  it('tells dark fills (white text) from light ones', () => {
    expect(isDark('#3b3b3b')).toBe(true);
    expect(isDark(rampColour(0))).toBe(true);
    expect(isDark(rampColour(1))).toBe(false);
    expect(isDark('#e4e7eb')).toBe(false);
    expect(isDark('teal')).toBe(false);
  });
});

describe('residual arrows', () => {
  it('magnifies by a 1-2-5 step so the longest residual is drawn near the target, never below ×1', () => {
    expect(arrowMagnification(4.2, 450)).toBe(100);
    expect(arrowMagnification(1, 450)).toBe(200);
    expect(arrowMagnification(0.3, 450)).toBe(1000);
    expect(arrowMagnification(900, 450)).toBe(1);
    expect(arrowMagnification(0, 450)).toBe(1);
  });

  it('points the arrow along found − predicted, stage +Y up the screen, with its head at the tip', () => {
    const a = residualArrow('C09R08', 'A', { x: 100, y: 200 }, { x: 3, y: 4 }, 10, 8);
    expect(a).toMatchObject({ x1: 100, y1: 200, x2: 130, y2: 160, length_um: 5 });
    const head = a.head.split(' ').map((p) => p.split(',').map(Number));
    expect(head[0]).toEqual([130, 160]);
    // The head's base lies 8 units back along the shaft.
    const bx = ((head[1]?.[0] ?? 0) + (head[2]?.[0] ?? 0)) / 2;
    const by = ((head[1]?.[1] ?? 0) + (head[2]?.[1] ?? 0)) / 2;
    expect(Math.hypot(130 - bx, 160 - by)).toBeCloseTo(8, 1);
    expect(residualArrow('d', 's', { x: 0, y: 0 }, { x: 0, y: 0 }, 10, 8).head).toBe('');
  });
});
