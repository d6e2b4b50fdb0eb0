// BER sync-edge benchmark (issue 17): what confirm_edge costs on a sweep that starts past the BERT's sync
// edge (3 natural no-sync points, then a waterfall 0.5 dB apart down past 1e-12; timing: lan, the
// scpi-bert dialect), with it on and off, without a fault and with a sync loss over the first 3 lockable
// points (the soak's bert-sync fault). Goal: the normal sweep's cost is one extra sync check (≤ 0.5 s).
import { berStep } from '../../sequences/steps/ber/index.ts';
import type { Bench } from '../../drivers/bench/index.ts';
import { NATURAL_NO_SYNC, edgeGrid, syncLossOver } from '../integration/sequences/ber/edge-grid.ts';
import { openOpticalSim, recordedContext } from '../integration/sequences/ber/optical-sim.ts';
import type { OpticalSim } from '../integration/sequences/ber/optical-sim.ts';

const SEEDS = Array.from({ length: Number(process.env.BER_EDGE_SEEDS ?? 5) }, (_, i) => i + 1);
const GOAL_S = 0.5;
const pad = (s: string | number, w: number) => String(s).padStart(w);

interface Sweep {
  bench_s: number;
  measured: number;
  edgeRetried: number;
  sensitivity: boolean;
}

async function sweep(seed: number, confirm_edge: 'on' | 'off', fault: boolean): Promise<Sweep> {
  const s: OpticalSim = await openOpticalSim({ seed, laserPower_dBm: 13, bertDialect: 'scpi-bert', timing: 'lan' });
  try {
    const attenuation = await edgeGrid(s);
    const bench: Bench = fault ? syncLossOver(s, NATURAL_NO_SYNC, NATURAL_NO_SYNC + 3) : s.bench;
    const ctx = recordedContext(s.sim, bench);
    const t0 = s.sim.benchTime_s();
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation, confirm_edge }));
    const m = out.measurements;
    return { bench_s: s.sim.benchTime_s() - t0, measured: m['measuredPoints']?.value ?? 0, edgeRetried: m['edgeRetriedPoints']?.value ?? 0,
      sensitivity: m['sensitivity_dBm'] !== undefined };
  } finally {
    await s.close();
  }
}

export async function run(): Promise<void> {
  process.stdout.write(`BER sync edge (timing: lan; scpi-bert on the simulator): ${NATURAL_NO_SYNC} no-sync points then the waterfall, ` +
    `${SEEDS.length} seeds (bench seconds); fault = sync lost over the first 3 lockable points\n`);
  const head = ['seed', 'off', 'on', 'cost', 'fault off', 'fault on', 'meas off/on', 'sens off/on', 'retried'];
  process.stdout.write(`${head.map((h) => pad(h, 12)).join(' ')}\n`);
  let worst = 0, total = 0, recovered = 0;
  for (const seed of SEEDS) {
    const off = await sweep(seed, 'off', false);
    const on = await sweep(seed, 'on', false);
    const fOff = await sweep(seed, 'off', true);
    const fOn = await sweep(seed, 'on', true);
    const cost = on.bench_s - off.bench_s;
    worst = Math.max(worst, cost);
    total += cost;
    if (fOn.edgeRetried === 3) recovered++;
    process.stdout.write(`${[seed, off.bench_s.toFixed(2), on.bench_s.toFixed(2), cost.toFixed(3), fOff.bench_s.toFixed(2), fOn.bench_s.toFixed(2),
      `${fOff.measured}/${fOn.measured}`, `${fOff.sensitivity ? 'y' : 'n'}/${fOn.sensitivity ? 'y' : 'n'}`, fOn.edgeRetried].map((x) => pad(x, 12)).join(' ')}\n`);
  }
  process.stdout.write(`confirm_edge on the normal sweep: mean cost ${(total / SEEDS.length).toFixed(3)} s, worst ${worst.toFixed(3)} s ` +
    `(goal ≤ ${GOAL_S} s: ${worst <= GOAL_S ? 'met' : 'MISSED'}); with the fault, all 3 points re-measured in ${recovered}/${SEEDS.length} seeds\n`);
  if (!(worst <= GOAL_S)) process.exitCode = 1;
}
