// The simulated array bench as the array benchmark, its profile and its tests start it: lan timing, no
// drift, the laser at 6 dBm and on, the VOA open, and its hexapod.
import type { Bench } from '../../../drivers/bench/bench.ts';
import { isHexapod, type Hexapod } from '../../../drivers/roles/hexapod.ts';
import { openSimBench } from '../../../sequences/sim-bench.ts';
import { VirtualBench } from '../../../sim/index.ts';

export async function openArray(seed: number): Promise<{ vb: VirtualBench; bench: Bench; hex: Hexapod }> {
  const vb = new VirtualBench({ seed, timing: 'lan', drift_um_per_h: 0 });
  const bench = await openSimBench(vb);
  await bench.laser.setPower_dBm(6);
  await bench.laser.setOutput(true);
  await bench.voa.setOutput(true);
  const hex = bench.get('stage-hexapod', 'stage');
  if (!isHexapod(hex)) throw new Error('stage-hexapod is not a hexapod');
  return { vb, bench, hex };
}
