// The alignment benchmark's serial variant (issue 11): the same runs with the ESP301 on RS-232 at its
// factory 19200 baud (`serial` timing profile), where every exchange costs its bytes on the line and the
// stage has no trigger link to the meter, so fly logs are timed by software. Fewer seeds: each run is
// slower on the bench clock and in the simulator.
import { runAlignBench } from './align.bench.ts';

export async function run(): Promise<void> {
  await runAlignBench({ timing: 'serial', stage: 'esp301', seeds: Number(process.env['ALIGN_SERIAL_BENCH_SEEDS'] ?? 30) });
}
