// Where the array align step's bench time goes (`node bin/run-ts.js test/bench/array/profile.ts [seeds]`):
// per phase of the scan table (the time up to each phase's rows) and per top-level driver call of the
// hexapod and the meter (nested calls counted in their caller). Lan timing, the benchmark's starts.
import { alignStep } from '../../../sequences/steps/align/align-step.ts';
import { memoryContext } from '../align/bench-context.ts';
import { profileTable } from '../profile-table.ts';
import { openArray } from './open-array.ts';

const SEEDS = Number(process.argv[2] ?? 10);
const table = profileTable(process.env['TRACE'] === '1');

let total = 0;
for (let seed = 1; seed <= SEEDS; seed++) {
  const { vb, bench, hex } = await openArray(seed);
  const now = (): number => vb.benchTime_s();
  table.instrument(hex, 'hex', now);
  table.instrument(bench.get('meter-array', 'meter'), 'meter', now);
  const ctx = memoryContext(vb, bench);
  let last = now();
  const t0 = last;
  ctx.points = async (_table, rows) => {
    const phase = String(rows[0]?.['phase'] ?? '?');
    if (table.tracing) table.trace.push(`  -- ${phase} ${rows.length} rows`);
    table.addPhase(phase, now() - last);
    last = now();
  };
  await alignStep.run(ctx, alignStep.schema.parse({ channels: [1, 2, 3, 4, 5, 6, 7, 8], objective: 'min' }));
  table.addPhase('(after the last line)', now() - last);
  total += now() - t0;
  await bench.close();
  await vb.close();
}
table.print({ seeds: SEEDS, total_s: total, header: '', phaseWidth: 24 });
