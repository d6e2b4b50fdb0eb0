// The hidden truth of the loopback BER link, for tests and the benchmark only: the true BER at an
// attenuation (read from the simulated BERT's own view of its input) and the attenuation grid around the
// true sensitivity that a test or benchmark sweeps.
import type { Bert as SimBert } from '../../../../sim/instruments/bert.ts';
import type { OpticalSim } from './optical-sim.ts';

/** The true BER the BERT receives with the VOA at `attenuation_dB` (the VOA is left there, settled). */
export async function trueBerAt(s: OpticalSim, attenuation_dB: number, role = 'bert'): Promise<number> {
  await s.bench.voa.setAttenuation_dB(attenuation_dB);
  await s.bench.voa.waitSettled();
  return (s.sim.instrument(role) as unknown as SimBert).view(s.sim.benchTime_s()).ber;
}

/** The attenuation (dB) at which the true BER crosses `ber`, by bisection over 0…40 dB. */
export async function attenuationForBer(s: OpticalSim, ber: number, role = 'bert'): Promise<number> {
  let lo = 0, hi = 40; // BER rises with attenuation
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if ((await trueBerAt(s, mid, role)) < ber) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The received power on the meter's channel (its scale, as the step reads it) at which the true BER is `ber`. */
export async function trueSensitivity_dBm(s: OpticalSim, ber: number, role = 'bert'): Promise<number> {
  const a = await attenuationForBer(s, ber, role);
  await s.bench.voa.setAttenuation_dB(a);
  await s.bench.voa.waitSettled();
  // The meter's reading is noisy; the truth is not: the power on port 1 from the world, as dBm.
  const world = (s.sim.instrument('bert') as unknown as SimBert).world;
  return 10 * Math.log10(world.powerAtMeter_W(1, s.sim.benchTime_s())) + 30;
}
