// The baseline a careful engineer runs on a plain BERT (issue 11's honest BER baseline): every point from
// high BER down, each counted in one running measurement read every LOOK_S, stopped at the precision's
// error count (23 errors for ±50 % at 95 %) or at the bound's bit count (2.996/1e-12 bits), whichever comes
// first; the sweep ends at the first point shown ≤ 1e-12. No trend, no skipping, no early stop. Each point
// pays the same overheads as the step's: VOA move and settling, the power reading, starting the gate, reads.
import { bitsToClaim } from '../../../models/confidence.ts';
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitWaterfall } from '../../../models/fits/waterfall.ts';
import { errorsForPrecision } from '../../../sequences/steps/ber/dwell.ts';
import type { Grid } from './waterfall-runs.ts';
import { CONFIDENCE, PRECISION, RATE_BPS, TARGET_BER, withSim } from './waterfall-runs.ts';

/** How often the engineer's script reads the counts, s. */
const LOOK_S = 0.1;

export interface CarefulRun {
  bench_s: number;
  points: { attenuation_dB: number; power_dBm: number; bits: number; errors: number; status: 'measured' | 'bounded' | 'limited' }[];
  /** The 20·log10 Q waterfall fit's sensitivity at 1e-12 from the measured points. */
  sensitivity_dBm: number;
}

export function runCareful(seed: number, grid: Grid): Promise<CarefulRun> {
  return withSim(seed, async (s) => {
    const { bench, sim } = s;
    const minErrors = errorsForPrecision(PRECISION, CONFIDENCE);
    const boundBits = bitsToClaim(TARGET_BER, CONFIDENCE, 0);
    await bench.bert.setLineRate_Gbps(RATE_BPS / 1e9);
    await bench.bert.setOutput(true);
    await bench.meter.setAveragingTime_s(1, 0.1);
    const t0 = sim.benchTime_s();
    const points: CarefulRun['points'] = [];
    for (const a of grid.attenuations_dB) {
      await bench.voa.setAttenuation_dB(a);
      await bench.voa.waitSettled();
      const power_dBm = await bench.meter.readPower_dBm(1);
      await bench.bert.setGate({ mode: 'time', period_s: Math.ceil(boundBits / RATE_BPS) + 10 });
      await bench.bert.startGate();
      let r = await bench.bert.results();
      while (r.errors < minErrors && r.bits < boundBits) {
        await sim.clock.advance(LOOK_S);
        r = await bench.bert.results();
      }
      await bench.bert.stopGate();
      const status = r.errors >= minErrors ? 'measured' : r.errors === 0 ? 'bounded' : 'limited';
      points.push({ attenuation_dB: a, power_dBm, bits: r.bits, errors: r.errors, status });
      if (status === 'bounded') break;
    }
    let sensitivity_dBm = NaN;
    try {
      const fit = fitWaterfall(points.filter((p) => p.errors > 0).map((p) => ({ power_dBm: p.power_dBm, ber: p.errors / p.bits, errors: p.errors })),
        { targetBer: TARGET_BER, method: 'q' });
      sensitivity_dBm = fit.sensitivity_dBm;
    } catch (err) {
      if (!(err instanceof FitError)) throw err;
    }
    return { bench_s: sim.benchTime_s() - t0, points, sensitivity_dBm };
  });
}
