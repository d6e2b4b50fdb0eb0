// Wafer benchmark (issue 15): sequences/library/wafer.yaml (alignment, a C-band sweep and the records per
// site) over the 10 × 10 block maps/wafer-a-corner.yaml × sites A and B on the simulated wafer (world:
// 'wafer', lan timing, fast clock: bench time from its clock). Ours: the loop learns the placement and
// starts each site at its prediction (first light skipped). Against it: the same wafer and sequence with
// `predict: false`, every site searched from scratch by first light wide enough for the placement
// uncertainty (search_radius 200 µm around the nominal site), as a careful engineer without placement
// learning runs it.
//
// Ground truth of a bad die-site (test/bench/wafer/wafer-judge.ts): its die gives no light, or its true best
// loss (the simulator's site truth at the optimum, over the sweep's band, sim/world/wafer-site-loss.ts) exceeds
// wafer.yaml's own peakLoss_dB limit. The sequence's spec decides, not the simulator's "high-loss" label: a
// high-loss die (+6 dB) on a low-loss wafer can stay within a 14 dB spec, and is then a good die. Sites within
// ±0.5 dB of the limit are listed as marginal. An align that ends > 50 µm from its site's true optimum peaked
// on another site's light (from scratch with a hidden offset over half the 250 µm site spacing, the nearest light
// to the nominal site can be the neighbour's): counted and named, since it records one site's loss under another's name.
//
// Several wafers (seeds), because the from-scratch cost depends on the hidden offset (how far the spiral must
// go): WAFER_BENCH_SEEDS=1,2,3 (the default) or WAFER_BENCH_SEED=2 for one. The goals are judged on all the
// seeds' die-sites pooled (median per site over every site of every wafer); each seed's figures are printed too.
import { describeStage, runWafer, MAP, type WaferRun } from './wafer/wafer-run.ts';
import { describeSite, judgeBinning, MARGIN_DB, type BinningJudgement } from './wafer/wafer-judge.ts';

const quantile = (v: number[], q: number): number => {
  const s = [...v].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
};
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** An align that ended this far from its site's true optimum peaked on another site's light (sites are 250 µm apart). */
const ELSEWHERE_UM = 50;

interface Judged extends BinningJudgement {
  times: number[];
  /** Die-sites whose align ended on another site's light. */
  elsewhere: string[];
  skippedAfter3: number;
  after3: number;
  total_s: number;
}

function judge(runs: WaferRun[]): Judged {
  const sites = runs.flatMap((r) => r.sites);
  // Sites on dead dies have no light to predict: they count among those where first light could not be skipped.
  const after = runs.flatMap((r) => r.sites.slice(3));
  const binning = runs.map((r) => judgeBinning(r.sites, r.limits));
  return {
    times: sites.map((s) => s.time_s),
    elsewhere: sites.filter((s) => (s.offTarget_um ?? 0) > ELSEWHERE_UM).map((s) => `${s.key} (${s.offTarget_um!.toFixed(0)} µm off)`),
    skippedAfter3: after.filter((s) => s.firstLightSkipped).length,
    after3: after.length,
    total_s: runs.reduce((a, r) => a + r.total_s, 0),
    trulyBad: binning.reduce((a, b) => a + b.trulyBad, 0),
    badBinned: binning.reduce((a, b) => a + b.badBinned, 0),
    missed: binning.flatMap((b) => b.missed),
    goodBinnedBad: binning.flatMap((b) => b.goodBinnedBad),
    marginal: binning.flatMap((b) => b.marginal),
  };
}

/** WAFER_BENCH_SEEDS=1,2,3 or WAFER_BENCH_SEED=2; default 1, 2, 3. */
function seeds(): number[] {
  const text = process.env['WAFER_BENCH_SEEDS'] ?? process.env['WAFER_BENCH_SEED'] ?? '1,2,3';
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error(`WAFER_BENCH_SEEDS must be a comma-separated list of non-negative integers (e.g. 1,2,3), got '${text}'`);
  }
  return list;
}

function table(a: Judged, b: Judged, indent = ''): void {
  const rows: [string, string, string][] = [
    ['', 'ours (prediction on)', 'from scratch (prediction off)'],
    ['median bench s per site', quantile(a.times, 0.5).toFixed(2), quantile(b.times, 0.5).toFixed(2)],
    ['p90 bench s per site', quantile(a.times, 0.9).toFixed(2), quantile(b.times, 0.9).toFixed(2)],
    ['first light skipped after the first 3', `${a.skippedAfter3} of ${a.after3}`, `${b.skippedAfter3} of ${b.after3}`],
    ['truly bad die-sites binned bad', `${a.badBinned} of ${a.trulyBad}`, `${b.badBinned} of ${b.trulyBad}`],
    ['truly good die-sites binned bad', String(a.goodBinnedBad.length), String(b.goodBinnedBad.length)],
    [`aligned > ${ELSEWHERE_UM} µm from the true optimum`, String(a.elsewhere.length), String(b.elsewhere.length)],
    ['total bench time', `${(a.total_s / 60).toFixed(1)} min`, `${(b.total_s / 60).toFixed(1)} min`],
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) out(indent + r.map((c, i) => c.padEnd(w[i]!)).join('  '));
  for (const [name, j] of [['ours', a], ['from scratch', b]] as const) {
    if (j.missed.length) out(`${indent}${name}: truly bad, binned good: ${j.missed.map(describeSite).join('; ')}`);
    if (j.goodBinnedBad.length) out(`${indent}${name}: truly good, binned bad: ${j.goodBinnedBad.map(describeSite).join('; ')}`);
    if (j.elsewhere.length) out(`${indent}${name}: peaked on another site's light: ${j.elsewhere.slice(0, 6).join(' ')}${j.elsewhere.length > 6 ? ` and ${j.elsewhere.length - 6} more` : ''}`);
  }
  if (a.marginal.length) out(`${indent}marginal (true loss within ±${MARGIN_DB} dB of the limit; ours): ${a.marginal.map(describeSite).join('; ')}`);
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const ours: WaferRun[] = [];
  const scratch: WaferRun[] = [];
  for (const seed of seeds()) {
    const [o, s] = [await runWafer(seed, true), await runWafer(seed, false)];
    ours.push(o);
    scratch.push(s);
    const t = o.placement.offset_um;
    const lim = o.limits;
    out(`seed ${seed}: hidden offset (${t.x_um.toFixed(0)}, ${t.y_um.toFixed(0)}) µm = ${Math.hypot(t.x_um, t.y_um).toFixed(0)} µm, rotation ${o.placement.rotation_deg.toFixed(3)}°; ` +
      `truth in the block: dead ${o.deadDies.filter((d) => o.sites.some((x) => x.die === d)).join(' ') || 'none'}, ` +
      `labelled high-loss ${o.highLossDies.filter((d) => o.sites.some((x) => x.die === d)).map((d) => `${d} (true ${o.sites.filter((x) => x.die === d).map((x) => x.bestLoss_dB.toFixed(1)).join('/')} dB)`).join(' ') || 'none'}; ` +
      `limit peakLoss ≤ ${lim.peakLossMax_dB} dB; bins read from ${o.binsFrom}`);
    for (const [name, r] of [['ours', o], ['from scratch', s]] as const) if (r.error) out(`  ${name}: the run ended with an error: ${r.error}`);
    const [a, b] = [judge([o]), judge([s])];
    table(a, b, '  ');
    out(`  from scratch / ours (median per site): ${(quantile(b.times, 0.5) / quantile(a.times, 0.5)).toFixed(1)}×`);
  }
  const wall_s = (performance.now() - t0) / 1000;
  const [a, b] = [judge(ours), judge(scratch)];
  out(`timing: lan — simulated wafer (world: 'wafer', seeds ${ours.map((r) => r.seed).join(', ')}), sequences/library/wafer.yaml on ${MAP}: ` +
    `${a.times.length} die-sites ours, ${b.times.length} from scratch, all seeds pooled; fast clock (bench time)`);
  out(describeStage());
  table(a, b);
  const [ma, mb] = [quantile(a.times, 0.5), quantile(b.times, 0.5)];
  const ratio = mb / ma;
  const totalRatio = b.total_s / a.total_s;
  const skipFrac = a.after3 ? a.skippedAfter3 / a.after3 : 0;
  out(`goals: median ≤ 2 s per site — ${ma.toFixed(2)} s (${verdict(ma <= 2)}); first light skipped on ≥ 90 % after the first 3 — ` +
    `${(100 * skipFrac).toFixed(1)} % (${verdict(skipFrac >= 0.9)}); every truly bad die-site binned — ${a.badBinned} of ${a.trulyBad} (${verdict(a.badBinned === a.trulyBad)}); ` +
    `no truly good die-site binned bad — ${a.goodBinnedBad.length} (${verdict(a.goodBinnedBad.length === 0)}); from scratch ≥ 3× slower (median per site) — ${ratio.toFixed(1)}× ` +
    `(${verdict(ratio >= 3)}; total ${totalRatio.toFixed(1)}×)`);
  out(`wall time of all runs: ${wall_s.toFixed(0)} s`);
}
