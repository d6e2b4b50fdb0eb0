// The PAM4 pre-FEC sweep two ways on the same simulated link (timing: lan, the simulated PAM4 BERT in the
// scpi-bert tree, 106.25 Gb/s, seeded), over the same attenuations around the KP4 threshold:
//   ours    — the ber step, mode: pre-fec (each point counted until it is known against 2.4e-4, at least
//             10 ms, with its FEC analysis; the sensitivity fit; the 1-s post-FEC check there)
//   careful — what a careful engineer does on a PAM4 BERT: every point one 1-s gate (the shortest whole-second
//             gate BERT software offers) read with its FEC analysis, a 20·log10 Q fit at the threshold, and
//             the same 1-s post-FEC check at the fitted power. Same VOA settling and power readings.
import { KP4_BER } from '../../../models/ber.ts';
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitWaterfall } from '../../../models/fits/waterfall.ts';
import { berStep } from '../../../sequences/steps/ber/index.ts';
import { openOpticalSim, recordedContext } from '../../integration/sequences/ber/optical-sim.ts';
import type { OpticalSim } from '../../integration/sequences/ber/optical-sim.ts';
import { attenuationForBer, trueSensitivity_dBm } from '../../integration/sequences/ber/waterfall-truth.ts';

export const PAM4_ROLE = 'bert-pam4';
export const PAM4_RATE_GBPS = 106.25;
export const PAM4_STEP_DB = 0.25;
const CHECK_S = 1;
const CAREFUL_GATE_S = 1;

export interface Pam4Grid {
  attenuations_dB: number[];
  truth_dBm: number;
}

export interface Pam4Run {
  /** Bench seconds of the sweep alone (points), and with the post-FEC check. */
  sweep_s: number;
  total_s: number;
  points: number;
  sensitivity_dBm: number;
  pass: boolean;
}

async function withPam4<T>(seed: number, f: (s: OpticalSim) => Promise<T>): Promise<T> {
  const s = await openOpticalSim({ seed, laserPower_dBm: 13, timing: 'lan' });
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

/** 19 attenuations from 3 dB below to 1.5 dB above the true threshold's (BER ~1e-2 down to ~1e-9), none below 0 dB. */
export function pam4Grid(seed: number): Promise<Pam4Grid> {
  return withPam4(seed, async (s) => {
    const a = await attenuationForBer(s, KP4_BER, PAM4_ROLE);
    const truth_dBm = await trueSensitivity_dBm(s, KP4_BER, PAM4_ROLE);
    const n = Math.round(4.5 / PAM4_STEP_DB) + 1;
    // A link with little margin has fewer points on the high-BER side: the VOA cannot go below 0 dB.
    const attenuations_dB = Array.from({ length: n }, (_, k) => Number((a - 3 + k * PAM4_STEP_DB).toFixed(3))).filter((x) => x >= 0);
    return { attenuations_dB, truth_dBm };
  });
}

export function runOurs(seed: number, grid: Pam4Grid): Promise<Pam4Run> {
  return withPam4(seed, async (s) => {
    const ctx = recordedContext(s.sim, s.bench);
    const p = berStep.schema.parse({ bert: PAM4_ROLE, mode: 'pre-fec', rate: `${PAM4_RATE_GBPS}GHz`, attenuation: grid.attenuations_dB.map((a) => `${a}dB`), post_fec_dwell: `${CHECK_S}s` });
    const t0 = s.sim.benchTime_s();
    let checkStart = NaN;
    const point = ctx.point.bind(ctx);
    ctx.point = async (table, row) => {
      // The check starts when the last ber row is written.
      if (table === 'ber' && (ctx.rows['ber']?.length ?? 0) === grid.attenuations_dB.length - 1) checkStart = s.sim.benchTime_s();
      await point(table, row);
    };
    const out = await berStep.run(ctx, p);
    const total_s = s.sim.benchTime_s() - t0;
    const m = out.measurements;
    return {
      sweep_s: checkStart - t0, total_s, points: ctx.rows['ber']?.length ?? 0,
      sensitivity_dBm: m['preFecSensitivity_dBm']?.value ?? NaN, pass: m['postFecPass']?.value === 1,
    };
  });
}

export function runCareful(seed: number, grid: Pam4Grid): Promise<Pam4Run> {
  return withPam4(seed, async (s) => {
    const { bench, sim } = s;
    const bert = bench.get(PAM4_ROLE, 'bert');
    if (!bert.setLineCoding || !bert.fecResults) throw new Error('the PAM4 BERT reads no FEC analysis');
    await bert.setLineCoding('PAM4');
    await bert.setLineRate_Gbps(PAM4_RATE_GBPS);
    await bert.setOutput(true);
    await bench.meter.setAveragingTime_s(1, 0.1);
    const t0 = sim.benchTime_s();
    const pts: { power_dBm: number; ber: number; errors: number; attenuation_dB: number }[] = [];
    const gate = async (seconds: number) => {
      await bert.setGate({ mode: 'time', period_s: seconds });
      await bert.startGate();
      await bert.waitGate(seconds + 30);
      return bert.fecResults!();
    };
    for (const a of [...grid.attenuations_dB].reverse()) {
      await bench.voa.setAttenuation_dB(a);
      await bench.voa.waitSettled();
      const power_dBm = await bench.meter.readPower_dBm(1);
      if (!(await bert.synced())) continue;
      const f = await gate(CAREFUL_GATE_S);
      if (f.syncLost || f.bits === 0) continue;
      pts.push({ attenuation_dB: a, power_dBm, ber: f.errors / f.bits, errors: f.errors });
    }
    const sweep_s = sim.benchTime_s() - t0;
    let sensitivity_dBm = NaN;
    try {
      sensitivity_dBm = fitWaterfall(pts.filter((p) => p.errors > 0), { targetBer: KP4_BER, method: 'q' }).sensitivity_dBm;
    } catch (err) {
      if (!(err instanceof FitError)) throw err;
    }
    let pass = false;
    const c = pts.map((p) => p.power_dBm + p.attenuation_dB).sort((x, y) => x - y)[Math.floor(pts.length / 2)];
    if (Number.isFinite(sensitivity_dBm) && c !== undefined) {
      await bench.voa.setAttenuation_dB(Number((c - sensitivity_dBm).toFixed(3)));
      await bench.voa.waitSettled();
      const f = await gate(CHECK_S);
      pass = f.uncorrectable === 0 && !f.syncLost;
    }
    return { sweep_s, total_s: sim.benchTime_s() - t0, points: grid.attenuations_dB.length, sensitivity_dBm, pass };
  });
}
