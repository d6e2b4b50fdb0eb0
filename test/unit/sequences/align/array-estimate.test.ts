// The fiber-array step's plan estimate: by fly lines when the hexapod's trigger output is cabled (the
// bench file says so), by step-and-read otherwise; each grows with what the step will really do.
import { describe, expect, it } from 'vitest';
import { parseBenchFile } from '../../../../drivers/bench/bench-file.ts';
import { benchInfoFromConfig } from '../../../../sequences/bench-info.ts';
import { estimateFlyAlign_s, estimateStepAlign_s, moveTime_s } from '../../../../sequences/steps/align/array-estimate.ts';
import { arrayAlignSchema } from '../../../../sequences/steps/align/array-schema.ts';
import { arrayAlignStep } from '../../../../sequences/steps/align/array-step.ts';
import { DEFAULT_BENCH_ROLES, simBenchFileYaml } from '../../../../sim/link/bench-file.ts';

const params = (extra: Record<string, unknown> = {}) => arrayAlignSchema.parse({ channels: [1, 2, 3, 4, 5, 6, 7, 8], ...extra });

describe('array align estimate', () => {
  it('a move is a triangle when short and cruises when long', () => {
    expect(moveTime_s(0)).toBe(0);
    expect(moveTime_s(50)).toBeCloseTo(2 * Math.sqrt(50 / 200_000), 12);
    // At the fly velocity (10 mm/s): 500 µm is where a move starts to cruise.
    expect(moveTime_s(1000)).toBeCloseTo(1000 / 10_000 + 10_000 / 200_000, 12);
  });

  it('flies faster than it steps, and both grow with the search area, the tracking and the final averaging', () => {
    const p = params();
    expect(estimateFlyAlign_s(p)).toBeLessThan(estimateStepAlign_s(p));
    for (const f of [estimateFlyAlign_s, estimateStepAlign_s]) {
      expect(f(params({ search_radius: '120um' }))).toBeGreaterThan(f(p));
      expect(f(params({ track: { for: '60s' } })) - f(p)).toBeCloseTo(60, 9);
      expect(f(params({ final_averaging: '1s' })) - f(p)).toBeCloseTo(1 - 0.02, 9);
    }
    // Without roll among the axes, fewer lines.
    expect(estimateFlyAlign_s(params({ axes: ['X', 'Y', 'Z', 'U', 'V'] }))).toBeLessThan(estimateFlyAlign_s(p));
    // Every listed axis has its line: without tilt (V), one line fewer.
    expect(estimateFlyAlign_s(params({ axes: ['X', 'Y', 'Z', 'U', 'W'] }))).toBeLessThan(estimateFlyAlign_s(p));
  });

  it('the step estimates the fly path when the bench file cables the hexapod\'s trigger output, else step-and-read', () => {
    const yaml = simBenchFileYaml({ seed: 1, mode: 'fast', tcp: Object.fromEntries(DEFAULT_BENCH_ROLES.map((r, i) => [r, `TCPIP::127.0.0.1::${5025 + i}::SOCKET`])) });
    const info = benchInfoFromConfig(parseBenchFile(yaml));
    expect(info.roles['stage-hexapod']?.triggerOutput).toBe(1);
    const p = params();
    expect(arrayAlignStep.estimate_s(p, info)).toBeCloseTo(estimateFlyAlign_s(p), 12);
    const uncabled = { ...info, roles: { ...info.roles, 'stage-hexapod': { ...info.roles['stage-hexapod']!, triggerOutput: undefined } } };
    delete uncabled.roles['stage-hexapod'].triggerOutput;
    expect(arrayAlignStep.estimate_s(p, uncabled)).toBeCloseTo(estimateStepAlign_s(p), 12);
  });
});
