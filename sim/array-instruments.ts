// The fiber-array bench (issue 12): a six-axis hexapod carrying a fiber array over the chip's coupler
// row, and an 8-port meter reading what comes back up each fiber. It shares the single-fiber bench's
// laser, modulator and VOA (one light source), so `laser`, `voa` and `meter-array` make one array bench.
import type { BenchClock } from './clock.ts';
import { KeysightMeter } from './instruments/meter-keysight.ts';
import { PiHexapodStage } from './instruments/stage-pi-hexapod.ts';
import { HexapodMotion } from './motion/hexapod-motion.ts';
import type { SimInstrument } from './sim-instrument.ts';
import { ArrayWorld } from './world/array-world.ts';
import { DEFAULT_FIBER_ARRAY } from './world/fiber-array.ts';
import type { FiberArrayConfig } from './world/fiber-array.ts';
import type { OpticalWorld } from './world/optical-world.ts';

export const ARRAY_METER_IDENTITY = 'Keysight Technologies,N7745A,MY54200458,1.210';

export interface ArrayBench {
  world: ArrayWorld;
  hexapod: HexapodMotion;
  meter: KeysightMeter;
  /** meter-array, stage-hexapod. */
  instruments: SimInstrument[];
}

export function createArrayBench(opts: { world: OpticalWorld; clock: BenchClock; fiberArray?: Partial<FiberArrayConfig> }): ArrayBench {
  const hexapod = new HexapodMotion(opts.clock);
  const config: FiberArrayConfig = { ...DEFAULT_FIBER_ARRAY, ...opts.fiberArray };
  const world = new ArrayWorld(opts.world, hexapod, config);
  const meter = new KeysightMeter(world, opts.clock, ARRAY_METER_IDENTITY, { ports: 8, role: 'meter-array' });
  const stage = new PiHexapodStage(hexapod);
  // The hexapod controller's trigger output is cabled to the meter's trigger input (sim/README.md).
  stage.triggerOutputs.connect(world.triggers);
  return { world, hexapod, meter, instruments: [meter, stage] };
}
