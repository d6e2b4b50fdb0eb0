// The wafer benchmark's ground truth: a die-site is truly bad when its die is dead or its true best loss
// exceeds the sequence's peakLoss limit (not when the simulator labels the die high-loss); the judgement
// counts misses both ways and lists the marginal sites; the limits and band come from wafer.yaml's plan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import { loadSequenceText } from '../../../sequences/schema/load.ts';
import {
  MARGIN_DB, describeSite, isMarginal, isTrulyBad, judgeBinning, trueState, waferLimitsOf, type JudgedSite,
} from '../../bench/wafer/wafer-judge.ts';
import { LIBRARY, MAP } from '../../bench/wafer/wafer-run.ts';

const LIMIT = { peakLossMax_dB: 14 };
const site = (key: string, over: Partial<JudgedSite>): JudgedSite => ({ key, dead: false, bestLoss_dB: 8, bin: 1, peakLoss_dB: 8.05, ...over });

describe('trueState / isTrulyBad', () => {
  it('calls a dead die bad whatever its couplers would lose', () => {
    expect(trueState({ dead: true, bestLoss_dB: 7.5 }, LIMIT)).toBe('no light');
    expect(isTrulyBad({ dead: true, bestLoss_dB: 7.5 }, LIMIT)).toBe(true);
  });

  it('calls a live site bad only when its true loss exceeds the limit', () => {
    expect(trueState({ dead: false, bestLoss_dB: 14.2 }, LIMIT)).toBe('over the limit');
    expect(trueState({ dead: false, bestLoss_dB: 14 }, LIMIT)).toBe('within the limit');
    // Seed 2's labelled high-loss die C12R14 (+6 dB on a low-loss wafer): 13.4 dB is within a 14 dB spec, a good die.
    expect(isTrulyBad({ dead: false, bestLoss_dB: 13.36 }, LIMIT)).toBe(false);
    expect(isTrulyBad({ dead: false, bestLoss_dB: 13.36 }, { peakLossMax_dB: 13 })).toBe(true);
  });

  it('marks live sites within the margin of the limit as marginal, dead ones never', () => {
    expect(isMarginal({ dead: false, bestLoss_dB: 14 - MARGIN_DB + 0.01 }, LIMIT)).toBe(true);
    expect(isMarginal({ dead: false, bestLoss_dB: 14 + MARGIN_DB - 0.01 }, LIMIT)).toBe(true);
    expect(isMarginal({ dead: false, bestLoss_dB: 14 - MARGIN_DB - 0.01 }, LIMIT)).toBe(false);
    expect(isMarginal({ dead: true, bestLoss_dB: 14 }, LIMIT)).toBe(false);
  });
});

describe('judgeBinning', () => {
  it('counts truly bad sites binned bad, and names misses both ways and the marginal sites', () => {
    const sites = [
      site('C06R07.A', { dead: true, bin: 2, peakLoss_dB: undefined }),
      site('C06R07.B', { dead: true, bin: 1, peakLoss_dB: undefined }), // a dead site binned good: a miss
      site('C12R14.A', { bestLoss_dB: 13.36, peakLoss_dB: 13.4, bin: 1 }), // labelled high-loss, within spec: right to pass
      site('C10R06.A', { bestLoss_dB: 15.1, peakLoss_dB: 15.2, bin: 3 }),
      site('C05R05.A', { bestLoss_dB: 14.2, peakLoss_dB: 13.95, bin: 1 }), // over the limit, measured under: a marginal miss
      site('C07R07.A', { bin: 4 }), // good, binned bad
    ];
    const j = judgeBinning(sites, LIMIT);
    expect(j.trulyBad).toBe(4);
    expect(j.badBinned).toBe(2);
    expect(j.missed.map((s) => s.key)).toEqual(['C06R07.B', 'C05R05.A']);
    expect(j.goodBinnedBad.map((s) => s.key)).toEqual(['C07R07.A']);
    expect(j.marginal.map((s) => s.key)).toEqual(['C05R05.A']);
    expect(describeSite(j.missed[1]!)).toBe('C05R05.A true 14.20 dB, measured 13.95 dB, bin 1');
    expect(describeSite(j.missed[0]!)).toBe('C06R07.B dead, no sweep, bin 1');
  });

  it('finds nothing to report on a wafer binned right', () => {
    const j = judgeBinning([site('a', {}), site('b', { dead: true, bin: 2 }), site('c', { bestLoss_dB: 16, bin: 3 })], LIMIT);
    expect(j).toMatchObject({ trulyBad: 2, badBinned: 2, missed: [], goodBinnedBad: [], marginal: [] });
  });
});

describe('waferLimitsOf', () => {
  const plan = (text: string) => buildPlan(loadSequenceText(join(LIBRARY, 'wafer.yaml'), text, { baseDir: LIBRARY, set: [`map=${MAP}`] }));
  const library = readFileSync(join(LIBRARY, 'wafer.yaml'), 'utf8');

  it("reads wafer.yaml's own limits and its sweep's band", () => {
    expect(waferLimitsOf(plan(library))).toEqual({ peakLossMax_dB: 14, powerMin_dBm: -25, band: { start_nm: 1530, stop_nm: 1565 } });
  });

  it('follows the sequence when its limit changes', () => {
    expect(waferLimitsOf(plan(library.replace('max: 14dB', 'max: 12.5dB'))).peakLossMax_dB).toBe(12.5);
  });

  it('refuses a sequence without a peakLoss_dB max, saying what it needs', () => {
    const text = library.replace(/ {2}- \{ measurement: peakLoss_dB.*\n/, '');
    expect(text).not.toBe(library);
    expect(() => waferLimitsOf(plan(text))).toThrow(/no `peakLoss_dB` max limit/);
  });
});
