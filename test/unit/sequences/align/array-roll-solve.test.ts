// Y and roll solved together from one Y line and one W line (array-roll-solve.ts), against a synthetic
// array whose channels are sums of Gaussians in dB: single fibers through a loop mirror and one
// looped-back pair, each coupler with its own offset and each channel its own loss.
import { describe, expect, it } from 'vitest';
import type { ChannelLineFit } from '../../../../sequences/steps/align/array-fly-search.ts';
import { bestOnLine } from '../../../../sequences/steps/align/array-fly-search.ts';
import { SOLVE_SPAN_W_DEG, fiberPlaces_um, wStart } from '../../../../sequences/steps/align/array-fly-align.ts';
import { channelModel, ownBestYW, solveYW, valueYW } from '../../../../sequences/steps/align/array-roll-solve.ts';
import { MIN_MEAN_WEIGHT, fitParabola, objectiveOf, scoreOf } from '../../../../sequences/steps/align/array-search.ts';

const PITCH = 127;
const CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8];
const LOOPBACKS: [number, number][] = [[1, 8]];
const K = 0.32; // dB/µm² per fiber pass (a 5.2 µm mode)
const couplerY = [0.25, -0.2, 0.1, 0.28, -0.3, 0.05, -0.15, 0.2]; // µm
const loss = [0, 0.3, 0.8, 0.1, 0.5, 0.2, 0.6, 0]; // dB (the pair's two channels read one path)
const TRUE_ROLL_DEG = 0.07;

/** dB of each channel at (y µm, roll t °) from the array's true model. */
function truth(y: number, t: number): number[] {
  return CHANNELS.map((ch, i) => {
    const fibers = LOOPBACKS.some((p) => p.includes(ch)) ? [1, 8] : [ch, ch];
    const ps = fibers.map((f) => (f - 4.5) * PITCH);
    return -(loss[i] as number) - fibers.reduce((s, f, j) => s + K * (y + ((ps[j] as number) * (t - TRUE_ROLL_DEG) * Math.PI) / 180 - (couplerY[f - 1] as number)) ** 2, 0);
  });
}

function lineFits(axis: 'Y' | 'W', fixed: number, span: number, centre: number): ChannelLineFit[] {
  const xs = Array.from({ length: 21 }, (_, k) => centre - span + (2 * span * k) / 20);
  const ps = xs.map((x) => (axis === 'Y' ? truth(x, fixed) : truth(fixed, x)));
  return CHANNELS.map((_, i) => {
    const { a, b, c } = fitParabola(xs.map((x) => x - centre), ps.map((p) => p[i] as number));
    return { index: i, a, b, c, centre, peak: centre - b / (2 * c), peak_dBm: a - (b * b) / (4 * c) };
  });
}

/** The objective's true optimum by brute force over a fine grid. */
function bruteForce(objective: 'min' | 'sum'): { y: number; t: number; value: number } {
  let best = { y: 0, t: 0, value: -Infinity };
  for (let y = -1.5; y <= 1.5; y += 0.005) {
    for (let t = -0.05; t <= 0.2; t += 0.0005) {
      const v = scoreOf(truth(y, t), objective);
      if (v > best.value) best = { y, t, value: v };
    }
  }
  return best;
}

describe('Y and roll solved together (array-roll-solve)', () => {
  it('the places of each channel\'s fibers: a pair\'s two, a mirrored coupler\'s one, about the channels\' middle', () => {
    const places = fiberPlaces_um(CHANNELS, LOOPBACKS, PITCH);
    expect(places[0]).toEqual([-444.5, 444.5]);
    expect(places[7]).toEqual([-444.5, 444.5]);
    expect(places[1]).toEqual([-317.5]);
    expect(places[4]).toEqual([63.5]);
  });

  it('rebuilds each channel\'s (y, roll) quadratic from one Y line and one W line, cross term from the geometry', () => {
    const places = fiberPlaces_um(CHANNELS, LOOPBACKS, PITCH);
    const yFits = lineFits('Y', 0, 3, 0);
    const y1 = 0.4;
    const wFits = lineFits('W', y1, 0.12, 0);
    const models = CHANNELS.map((_, i) => channelModel(yFits[i] as ChannelLineFit, wFits[i] as ChannelLineFit, places[i] as number[], y1));
    for (const [y, t] of [[0.5, 0.1], [-1, -0.05], [1.2, 0.12], [0, 0.07]] as const) {
      const want = truth(y, t);
      models.forEach((m, i) => expect(valueYW(m!, y, t)).toBeCloseTo(want[i] as number, 6));
    }
  });

  it('rebuilds the same quadratic when the W line is flown first and the Y line where it ended (t1 off its centre)', () => {
    const places = fiberPlaces_um(CHANNELS, LOOPBACKS, PITCH);
    const t1 = 0.12;
    const wFits = lineFits('W', 0, 0.12, 0);
    const yFits = lineFits('Y', t1, 3, 0);
    const models = CHANNELS.map((_, i) => channelModel(yFits[i]!, wFits[i]!, places[i]!, 0, t1)!);
    for (const [y, t] of [[0.5, 0.1], [-1, -0.05], [1.2, 0.12], [0, 0.07]] as const) {
      const want = truth(y, t);
      models.forEach((m, i) => expect(valueYW(m, y, t)).toBeCloseTo(want[i] as number, 6));
    }
    // Taken as flown at the W line's centre instead, an outer single fiber's level is off.
    const naive = channelModel(yFits[1]!, wFits[1]!, places[1]!, 0)!;
    expect(Math.abs(valueYW(naive, 0, 0) - (truth(0, 0)[1] as number))).toBeGreaterThan(0.1);
  });

  it('starts the W line at the end of its span nearer where W stands, within the limits', () => {
    const lim = { min: -1, max: 1 };
    expect(wStart(0.35, 0, lim)).toBeCloseTo(0.35 - SOLVE_SPAN_W_DEG, 12);
    expect(wStart(-0.35, 0, lim)).toBeCloseTo(-0.35 + SOLVE_SPAN_W_DEG, 12);
    expect(wStart(0.95, 2, lim)).toBe(1);
  });

  it('finds the joint optimum of min (plus the mean) and of sum; a Y line alone at the flown roll falls short', () => {
    const places = fiberPlaces_um(CHANNELS, LOOPBACKS, PITCH);
    const yFits = lineFits('Y', 0, 3, 0);
    const wFits = lineFits('W', 0.1, 0.25, 0);
    const models = CHANNELS.map((_, i) => channelModel(yFits[i]!, wFits[i]!, places[i]!, 0.1)!);
    for (const objective of ['min', 'sum'] as const) {
      const got = solveYW(models, objective, { y: [-3, 3], t: [-0.25, 0.25] });
      const want = bruteForce(objective);
      expect(got.y).toBeCloseTo(want.y, 1);
      expect(got.t).toBeCloseTo(want.t, 2);
      expect(scoreOf(truth(got.y, got.t), objective)).toBeGreaterThan(want.value - 1e-3);
    }
    // The roll is not the true chip roll for min: the channels' losses and coupler offsets move it.
    const onePass = bestOnLine(yFits, { channels: CHANNELS.map((_, i) => i), objective: 'min' }, -3, 3);
    expect(scoreOf(truth(onePass, 0), 'min')).toBeLessThan(bruteForce('min').value - 0.05);
  });

  it('each channel\'s own best from its model: a pair\'s top where its two fibers line up, a single fiber\'s top along Y', () => {
    const places = fiberPlaces_um(CHANNELS, LOOPBACKS, PITCH);
    const models = CHANNELS.map((_, i) => channelModel(lineFits('Y', 0, 3, 0)[i]!, lineFits('W', 0.1, 0.12, 0)[i]!, places[i]!, 0.1)!);
    CHANNELS.forEach((_, i) => {
      let top = -Infinity;
      for (let y = -1.5; y <= 1.5; y += 0.005) for (let t = -0.1; t <= 0.25; t += 0.0005) top = Math.max(top, truth(y, t)[i] as number);
      expect(ownBestYW(models[i]!)).toBeCloseTo(top, 3);
    });
    // The pair's best along Y at the flown roll falls short of its own best: its fibers are rolled apart.
    const pairAlongY = lineFits('Y', 0, 3, 0)[0]!;
    expect(pairAlongY.peak_dBm).toBeLessThan(ownBestYW(models[0]!) - 0.01);
    expect(ownBestYW({ ...models[1]!, cYY: 0.01 })).toBeNaN();
  });

  it('stays inside the box it was given (the lines flown)', () => {
    const places = fiberPlaces_um(CHANNELS, LOOPBACKS, PITCH);
    const models = CHANNELS.map((_, i) => channelModel(lineFits('Y', 0, 3, 0)[i]!, lineFits('W', 0, 0.12, 0)[i]!, places[i]!, 0)!);
    const got = solveYW(models, 'min', { y: [-0.2, 0.2], t: [-0.02, 0.02] });
    expect(got.y).toBeGreaterThanOrEqual(-0.2);
    expect(got.y).toBeLessThanOrEqual(0.2);
    expect(got.t).toBeLessThanOrEqual(0.02);
    expect(got.t).toBeCloseTo(0.02, 3);
  });

  it('has no model for a channel whose Y line does not open downwards', () => {
    const flat: ChannelLineFit = { index: 0, a: -10, b: 0.1, c: 0.01, centre: 0, peak: 0, peak_dBm: -10 };
    expect(channelModel(flat, flat, [0], 0)).toBeNull();
  });

  it('scores min as the weakest plus the mean, and sum as the mean', () => {
    const p = [-3, -1, -2];
    expect(scoreOf(p, 'sum')).toBeCloseTo(-2, 12);
    expect(scoreOf(p, 'min')).toBeCloseTo(-3 + MIN_MEAN_WEIGHT * -2, 12);
    expect(objectiveOf(p, 'min')).toBe(-3);
  });

  it('peaks a flat axis on the mean of the channels\' fits with sum even when single fits turn upwards', () => {
    // The gap: each channel nearly flat; one channel's noisy fit opens upwards, the mean still peaks at 2.
    const fits: ChannelLineFit[] = [
      { index: 0, a: -10, b: 0.04, c: -0.012, centre: 0, peak: 0, peak_dBm: -10 },
      { index: 1, a: -10, b: 0.004, c: 0.002, centre: 0, peak: 0, peak_dBm: -10 },
    ];
    // mean: b = 0.022, c = −0.005 → vertex 2.2
    expect(bestOnLine(fits, { channels: [0, 1], objective: 'sum' }, -10, 10)).toBeCloseTo(2.2, 1);
  });
});
