// A whole optical bench (createOpticalBench) over a fiber array held where the test puts it.
import { FastClock } from '../../../../sim/clock.ts';
import type { BenchClock } from '../../../../sim/clock.ts';
import { createOpticalBench } from '../../../../sim/optical-instruments.ts';
import type { OpticalBench } from '../../../../sim/optical-instruments.ts';
import type { BertDialect } from '../../../../sim/instruments/bert.ts';
import { FixedStage } from '../world/fixtures.ts';
import { send } from './helpers.ts';

export interface BenchFixture extends OpticalBench {
  stage: FixedStage;
  clock: BenchClock;
}

/** The BERT speaks `bertDialect` (default here: 'scpi-bert', the tree these unit tests address). */
export function makeBench(seed = 51, opts: { clock?: BenchClock; drift_um_per_h?: number; bertDialect?: BertDialect } = {}): BenchFixture {
  const clock = opts.clock ?? new FastClock();
  const stage = new FixedStage();
  const bench = createOpticalBench({ seed, clock, motion: stage, drift_um_per_h: opts.drift_um_per_h ?? 0, bertDialect: opts.bertDialect ?? 'scpi-bert' });
  return { ...bench, stage, clock };
}

/** Fiber on site k's optimum at its best height. */
export function align(b: BenchFixture, k = 0): void {
  const o = b.world.chip.optimumAt(k, b.clock.now_s());
  b.stage.moveTo(o.x_um, o.y_um, o.z_um);
}

/** Laser on (Keysight front end) at `wavelength_nm` and `power_dBm`, VOA open at `att_dB`. */
export async function lightUp(b: BenchFixture, opts: { wavelength_nm?: number; power_dBm?: number; att_dB?: number } = {}): Promise<void> {
  await send(b.laser, `:SOUR0:WAV ${opts.wavelength_nm ?? 1550}NM;:SOUR0:POW ${opts.power_dBm ?? 6}DBM;:SOUR0:POW:STAT 1`);
  await send(b.voa, `:INP1:ATT ${opts.att_dB ?? 0}DB;:OUTP1:STAT 1`);
  await send(b.laser, '*OPC?');
  await send(b.voa, '*OPC?');
}
