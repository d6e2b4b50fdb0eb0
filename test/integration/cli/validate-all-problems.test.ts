// `benchctl validate` as a user runs it (issue 17, "Also"): a file with problems at the top level and in
// its steps gets them all in one go, in file order, and an absent field says `missing`, never "got undefined".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBenchctl } from './run-benchctl.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-validate-all-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('benchctl validate reports every problem at once', () => {
  it('top-level and step problems together, exit 2, missing for absent fields', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, [
      'metadata: { lot: L1 }',
      'bogus: 1',
      'steps:',
      '  - sweep: { stop: 1600nm, step: 20pm, speed: 20nm/s }',
      '  - wait: soon',
      '',
    ].join('\n'));
    const r = await runBenchctl(['validate', file], { timeout_ms: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/4 problems in/);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(`  ${file}:`));
    expect(lines.map((l) => /:(\d+):\d+: ([^:]+):/.exec(l)?.slice(1, 3))).toEqual([
      ['1', 'metadata.dut'], ['2', 'bogus'], ['4', 'steps[0].sweep.start'], ['5', 'steps[1].wait'],
    ]);
    expect(lines[0]).toMatch(/metadata\.dut: missing; expected the DUT id/);
    expect(lines[2]).toMatch(/steps\[0\]\.sweep\.start: missing; expected a wavelength with a unit/);
    expect(r.stderr).not.toMatch(/undefined/);
  }, 90_000);
});
