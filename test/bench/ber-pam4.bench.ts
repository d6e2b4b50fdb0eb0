// BER benchmark, PAM4 behind KP4 FEC (issue 16): the ber step's mode: pre-fec against a careful engineer's
// sweep on the same simulated PAM4 link (ber/pam4-runs.ts), timing: lan, 106.25 Gb/s, 19 points 0.25 dB apart
// around the 2.4e-4 threshold, each with its FEC analysis and a 1-s post-FEC check at the sensitivity.
// Goal: time per point at the 2.4e-4 threshold < 1 s (the sweep's bench seconds / its points).
import { PAM4_RATE_GBPS, pam4Grid, runCareful, runOurs } from './ber/pam4-runs.ts';

const SEEDS = Array.from({ length: Number(process.env.BER_PAM4_SEEDS ?? 10) }, (_, i) => i + 2);
const GOAL_S = 1;
const pad = (s: string | number, w: number) => String(s).padStart(w);
const f3 = (x: number) => x.toFixed(3);

export async function run(): Promise<void> {
  process.stdout.write(`\nPAM4 pre-FEC sweep (timing: lan; simulated PAM4 BERT, scpi-bert tree): ${PAM4_RATE_GBPS} Gb/s, threshold 2.4e-4 (KP4), ` +
    `${SEEDS.length} seeds (bench seconds). ours = ber step mode: pre-fec; careful = a 1-s gate per point, q fit, the same 1-s post-FEC check\n`);
  const head = ['seed', 'points', 'ours/pt', 'care/pt', 'ours tot', 'care tot', 'Δsens ours', 'Δsens care', 'pass o/c'];
  process.stdout.write(`${head.map((h) => pad(h, 11)).join(' ')}\n`);
  let oursSweep = 0, careSweep = 0, points = 0, oursTotal = 0, careTotal = 0, worst = 0, passes = 0;
  for (const seed of SEEDS) {
    const grid = await pam4Grid(seed);
    const ours = await runOurs(seed, grid);
    const care = await runCareful(seed, grid);
    oursSweep += ours.sweep_s; careSweep += care.sweep_s; points += ours.points; oursTotal += ours.total_s; careTotal += care.total_s;
    worst = Math.max(worst, ours.sweep_s / ours.points);
    if (ours.pass) passes += 1;
    process.stdout.write(`${[pad(seed, 11), pad(ours.points, 11), ...[ours.sweep_s / ours.points, care.sweep_s / care.points, ours.total_s, care.total_s,
      ours.sensitivity_dBm - grid.truth_dBm, care.sensitivity_dBm - grid.truth_dBm].map((x) => pad(f3(x), 11)),
    pad(`${ours.pass ? 'P' : 'F'}/${care.pass ? 'P' : 'F'}`, 11)].join(' ')}\n`);
  }
  const perPoint = oursSweep / points;
  process.stdout.write(`PAM4 per point at the 2.4e-4 threshold: ours ${f3(perPoint)} s (worst seed ${f3(worst)} s; goal < ${GOAL_S} s: ` +
    `${worst < GOAL_S ? 'met' : 'MISSED'}), careful ${f3(careSweep / points)} s (${(careSweep / oursSweep).toFixed(1)}× ours); ` +
    `whole step with the post-FEC check: ours ${oursTotal.toFixed(1)} s, careful ${careTotal.toFixed(1)} s; post-FEC pass ${passes}/${SEEDS.length}\n`);
  if (!(worst < GOAL_S)) process.exitCode = 1;
}
