// Shared helpers for sequence tests: load YAML text as a file, a BenchInfo like the simulator's.
import { buildPlan, type PlanOptions } from '../../../sequences/plan/build-plan.ts';
import { SequenceError, type SequenceIssue } from '../../../sequences/schema/errors.ts';
import { loadSequenceText, type LoadOptions } from '../../../sequences/schema/load.ts';
import type { BenchInfo } from '../../../sequences/step.ts';

export const SIM_LIKE_BENCH: BenchInfo = {
  name: 'test bench',
  simulated: true,
  roles: {
    laser: { kind: 'laser', driver: 'keysight-n777x', ranges: { wavelength_nm: { min: 1500, max: 1630 }, power_dBm: { min: -10, max: 13 } } },
    meter: { kind: 'meter', driver: 'keysight-n774x', ranges: {}, channels: [1, 2, 3, 4] },
    voa: { kind: 'voa', driver: 'keysight-n776x', ranges: { attenuation_dB: { min: 0, max: 60 } } },
    bert: { kind: 'bert', driver: 'scpi-bert', ranges: {} },
    stage: {
      kind: 'stage', driver: 'scpi-stage', ranges: {},
      axes: { X: { min_um: 0, max_um: 25000 }, Y: { min_um: 0, max_um: 25000 }, Z: { min_um: 5008, max_um: 10000 } },
    },
  },
};

export function load(text: string, opts: LoadOptions = {}) {
  return loadSequenceText('seq.yaml', text, opts);
}

export function plan(text: string, opts: LoadOptions & PlanOptions = {}) {
  return buildPlan(load(text, opts), opts);
}

/** The issues of a SequenceError thrown by `f` (fails the test if it does not throw one). */
export function issuesOf(f: () => unknown): SequenceIssue[] {
  try {
    f();
  } catch (err) {
    if (err instanceof SequenceError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a SequenceError, but nothing was thrown');
}

/** A minimal valid file around some steps. */
export function withSteps(steps: string, extra = ''): string {
  return `metadata: { dut: CHIP-1 }\n${extra}steps:\n${steps}`;
}
