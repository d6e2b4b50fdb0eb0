// A waterfall grid that starts past the BERT's sync edge (test setup from the hidden truth), and a loss of
// pattern sync over chosen points of a sweep: for the sync-edge tests and benchmark.
import type { Bench } from '../../../../drivers/bench/index.ts';
import { SYNC_LOSS_BER } from '../../../../sim/world/receiver-link.ts';
import { hookBench } from './optical-sim.ts';
import type { OpticalSim } from './optical-sim.ts';
import { attenuationForBer } from './waterfall-truth.ts';

/** Points the grid lays out as no-sync by nature (weaker than the BERT can lock to). */
export const NATURAL_NO_SYNC = 3;

/**
 * Attenuations 0.5 dB apart from three points past the sync edge (BER above the BERT's lock limit) down to
 * past 1e-12, each a quarter step from the edge so none sits on it: in measuring order, the first
 * NATURAL_NO_SYNC points have no sync, the next ones lock.
 */
export async function edgeGrid(s: OpticalSim): Promise<string[]> {
  const edge = await attenuationForBer(s, SYNC_LOSS_BER);
  const strong = await attenuationForBer(s, 1e-12) - 0.5;
  const atts: number[] = [];
  for (let a = edge + 0.25 + 0.5 * (NATURAL_NO_SYNC - 1); a >= strong; a -= 0.5) atts.push(a);
  return atts.map((a) => `${a.toFixed(3)}dB`);
}

/** Sync is lost from the VOA setting of point `from` (0-based, measuring order) until that of point `to`. */
export function syncLossOver(s: OpticalSim, from: number, to: number): Bench {
  let sets = 0;
  return hookBench(s.bench, 'voa', 'setAttenuation_dB', () => {
    sets++;
    if (sets === from + 1) s.sim.faults.loseBertSync();
    if (sets === to + 1) s.sim.faults.restoreBertSync();
  });
}
