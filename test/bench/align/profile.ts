// Where the align step's bench time goes (`node bin/run-ts.js test/bench/align/profile.ts [seeds]`,
// env ALIGN_BENCH_TIMING / ALIGN_BENCH_STAGE as for align.bench.ts; TRACE=1 prints every call): per
// phase (the step's own phase notes) and per top-level driver call of the stage and the meter (nested
// calls counted in their caller), on the benchmark's bench and starts.
import uniform from '@stdlib/random-base-uniform';
import { alignStep } from '../../../sequences/steps/align/align-step.ts';
import { memoryContext } from './bench-context.ts';
import { ALIGN_BENCH as C, configureStage } from './bench-config.ts';
import { moveTo } from './reference.ts';
import { goToSite, openAlignSim } from './sim-bench.ts';
import type { StageFrontEnd } from './sim-bench.ts';
import { profileTable } from '../profile-table.ts';

const SEEDS = Number(process.argv[2] ?? 10);
const TIMING = (process.env['ALIGN_BENCH_TIMING'] ?? 'lan') as 'lan' | 'serial' | 'ideal';
const STAGE = (process.env['ALIGN_BENCH_STAGE'] ?? 'pi') as StageFrontEnd;
const TRACE = process.env['TRACE'] === '1';
const table = profileTable(TRACE);
const trace = table.trace;

// The benchmark's starts: the same draw, one per seed.
const draw = uniform.factory(-C.offset_um, C.offset_um, { seed: 20_260_606 });
let total = 0;
for (let seed = 1; seed <= SEEDS; seed++) {
  const probe = await openAlignSim({ seed, timing: TIMING, stage: STAGE });
  const opt = probe.sim.truth().optical.optimaNow_um[0]!;
  await probe.close();
  const start = { x_um: opt.x_um + draw(), y_um: opt.y_um + draw() };
  const s = await openAlignSim({ seed, timing: TIMING, stage: STAGE });
  await goToSite(s.bench, 0);
  await configureStage(s.bench);
  await moveTo(s, start);
  const now = (): number => s.sim.benchTime_s();
  table.instrument(s.bench.stage, 'stage', now);
  table.instrument(s.bench.meter, 'meter', now);
  const ctx = memoryContext(s.sim, s.bench);
  if (TRACE) {
    ctx.points = async (_table, rows) => {
      trace.push(`${(now() * 1000).toFixed(1).padStart(9)}   -- ${rows.length} points, phase ${String(rows[0]?.['phase'])}`);
    };
  }
  const t0 = now();
  if (TRACE) trace.push(`-- seed ${seed}`);
  const out = await alignStep.run(ctx, alignStep.schema.parse({
    search_radius: `${C.searchRadius_um}um`, fly_velocity: `${C.flyVelocity_um_s}um/s`, fly_acceleration: `${C.acceleration_um_s2}um/s2`,
    sample_time: `${C.logSample_s}s`, final_averaging: `${C.finalAveraging_s}s`,
  })).catch((err: unknown) => {
    // A failed run: its trace and logs say how it got there.
    if (TRACE) process.stdout.write(`${trace.join('\n')}\n${ctx.logs.map((l) => `   log: ${l}`).join('\n')}\n`);
    throw err;
  });
  total += now() - t0;
  const note = out.notes?.find((n) => n.startsWith('bench time per phase')) ?? '';
  for (const m of note.matchAll(/(?:: |, )([^,:]+?) ([0-9.]+) s/g)) table.addPhase(m[1] as string, Number(m[2]));
  if (TRACE) trace.push(...(out.notes ?? []).map((n) => `   note: ${n}`));
  await s.close();
}
table.print({ seeds: SEEDS, total_s: total, header: `timing ${TIMING}, stage ${STAGE}: `, phaseWidth: 40 });
