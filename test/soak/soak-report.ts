// The soak's closing table: faults by kind and how each ended, the runs, rows lost or duplicated, memory
// over time — and whether the goals were met.
import type { InjectedFault } from './fault-injector.ts';
import type { RowAudit } from './row-check.ts';

export interface RunOutcome {
  sequence: string;
  status: string;
  message: string | null;
  /** The run's own safe state and the one on closing both succeeded. */
  safe: boolean;
  started_ms: number;
  ended_ms: number;
  /** The laser's output read from the instrument after the run: off, on, or could not be read (null). */
  laserOff: boolean | null;
  /** A run that went to its end but failed a limit (status 'failed'): which, and why. Not a fault's ending. */
  limitsFailed?: string[];
}

/** A run's status as the report says it: a failed limit is a measurement's verdict, not an abort. */
export function statusLabel(status: string): string {
  return status === 'failed' ? 'limit failed' : status;
}

export type FaultEnding = 'recovered' | 'aborted safely' | 'unsafe' | 'between runs';

export interface SoakReport {
  faults: InjectedFault[];
  outcomes: RunOutcome[];
  audit: RowAudit;
  memory: { t_s: number; rss_MB: number; heap_MB: number }[];
  deadline_s: number;
  elapsed_s: number;
}

/**
 * How each fault ended: in a run that went on to its end, recovered; the last fault before a run that
 * stopped early, aborted safely (or unsafe, when the bench was not made safe or the laser was left on).
 */
export function endings(faults: readonly InjectedFault[], outcomes: readonly RunOutcome[]): Map<number, FaultEnding> {
  const result = new Map<number, FaultEnding>();
  for (const f of faults) {
    const run = outcomes.find((o) => f.start_ms >= o.started_ms && f.start_ms <= o.ended_ms);
    if (!run) {
      result.set(f.id, 'between runs');
      continue;
    }
    const early = run.status !== 'passed' && run.status !== 'failed';
    const lastInRun = culprit(faults, run);
    const unsafe = !run.safe || run.laserOff !== true;
    if (unsafe && lastInRun?.id === f.id) result.set(f.id, 'unsafe');
    else if (early && lastInRun?.id === f.id) result.set(f.id, 'aborted safely');
    else result.set(f.id, 'recovered');
  }
  return result;
}

/**
 * The fault a run's ending is put down to: for a laser found off or an interlock, the last interlock trip in
 * the run; otherwise the last fault on a role the run's message names; otherwise the run's last fault. (A
 * stall that recovered before an interlock trip ended the run is not the stall that ended it.)
 */
export function culprit(faults: readonly InjectedFault[], run: RunOutcome): InjectedFault | undefined {
  const inRun = faults.filter((g) => g.start_ms >= run.started_ms && g.start_ms <= run.ended_ms).reverse();
  const message = run.message ?? '';
  if (/interlock|laser output found off|output .*went off/i.test(message)) {
    const trip = inRun.find((g) => g.kind === 'interlock');
    if (trip) return trip;
  }
  const named = inRun.find((g) => new RegExp(`(^|[^\\w-])${g.role}([^\\w-]|$)`).test(message));
  return named ?? inRun[0];
}

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const padL = (s: string | number, n: number): string => String(s).padStart(n);

export function printReport(r: SoakReport, write: (s: string) => void = (s) => process.stdout.write(s)): boolean {
  const ends = endings(r.faults, r.outcomes);
  const kinds = [...new Set(r.faults.map((f) => f.kind))].sort();
  const cols: FaultEnding[] = ['recovered', 'aborted safely', 'unsafe', 'between runs'];
  write(`\nsoak: ${r.faults.length} faults in ${(r.elapsed_s / 60).toFixed(1)} min, ${r.outcomes.length} runs\n\n`);
  write(`${pad('fault', 13)}${padL('injected', 9)}${cols.map((c) => padL(c, 16)).join('')}\n`);
  const row = (label: string, fs: InjectedFault[]): void => {
    write(`${pad(label, 13)}${padL(fs.length, 9)}${cols.map((c) => padL(fs.filter((f) => ends.get(f.id) === c).length, 16)).join('')}\n`);
  };
  for (const k of kinds) row(k, r.faults.filter((f) => f.kind === k));
  row('all', r.faults);
  const stalls = r.faults.filter((f) => f.stall_s !== undefined && f.stall_s < r.deadline_s);
  const stallsNotRecovered = stalls.filter((f) => ends.get(f.id) === 'aborted safely' || ends.get(f.id) === 'unsafe');
  write(`\nstalls shorter than the ${r.deadline_s} s deadline: ${stalls.length}, not recovered: ${stallsNotRecovered.length}\n`);
  // Which run each unrecovered stall ended, what the run said, and the other faults in it: what to fix.
  for (const f of stallsNotRecovered) {
    const run = r.outcomes.find((o) => f.start_ms >= o.started_ms && f.start_ms <= o.ended_ms);
    const others = r.faults.filter((g) => g.id !== f.id && run && g.start_ms >= run.started_ms && g.start_ms <= run.ended_ms);
    write(`  #${f.id} ${f.kind} ${f.role} ${f.stall_s} s at +${run ? ((f.start_ms - run.started_ms) / 1000).toFixed(1) : '?'} s into ` +
      `${run?.sequence ?? '?'} (${run?.status ?? '?'}, ${run ? ((run.ended_ms - run.started_ms) / 1000).toFixed(1) : '?'} s): ${(run?.message ?? '').slice(0, 240)}\n` +
      `    other faults in that run: ${others.map((g) => `${g.kind} ${g.role}${g.stall_s ? ` ${g.stall_s} s` : ''} at +${((g.start_ms - (run?.started_ms ?? 0)) / 1000).toFixed(1)} s`).join(', ') || 'none'}\n`);
  }
  const byStatus = new Map<string, number>();
  for (const o of r.outcomes) byStatus.set(statusLabel(o.status), (byStatus.get(statusLabel(o.status)) ?? 0) + 1);
  write(`runs: ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
  // Ran to the end (every fault in them recovered), but a measurement missed its limit.
  const limitFailed = r.outcomes.filter((o) => o.status === 'failed');
  for (const o of limitFailed.slice(0, 6)) write(`  ${o.sequence} limit failed (ran to its end): ${(o.limitsFailed ?? []).join('; ').slice(0, 200)}\n`);
  if (limitFailed.length > 6) write(`  … ${limitFailed.length - 6} more limit failures\n`);
  const early = r.outcomes.filter((o) => o.status !== 'passed' && o.status !== 'failed');
  for (const o of early.slice(0, 12)) write(`  ${o.sequence} ${o.status} (stopped early): ${(o.message ?? '').slice(0, 200)}\n`);
  if (early.length > 12) write(`  … ${early.length - 12} more\n`);
  const unsafeRuns = r.outcomes.filter((o) => !o.safe || o.laserOff !== true).length;
  write(`runs that ended with the bench not safe or the laser not confirmed off: ${unsafeRuns}\n`);
  write(`rows checked: ${r.audit.rows}, lost: ${r.audit.lost}, duplicated: ${r.audit.duplicated}\n`);
  for (const p of r.audit.problems.slice(0, 10)) write(`  ${p}\n`);
  write('\nmemory (MB):   t_s     rss    heap\n');
  const step = Math.max(1, Math.floor(r.memory.length / 12));
  const shown = r.memory.filter((_, i) => i % step === 0 || i === r.memory.length - 1);
  for (const m of shown) write(`${padL(m.t_s.toFixed(0), 20)}${padL(m.rss_MB.toFixed(1), 8)}${padL(m.heap_MB.toFixed(1), 8)}\n`);
  const flat = memoryFlat(r.memory);
  write(`memory after warm-up: heap ${flat.first.toFixed(1)} → ${flat.last.toFixed(1)} MB (${flat.growth_pct.toFixed(0)} %)\n`);
  const unsafeFaults = [...ends.values()].filter((e) => e === 'unsafe').length;
  const goals = [
    [`≥ 1000 faults`, r.faults.length >= 1000],
    ['0 rows lost or duplicated', r.audit.lost + r.audit.duplicated === 0],
    ['0 unsafe', unsafeFaults === 0 && unsafeRuns === 0],
    ['every stall shorter than the deadline recovered', stallsNotRecovered.length === 0],
    ['flat memory (heap within 50 % after warm-up)', flat.growth_pct < 50],
  ] as const;
  write(`\ngoals: ${goals.map(([g, ok]) => `${ok ? 'MET' : 'NOT MET'}: ${g}`).join('; ')}\n`);
  return goals.every(([, ok]) => ok);
}

/** Heap from the end of the first quarter to the end: the growth an overnight run would see. */
function memoryFlat(memory: readonly { heap_MB: number }[]): { first: number; last: number; growth_pct: number } {
  const first = memory[Math.floor(memory.length / 4)]?.heap_MB ?? 0;
  const last = memory.at(-1)?.heap_MB ?? 0;
  return { first, last, growth_pct: first > 0 ? ((last - first) / first) * 100 : 0 };
}
