// Every problem of a sequence file at once (the top-level ones and the steps' together, in file order),
// and `missing` for an absent field, never "got undefined".
import { describe, expect, it } from 'vitest';
import { loadAndPlan } from '../../../sequences/plan/all-issues.ts';
import { SequenceError, type SequenceIssue } from '../../../sequences/schema/errors.ts';
import { loadSequenceText } from '../../../sequences/schema/load.ts';
import { SIM_LIKE_BENCH } from './fixtures.ts';

async function issuesOf(text: string, set: string[] = []): Promise<SequenceIssue[]> {
  try {
    await loadAndPlan(() => loadSequenceText('seq.yaml', text, { set }), { bench: SIM_LIKE_BENCH });
  } catch (err) {
    if (err instanceof SequenceError) return [...err.issues];
    throw err;
  }
  throw new Error('expected the sequence to be refused');
}

describe('all the problems of a sequence at once', () => {
  it('a missing dut, an unknown key and bad steps are reported together, in file order', async () => {
    const issues = await issuesOf([
      'metadata: { lot: L1 }',
      'bogus: 1',
      'steps:',
      '  - sweep: { start: 1500, stop: 1600nm, step: 20pm, speed: 20nm/s }',
      '  - wait: 1s',
      '  - measure: { channels: [9] }',
      'limits:',
      '  - { measurement: power_dBm }',
    ].join('\n'));
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [1, 'metadata.dut'], [2, 'bogus'], [4, 'steps[0].sweep.start'], [6, 'steps[2].measure.channels[0]'], [8, 'limits[0]'],
    ].map(([l, f]) => [l, expect.stringContaining(String(f))]));
    expect(issues[0]?.message).toBe('missing; expected the DUT id as text (e.g. dut: CHIP-042 or dut: $dut)');
    expect(issues[2]?.message).toMatch(/got 1500 \(a number without a unit\)/);
  });

  it('a bad --set override and a bad step together', async () => {
    const issues = await issuesOf('metadata: { dut: X }\nparameters: { wl: 1550nm }\nsteps:\n  - sweep: { stop: 1600nm, step: 20pm, speed: 20nm/s }\n', ['wl=oops']);
    expect(issues.map((i) => i.field)).toEqual(['--set wl', 'steps[0].sweep.start']);
  });

  it('a valid top level still plans (and its step problems alone are reported)', async () => {
    const issues = await issuesOf('metadata: { dut: X }\nsteps:\n  - wait: soon\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe('steps[0].wait');
  });
});

describe('missing, not "got undefined"', () => {
  it('an absent step field says missing and what it takes', async () => {
    const issues = await issuesOf('metadata: { dut: X }\nsteps:\n  - sweep: { stop: 1600nm, step: 20pm, speed: 20nm/s }\n  - ber: { target: 1e-12 }\n');
    expect(issues.map((i) => i.message)).toEqual([
      'missing; expected a wavelength with a unit (nm, pm, um, µm, μm, m), e.g. 1550nm',
      expect.stringMatching(/^missing; expected \{ start: 6dB, stop: 10dB, step: 0\.25dB \} or a list/),
    ]);
    for (const i of issues) expect(i.message).not.toMatch(/undefined/);
  });

  it('an empty value is missing too; a wrong one still says what it got', async () => {
    const issues = await issuesOf('metadata: { dut: X }\nrecovery: { deadline: , backoff: fast }\nsteps:\n  - wait: 1s\n');
    expect(issues.map((i) => [i.field, i.message])).toEqual([
      ['recovery.deadline', 'missing; expected a duration with a unit (s, ms, us, µs, μs, ns, min, h), e.g. 10s'],
      ['recovery.backoff', expect.stringMatching(/expected a duration .*, got "fast"$/)],
    ]);
  });
});
