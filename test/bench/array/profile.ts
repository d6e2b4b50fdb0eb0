// Where the array align step's bench time goes (`node bin/run-ts.js test/bench/array/profile.ts [seeds]`):
// per phase of the scan table (the time up to each phase's rows) and per top-level driver call of the
// hexapod and the meter (nested calls counted in their caller). Lan timing, the benchmark's starts.
import { isHexapod } from '../../../drivers/roles/hexapod.ts';
import { openSimBench } from '../../../sequences/sim-bench.ts';
import { alignStep } from '../../../sequences/steps/align/align-step.ts';
import { VirtualBench } from '../../../sim/index.ts';
import { memoryContext } from '../align/bench-context.ts';

const SEEDS = Number(process.argv[2] ?? 10);
const byPhase = new Map<string, number>();
const byCall = new Map<string, { n: number; t: number }>();
const TRACE = process.env['TRACE'] === '1';
const trace: string[] = [];
const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);

/** Wraps every method of `obj`'s prototype chain so top-level calls add their bench time under `name.method`. */
function instrument(obj: object, name: string, now: () => number): void {
  let depth = 0;
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, key);
      if (key === 'constructor' || !d || typeof d.value !== 'function' || Object.prototype.hasOwnProperty.call(obj, key)) continue;
      const f = d.value as (...a: unknown[]) => unknown;
      Object.defineProperty(obj, key, {
        value: function (this: unknown, ...args: unknown[]) {
          const t0 = now();
          depth += 1;
          const done = (): void => {
            depth -= 1;
            if (depth === 0) {
              const e = byCall.get(`${name}.${key}`) ?? { n: 0, t: 0 };
              byCall.set(`${name}.${key}`, { n: e.n + 1, t: e.t + now() - t0 });
              if (TRACE) trace.push(`${(t0 * 1000).toFixed(1).padStart(9)} ${((now() - t0) * 1000).toFixed(1).padStart(7)} ms ${name}.${key} ${args.map((a) => JSON.stringify(a)).join(' ').slice(0, 90)}`);
            }
          };
          let r: unknown;
          try {
            r = f.apply(this, args);
          } catch (err) {
            depth -= 1;
            throw err;
          }
          // Synchronous methods stay synchronous (only promises are timed).
          if (!(r instanceof Promise)) {
            depth -= 1;
            return r;
          }
          return r.finally(done);
        },
      });
    }
  }
}

let total = 0;
for (let seed = 1; seed <= SEEDS; seed++) {
  const vb = new VirtualBench({ seed, timing: 'lan', drift_um_per_h: 0 });
  const bench = await openSimBench(vb);
  await bench.laser.setPower_dBm(6);
  await bench.laser.setOutput(true);
  await bench.voa.setOutput(true);
  const hex = bench.get('stage-hexapod', 'stage');
  if (!isHexapod(hex)) throw new Error('no hexapod');
  const now = (): number => vb.benchTime_s();
  instrument(hex, 'hex', now);
  instrument(bench.get('meter-array', 'meter'), 'meter', now);
  const ctx = memoryContext(vb, bench);
  let last = now();
  const t0 = last;
  ctx.points = async (_table, rows) => {
    const phase = String(rows[0]?.['phase'] ?? '?');
    if (TRACE) trace.push(`  -- ${phase} ${rows.length} rows`);
    add(byPhase, phase, now() - last);
    last = now();
  };
  await alignStep.run(ctx, alignStep.schema.parse({ channels: [1, 2, 3, 4, 5, 6, 7, 8], objective: 'min' }));
  add(byPhase, '(after the last line)', now() - last);
  total += now() - t0;
  await bench.close();
  await vb.close();
}
const per = (t: number): string => `${((t / SEEDS) * 1000).toFixed(1).padStart(8)} ms`;
process.stdout.write(`mean bench time per run ${per(total)} over ${SEEDS} seeds\nby phase:\n`);
for (const [k, v] of byPhase) process.stdout.write(`  ${k.padEnd(24)} ${per(v)}\n`);
process.stdout.write('by driver call (top level):\n');
for (const [k, v] of [...byCall].sort((a, b) => b[1].t - a[1].t)) process.stdout.write(`  ${k.padEnd(36)} ${per(v.t)} ${(v.n / SEEDS).toFixed(1).padStart(7)} calls\n`);
if (TRACE) process.stdout.write(`${trace.join('\n')}\n`);
