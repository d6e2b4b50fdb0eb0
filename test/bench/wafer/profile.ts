// Where the wafer benchmark's bench time per die-site goes (`node bin/run-ts.js test/bench/wafer/profile.ts
// [seed] [scratch]`; TRACE=1 prints every driver call of the first die-sites after the first three): per
// step kind, per align phase (the rig's own phase accounting) and per top-level driver call of every role,
// each as a mean per die-site. The same run as the benchmark's ours (or, with `scratch`, its from-scratch one).
import type { RunEvent } from '../../../sequences/events.ts';
import { AlignRig } from '../../../sequences/steps/align/rig.ts';
import { profileTable } from '../profile-table.ts';
import { runWafer } from './wafer-run.ts';

const SEED = Number(process.argv[2] ?? 1);
const PREDICT = process.argv[3] !== 'scratch';
const TRACE = process.env['TRACE'] === '1';
/** The die-sites traced: a few past the first three (the placement is learned by then). */
const TRACED = new Set([6, 7]);

const table = profileTable(TRACE);
const byStep = profileTable(false);
let now = (): number => 0;
let siteIndex = 0;
let stepKind = '';
let stepStart = 0;
const kept: string[] = [];
/** Each step kind's bench time per step, s, in run order. */
const stepTimes = new Map<string, number[]>();
const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
let traceFrom = 0;

// The rig's phase setter, wrapped: each phase's bench time, summed over the run.
const proto = AlignRig.prototype as unknown as object;
const desc = Object.getOwnPropertyDescriptor(proto, 'phase')!;
let phaseName = '';
let phaseStart = 0;
Object.defineProperty(proto, 'phase', {
  ...desc,
  set(this: AlignRig, name: string) {
    if (phaseName) table.addPhase(`align: ${phaseName}`, now() - phaseStart);
    phaseName = name;
    phaseStart = now();
    desc.set!.call(this, name);
  },
});

const run = await runWafer(SEED, PREDICT, {
  opened(on) {
    now = on.now_s;
    for (const role of on.bench.roles) table.instrument(on.bench.get(role), role, now);
  },
  event(e: RunEvent) {
    if (e.type === 'step-started') {
      stepKind = e.kind;
      stepStart = now();
      if (phaseName) table.addPhase(`align: ${phaseName}`, now() - phaseStart);
      phaseName = '';
      if (TRACE && TRACED.has(siteIndex)) kept.push(`-- ${e.stepId} at ${now().toFixed(4)} s`);
      traceFrom = table.trace.length;
    }
    if (e.type === 'step-finished') {
      if (stepKind === 'align' && phaseName) table.addPhase(`align: ${phaseName}`, now() - phaseStart);
      phaseName = '';
      byStep.addPhase(stepKind, now() - stepStart);
      stepTimes.set(stepKind, [...(stepTimes.get(stepKind) ?? []), now() - stepStart]);
      if (TRACE && TRACED.has(siteIndex)) kept.push(...table.trace.slice(traceFrom));
    }
    if ((e as { type: string }).type === 'die-finished') siteIndex += 1;
  },
});
// Only the traced die-sites' lines are kept.
table.trace.splice(0, table.trace.length, ...kept);
const n = run.sites.length;
process.stdout.write(`seed ${SEED}, ${PREDICT ? 'ours' : 'from scratch'}: ${n} die-sites, ${(run.total_s / n).toFixed(3)} s per die-site${run.error ? `; error: ${run.error}` : ''}\nby step kind:\n`);
for (const [k, v] of byStep.byPhase) {
  const t = stepTimes.get(k) ?? [];
  process.stdout.write(`  ${k.padEnd(44)} ${((v / n) * 1000).toFixed(1).padStart(8)} ms per die-site; median ${(median(t) * 1000).toFixed(1)} ms of ${t.length} steps\n`);
}
const ms = (t: number): string => (t * 1000).toFixed(0);
process.stdout.write(`align steps in run order (ms): ${(stepTimes.get('align') ?? []).map(ms).join(' ')}\n`);
process.stdout.write(`set steps in run order (ms): ${(stepTimes.get('set') ?? []).map(ms).join(' ')}\n`);
table.print({ seeds: n, total_s: run.total_s, header: 'per die-site: ', phaseWidth: 44 });
