// Bursts of rows (a fly line's ~1 700 logged samples) go to the CSV in one write when the step hands them
// over together (ctx.points, or point() calls not awaited one by one); awaited one at a time, each row is
// its own write — durable before the next is taken, which is what a single point needs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { RunEngine } from '../../../sequences/engine/engine.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import { CsvTable } from '../../../sequences/records/csv-table.ts';
import { RunRecorder } from '../../../sequences/records/recorder.ts';
import { SOFTWARE } from '../../../sequences/records/software.ts';
import { registry } from '../../../sequences/steps/index.ts';
import type { Row, StepContext, StepDefinition } from '../../../sequences/step.ts';
import { fakeBench } from './fake-bench.ts';
import { load, withSteps } from './fixtures.ts';

const N = 1700;
type How = 'points' | 'concurrent' | 'sequential';

const scan: StepDefinition<{ how: How }> = {
  kind: 'scan',
  schema: z.object({ how: z.enum(['points', 'concurrent', 'sequential']) }),
  tables: () => [{ name: 'align_scan', columns: ['x_um', 'power_dBm', 'phase'] }],
  estimate_s: () => 1,
  async run(ctx: StepContext, p) {
    const rows: Row[] = Array.from({ length: N }, (_, i) => ({ x_um: i / 100, power_dBm: -20 - i / 1000, phase: 'fly' }));
    if (p.how === 'points') await ctx.points?.('align_scan', rows);
    else if (p.how === 'concurrent') await Promise.all(rows.map((r) => ctx.point('align_scan', r)));
    else for (const r of rows) await ctx.point('align_scan', r);
    return { measurements: {} };
  },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-burst-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function runScan(how: How) {
  const plan = buildPlan(load(withSteps(`  - scan: { how: ${how} }\n`)), { registry: [...registry, scan] });
  const records = RunRecorder.create(join(dir, 'runs'), plan, {
    sequenceName: 'burst', sequenceFile: 'seq.yaml', baseDir: dir, overrides: {}, bench: { sim: true, seed: 1, realtime: false }, software: { ...SOFTWARE },
  }, { name: 'fake', simulated: true, identities: {} });
  const flush = vi.spyOn(CsvTable.prototype as unknown as { flush(): void }, 'flush');
  let t = 0;
  const engine = new RunEngine({ plan, bench: fakeBench().bench, records, now_s: () => (t += 1e-6) });
  const points: number[] = [];
  engine.on((e: RunEvent) => {
    if (e.type === 'point') points.push(e.index);
  });
  expect((await engine.run()).status).toBe('passed');
  const csv = readFileSync(join(records.folder, 'align_scan.csv'), 'utf8').split('\n').filter((l) => /^\d/.test(l));
  return { writes: flush.mock.calls.length, rows: csv.length, first: csv[0], last: csv.at(-1), points };
}

describe('bursts of rows', () => {
  it('ctx.points writes a fly line of 1 700 rows at once, every row a point event in order', async () => {
    const r = await runScan('points');
    expect(r).toMatchObject({ writes: 1, rows: N, first: '0,-20,fly', last: '16.99,-21.699,fly' });
    expect(r.points).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('point() calls made together share the write too', async () => {
    expect(await runScan('concurrent')).toMatchObject({ writes: 1, rows: N });
  });

  it('point() awaited row by row writes each row (the align step\'s pattern today)', async () => {
    expect(await runScan('sequential')).toMatchObject({ writes: N, rows: N });
  });
});
