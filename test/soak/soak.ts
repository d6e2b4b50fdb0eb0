// `npm run soak`: an overnight-style run under random faults. The realtime simulator serves its instruments
// on loopback TCP; a fault proxy stands in front of each role; the library's overnight-drift, BER waterfall
// and spectrum sequences (shortened with --set overrides) run one after another through the engine, as
// `benchctl run --bench` would, while a fault lands every few seconds (fault-injector.ts). At the end it
// prints how many faults were injected and how each ended (recovered, aborted safely, unsafe), the rows
// lost or duplicated in every run folder (row-check.ts), and the process's memory over time.
//
// SOAK_FAULTS (default 1000) faults; SOAK_SEED (default 1); SOAK_GAP_S (default 2: mean seconds between
// faults); SOAK_MINUTES (default none: stop injecting after that long, finish the run under way, report);
// SOAK_OUT (default a temp folder, removed unless SOAK_KEEP=1). To chase one failure faster: SOAK_SEQUENCES
// (comma-separated file names, default all three), SOAK_ROLES (the roles faults land on, default all),
// SOAK_KINDS (fault kinds, default all of fault-injector.ts's weights).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insistSafe } from '../../drivers/bench/safe-insist.ts';
import { openResource } from '../../drivers/open-resource.ts';
import type { RunEvent } from '../../sequences/events.ts';
import { prepareRun } from '../../sequences/runner.ts';
import { SequenceError } from '../../sequences/schema/errors.ts';
import { SIM_BENCH_STAGE_ROLE, simBenchFileYaml } from '../../sim/link/bench-file.ts';
import type { ServedBench } from '../../sim/link/link-hub.ts';
import { VirtualBench } from '../../sim/virtual-bench.ts';
import { FaultProxy } from '../helpers/fault-proxy.ts';
import { FAULT_KINDS, FaultInjector } from './fault-injector.ts';
import { printReport, statusLabel, type RunOutcome } from './soak-report.ts';
import { auditRun, range, type Expectation, type RowAudit } from './row-check.ts';

const LIBRARY = fileURLToPath(new URL('../../sequences/library/', import.meta.url));
// The simulator's roles the bench file drives (its stage is the PI controller: sim/link/bench-file.ts).
const ROLES = ['laser', 'meter', 'voa', 'bert', SIM_BENCH_STAGE_ROLE];

const env = (name: string, fallback: number): number => {
  const v = process.env[name];
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number, got '${v}'`);
  return n;
};

const FAULTS = env('SOAK_FAULTS', 1000);
const SEED = env('SOAK_SEED', 1);
const GAP_S = env('SOAK_GAP_S', 2);
const MINUTES = process.env.SOAK_MINUTES === undefined ? Infinity : env('SOAK_MINUTES', 1);
const DEADLINE_S = 30;

/** The runs, shortened: what each table of a finished step must hold. */
const SEQUENCES: { file: string; set: string[]; expect: Record<string, Expectation> }[] = [
  {
    file: 'overnight-drift.yaml', set: ['duration=40s', 'every=5s'],
    expect: { power: (p) => range(0, Number(p.samples) - 1, 1, 0).flatMap((s) => (p.channels as number[]).map((c) => `${s}/${c}`)) },
  },
  {
    // Where the waterfall lies depends on the coupling the seed's chip gives (at 10 dBm out of the laser:
    // 0–4 dB of attenuation for seed 1, 5–9 dB for seed 2), so the sweep spans 0–12 dB in 0.5 dB steps:
    // five points or more land on the waterfall, a sensitivity is found and the limit can pass (points
    // past the receiver's sync cost next to nothing).
    file: 'ber-waterfall.yaml',
    set: ['target=1e-6', 'attenuation_start=0dB', 'attenuation_stop=12dB', 'attenuation_step=0.5dB', 'laser_power=10dBm'],
    expect: { ber: () => range(0, 12, 0.5, 3) },
  },
  { file: 'gc-spectrum.yaml', set: ['start=1530nm', 'stop=1570nm', 'step=50pm'], expect: { spectrum: () => range(1530, 1570, 0.05, 2) } },
];

/** A comma-separated filter from the environment, each item checked against what it may be. */
function listEnv<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const items = v.split(',').map((x) => x.trim());
  const bad = items.filter((x) => !allowed.includes(x as T));
  if (bad.length > 0) throw new Error(`${name}: expected some of ${allowed.join(', ')}, got '${bad.join("', '")}'`);
  return items as T[];
}

function seeded(seed: number): () => number {
  let s = Math.floor(seed * 2654435761) % 2147483647 || 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

async function serveOnFreePorts(sim: VirtualBench, random: () => number): Promise<{ served: ServedBench; portBase: number }> {
  for (let i = 0; ; i++) {
    const portBase = 20000 + Math.floor(random() * 30000);
    try {
      return { served: await sim.serveTcp({ portBase }), portBase };
    } catch (err) {
      if (i > 20) throw err;
    }
  }
}

/** The laser's emission as the instrument reports it, asked past the proxy (null when it cannot be asked). */
async function laserOff(served: ServedBench): Promise<boolean | null> {
  for (let i = 0; i < 20; i++) {
    try {
      const s = await openResource(served.resource('laser'), { timeout_ms: 2000 });
      try {
        return (await s.queryNumber(':SOUR0:POW:STAT?')) === 0;
      } finally {
        await s.close();
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000)); // a stall or a restart under way
    }
  }
  return null;
}

/** Opening the bench under a fault (a stall, a restart) fails like `benchctl run` would; an operator tries again. */
async function openWithRetry<T>(open: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await open();
    } catch (err) {
      // A sequence the bench file cannot run is the soak's own mistake, not a fault: no retry hides it.
      if (i >= 30 || err instanceof SequenceError) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function main(): Promise<void> {
  // Checked before anything is served: a mistyped filter fails at once, leaving nothing running.
  const roles = listEnv('SOAK_ROLES', ROLES);
  const chosen = listEnv('SOAK_SEQUENCES', SEQUENCES.map((q) => q.file));
  const sequences = chosen ? SEQUENCES.filter((q) => chosen.includes(q.file)) : SEQUENCES;
  const kinds = listEnv('SOAK_KINDS', FAULT_KINDS);
  const random = seeded(SEED);
  const out = process.env.SOAK_OUT ?? mkdtempSync(join(tmpdir(), 'benchctl-soak-'));
  mkdirSync(out, { recursive: true });
  const sim = new VirtualBench({ seed: SEED, mode: 'realtime' });
  const first = await serveOnFreePorts(sim, random);
  const portBase = first.portBase;
  let served = first.served;
  const proxies: Record<string, FaultProxy> = {};
  for (const role of ROLES) proxies[role] = await FaultProxy.start(served.resource(role), { random });
  const benchFile = join(out, 'bench.yaml');
  writeFileSync(benchFile, simBenchFileYaml({ seed: SEED, mode: 'realtime', tcp: Object.fromEntries(ROLES.map((r) => [r, proxies[r]?.resource ?? ''])) }));
  const injector = new FaultInjector({
    sim, proxies, random, ...(roles ? { roles } : {}), ...(kinds ? { kinds } : {}),
    restartServers: async (down_ms) => {
      await served.close();
      await new Promise((resolve) => setTimeout(resolve, down_ms));
      served = await sim.serveTcp({ portBase });
    },
  });
  const memory: { t_s: number; rss_MB: number; heap_MB: number }[] = [];
  const t0 = Date.now();
  const sampleMemory = (): void => {
    const m = process.memoryUsage();
    memory.push({ t_s: (Date.now() - t0) / 1000, rss_MB: m.rss / 2 ** 20, heap_MB: m.heapUsed / 2 ** 20 });
  };
  sampleMemory();
  const memTimer = setInterval(sampleMemory, 30_000);
  const outcomes: RunOutcome[] = [];
  const audit: RowAudit = { lost: 0, duplicated: 0, rows: 0, problems: [] };
  const injecting = injector.run(FAULTS, () => GAP_S * (0.25 + 1.5 * random()));
  process.stderr.write(`soak: ${FAULTS} faults, seed ${SEED}, records in ${out}\n`);
  const timeUp = setTimeout(() => injector.stop(), Math.min(MINUTES * 60_000, 2 ** 31 - 1));
  for (let n = 0; (injector.faults.length < FAULTS && !injector.isStopped) || outcomes.length === 0; n++) {
    const seq = sequences[n % sequences.length] ?? sequences[0];
    if (!seq) break;
    // As an operator would: a run is not started while the interlock is open (it would be refused at once,
    // the laser refusing to switch on, and say nothing about recovery).
    while (injector.interlockOpen) await new Promise((resolve) => setTimeout(resolve, 200));
    const started_ms = Date.now();
    let outcome: RunOutcome;
    try {
      const run = await openWithRetry(() => prepareRun({
        sequenceFile: join(LIBRARY, seq.file), set: seq.set, outDir: join(out, 'runs'), bench: { sim: false, file: benchFile },
        recovery: { deadline_s: DEADLINE_S, backoff_s: 0.5, maxBackoff_s: 4, safeDeadline_s: 60 },
      }));
      let last: RunEvent | undefined;
      run.engine.on((e) => {
        if (e.type === 'finished' || e.type === 'aborted') last = e;
      });
      const result = await run.engine.run();
      // As the command does on exit: the bench made safe (insisting), then closed.
      const closing = await insistSafe(run.bench, { deadline_s: 60 });
      await run.close();
      const safe = (last?.type === 'aborted' ? last.safe.ok : true) && closing.ok;
      const limitsFailed = result.limits.filter((l) => !l.passed).map((l) => `${l.stepId}.${l.measurement}: ${l.reason ?? `${l.value ?? 'none'} ${l.unit}`}`);
      outcome = {
        sequence: seq.file, status: result.status, message: result.message ?? null, safe, started_ms, ended_ms: Date.now(), laserOff: await laserOff(served),
        ...(limitsFailed.length > 0 ? { limitsFailed } : {}),
      };
      const a = auditRun(run.recorder.folder, seq.expect);
      audit.lost += a.lost;
      audit.duplicated += a.duplicated;
      audit.rows += a.rows;
      audit.problems.push(...a.problems);
    } catch (err) {
      if (err instanceof SequenceError) throw err;
      // The bench would not open (a fault while connecting): nothing ran, nothing to make safe.
      outcome = { sequence: seq.file, status: 'not started', message: (err as Error).message, safe: true, started_ms, ended_ms: Date.now(), laserOff: await laserOff(served) };
    }
    outcomes.push(outcome);
    process.stderr.write(`soak: run ${outcomes.length} ${seq.file}: ${statusLabel(outcome.status)}${outcome.limitsFailed ? ` (${outcome.limitsFailed.join('; ').slice(0, 160)})` : ''}${outcome.message ? ` (${outcome.message.slice(0, 160)})` : ''}; ` +
      `${injector.faults.length}/${FAULTS} faults\n`);
  }
  injector.stop();
  clearTimeout(timeUp);
  await injecting;
  clearInterval(memTimer);
  sampleMemory();
  writeFileSync(join(out, 'soak.json'), JSON.stringify({ faults: injector.faults, outcomes, audit, memory }, null, 1));
  const met = printReport({ faults: injector.faults, outcomes, audit, memory, deadline_s: DEADLINE_S, elapsed_s: (Date.now() - t0) / 1000 });
  process.exitCode = met ? 0 : 1;
  for (const p of Object.values(proxies)) await p.close();
  await sim.close();
  if (!process.env.SOAK_OUT && process.env.SOAK_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}

await main();
