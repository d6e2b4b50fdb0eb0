// Shared by the stage-dialect tests: a seeded stage on a fast clock and a text round trip through execute().
import { FastClock } from '../../../../sim/clock.ts';
import type { BenchClock } from '../../../../sim/clock.ts';
import { StageMotion } from '../../../../sim/motion/stage-motion.ts';
import type { StageMotionOptions } from '../../../../sim/motion/stage-motion.ts';
import type { SimInstrument } from '../../../../sim/sim-instrument.ts';

export function fastMotion(opts: Partial<StageMotionOptions> = {}): { clock: BenchClock; motion: StageMotion } {
  const clock = opts.clock ?? new FastClock();
  return { clock, motion: new StageMotion({ seed: 42, ...opts, clock }) };
}

/** Sends one program message; the reply as text (terminators included), or undefined when silent. */
export async function send(instrument: SimInstrument, message: string): Promise<string | undefined> {
  const reply = await instrument.execute(message);
  return reply === undefined ? undefined : new TextDecoder().decode(reply);
}
