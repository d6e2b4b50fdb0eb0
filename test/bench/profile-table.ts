// The profile scripts' shared bookkeeping (test/bench/align/profile.ts, test/bench/array/profile.ts): bench
// time per phase and per top-level driver call (nested calls counted in their caller), an optional trace,
// and the table they print, as a mean per seed.

export interface ProfileTable {
  /** Bench time per phase, s, summed over the seeds, in the order first seen. */
  readonly byPhase: Map<string, number>;
  /** Top-level calls per `name.method`: how many, and their bench time summed, s. */
  readonly byCall: Map<string, { n: number; t: number }>;
  /** Trace lines (only written to when tracing). */
  readonly trace: string[];
  readonly tracing: boolean;
  /** Adds `t_s` of bench time to phase `phase`. */
  addPhase(phase: string, t_s: number): void;
  /** Wraps every method of `obj`'s prototype chain so top-level calls add their bench time under `name.method`. */
  instrument(obj: object, name: string, now: () => number): void;
  /** Prints the mean per seed of `total_s` (after `header`), of each phase and of each driver call, then the trace. */
  print(opts: { seeds: number; total_s: number; header: string; phaseWidth: number }): void;
}

export function profileTable(tracing: boolean): ProfileTable {
  const byPhase = new Map<string, number>();
  const byCall = new Map<string, { n: number; t: number }>();
  const trace: string[] = [];
  const instrument = (obj: object, name: string, now: () => number): void => {
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
                if (tracing) trace.push(`${(t0 * 1000).toFixed(1).padStart(9)} ${((now() - t0) * 1000).toFixed(1).padStart(7)} ms ${name}.${key} ${args.map((a) => JSON.stringify(a)).join(' ').slice(0, 90)}`);
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
  };
  const print = ({ seeds, total_s, header, phaseWidth }: { seeds: number; total_s: number; header: string; phaseWidth: number }): void => {
    const per = (t: number): string => `${((t / seeds) * 1000).toFixed(1).padStart(8)} ms`;
    process.stdout.write(`${header}mean bench time per run ${per(total_s)} over ${seeds} seeds\nby phase:\n`);
    for (const [k, v] of byPhase) process.stdout.write(`  ${k.padEnd(phaseWidth)} ${per(v)}\n`);
    process.stdout.write('by driver call (top level):\n');
    for (const [k, v] of [...byCall].sort((a, b) => b[1].t - a[1].t)) process.stdout.write(`  ${k.padEnd(36)} ${per(v.t)} ${(v.n / seeds).toFixed(1).padStart(7)} calls\n`);
    if (tracing) process.stdout.write(`${trace.join('\n')}\n`);
  };
  return {
    byPhase, byCall, trace, tracing, instrument, print,
    addPhase: (phase, t_s) => void byPhase.set(phase, (byPhase.get(phase) ?? 0) + t_s),
  };
}
