// Wafer benchmark (issue 15): sequences/library/wafer.yaml (alignment, a C-band sweep and the records per
// site) over the 10 × 10 block maps/wafer-a-corner.yaml × sites A and B on the simulated wafer (world:
// 'wafer', lan timing, fast clock: bench time from its clock). Ours: the loop learns the placement and
// starts each site at its prediction (first light skipped). Against it: the same wafer and sequence with
// `predict: false`, every site searched from scratch by first light wide enough for the placement
// uncertainty (search_radius 200 µm around the nominal site), as a careful engineer without placement
// learning runs it. Bad dies are checked against the simulator's truth (dead and high-loss dies).
// WAFER_BENCH_SEED picks the wafer (default 1).
import { runWafer, MAP, type SiteOutcome, type WaferRun } from './wafer/wafer-run.ts';

const quantile = (v: number[], q: number): number => {
  const s = [...v].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
};
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

interface Judged {
  median_s: number;
  p90_s: number;
  skippedAfter3: number;
  after3: number;
  badDieSites: number;
  badBinned: number;
  goodBinnedBad: string[];
  total_s: number;
}

function judge(r: WaferRun): Judged {
  const bad = new Set([...r.deadDies, ...r.highLossDies]);
  const times = r.sites.map((s) => s.time_s);
  const after = r.sites.slice(3);
  const isBad = (s: SiteOutcome): boolean => bad.has(s.die);
  return {
    median_s: quantile(times, 0.5),
    p90_s: quantile(times, 0.9),
    // Sites on dead dies have no light to predict: they count among those where first light could not be skipped.
    skippedAfter3: after.filter((s) => s.firstLightSkipped).length,
    after3: after.length,
    badDieSites: r.sites.filter(isBad).length,
    badBinned: r.sites.filter((s) => isBad(s) && s.bin !== 1).length,
    goodBinnedBad: r.sites.filter((s) => !isBad(s) && s.bin !== 1).map((s) => s.key),
    total_s: r.total_s,
  };
}

export async function run(): Promise<void> {
  const seed = Number(process.env['WAFER_BENCH_SEED'] ?? 1);
  const t0 = performance.now();
  const ours = await runWafer(seed, true);
  const scratch = await runWafer(seed, false);
  const wall_s = (performance.now() - t0) / 1000;
  const [a, b] = [judge(ours), judge(scratch)];
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  out(`timing: lan — simulated wafer (world: 'wafer', seed ${seed}), sequences/library/wafer.yaml on ${MAP}: ${ours.sites.length} die-sites ours, ${scratch.sites.length} from scratch; fast clock (bench time)`);
  out(`truth: dead dies in the block ${ours.deadDies.filter((d) => ours.sites.some((s) => s.die === d)).join(' ') || 'none'}; high-loss ${ours.highLossDies.filter((d) => ours.sites.some((s) => s.die === d)).join(' ') || 'none'}; bins read from ${ours.binsFrom}`);
  for (const [name, r] of [['ours', ours], ['from scratch', scratch]] as const) if (r.error) out(`${name}: the run ended with an error: ${r.error}`);
  const rows: [string, string, string][] = [
    ['', 'ours (prediction on)', 'from scratch (prediction off)'],
    ['median bench s per site', a.median_s.toFixed(2), b.median_s.toFixed(2)],
    ['p90 bench s per site', a.p90_s.toFixed(2), b.p90_s.toFixed(2)],
    ['first light skipped after the first 3', `${a.skippedAfter3} of ${a.after3}`, `${b.skippedAfter3} of ${b.after3}`],
    ['bad-die sites binned bad (truth)', `${a.badBinned} of ${a.badDieSites}`, `${b.badBinned} of ${b.badDieSites}`],
    ['good-die sites binned bad', String(a.goodBinnedBad.length), String(b.goodBinnedBad.length)],
    ['total bench time', `${(a.total_s / 60).toFixed(1)} min`, `${(b.total_s / 60).toFixed(1)} min`],
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) out(r.map((c, i) => c.padEnd(w[i]!)).join('  '));
  if (a.goodBinnedBad.length) out(`ours: good die-sites binned bad: ${a.goodBinnedBad.join(' ')}`);
  const ratio = b.median_s / a.median_s;
  const totalRatio = b.total_s / a.total_s;
  const skipFrac = a.after3 ? a.skippedAfter3 / a.after3 : 0;
  out(`goals: median ≤ 2 s per site — ${a.median_s.toFixed(2)} s (${verdict(a.median_s <= 2)}); first light skipped on ≥ 90 % after the first 3 — ` +
    `${(100 * skipFrac).toFixed(1)} % (${verdict(skipFrac >= 0.9)}); every bad die binned — ${a.badBinned} of ${a.badDieSites} (${verdict(a.badBinned === a.badDieSites)}); ` +
    `no good die binned bad — ${a.goodBinnedBad.length} (${verdict(a.goodBinnedBad.length === 0)}); from scratch ≥ 3× slower (median per site) — ${ratio.toFixed(1)}× ` +
    `(${verdict(ratio >= 3)}; total ${totalRatio.toFixed(1)}×)`);
  out(`wall time of both runs: ${wall_s.toFixed(0)} s`);
}
