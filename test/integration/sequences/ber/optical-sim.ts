// The simulated bench the sweep and ber tests (and the BER benchmark) drive: a VirtualBench in fast mode
// opened through the real drivers (SIM:: resources), with the fiber array placed on a site's true optimum
// (test setup from the hidden truth, not what is under test), and a StepContext that keeps its records in
// memory, resumes like the engine does, and lets bench time pass on the simulator's clock.
import { openSimBench } from '../../../../sequences/sim-bench.ts';
import type { Bench } from '../../../../drivers/bench/index.ts';
import type { FitRecord, ResumeInfo, Row, StepContext } from '../../../../sequences/step.ts';
import { VirtualBench } from '../../../../sim/index.ts';
import type { BertDialect } from '../../../../sim/instruments/bert.ts';

export interface OpticalSim {
  sim: VirtualBench;
  bench: Bench;
  close(): Promise<void>;
}

export async function openOpticalSim(opts: { seed: number; site?: number; laserPower_dBm?: number; bertDialect?: BertDialect; timing?: 'ideal' | 'lan' }): Promise<OpticalSim> {
  const sim = new VirtualBench({
    seed: opts.seed, mode: 'fast', drift_um_per_h: 0,
    ...(opts.bertDialect ? { bertDialect: opts.bertDialect } : {}), ...(opts.timing ? { timing: opts.timing } : {}),
  });
  const bench = await openSimBench(sim);
  const optimum = sim.truth().optical.optimaNow_um[opts.site ?? 0];
  if (!optimum) throw new Error(`no site ${opts.site}`);
  await bench.stage.moveAbsolute_um({ Z: optimum.z_um, X: optimum.x_um, Y: optimum.y_um });
  await bench.stage.waitForMotion();
  await bench.laser.setWavelength_nm(1550);
  await bench.laser.setPower_dBm(opts.laserPower_dBm ?? 0);
  await bench.laser.setOutput(true);
  await bench.voa.setAttenuation_dB(0);
  await bench.voa.setOutput(true);
  return {
    sim,
    bench,
    async close() {
      await bench.close();
      await sim.close();
    },
  };
}

/**
 * The bench with one driver method of one role wrapped: `after` runs once the real method has resolved
 * (to inject a fault at that moment of the step).
 */
export function hookBench(bench: Bench, role: string, method: string, after: () => void | Promise<void>): Bench {
  const driver = bench.get(role) as unknown as Record<string, unknown>;
  const hooked = new Proxy(driver, {
    get(target, key) {
      const v = Reflect.get(target, key) as unknown;
      if (typeof v !== 'function') return v;
      if (key !== method) return v.bind(target);
      return async (...args: unknown[]) => {
        const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        await after();
        return r;
      };
    },
  });
  return new Proxy(bench, {
    get(target, key) {
      if (key === 'get') return (r: string, kind?: string) => (r === role ? hooked : (target.get as (r: string, k?: string) => unknown)(r, kind));
      if (key === role) return hooked;
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export interface RecordedContext extends StepContext {
  rows: Record<string, Row[]>;
  fits: Record<string, FitRecord>;
  logs: string[];
  warnings: string[];
  state: unknown;
  controller: AbortController;
}

/** A context on the simulator; pass the previous one as `resumeFrom` to continue its step as the engine would. */
export function recordedContext(sim: VirtualBench, bench: Bench, resumeFrom?: RecordedContext): RecordedContext {
  const controller = new AbortController();
  const rows: Record<string, Row[]> = resumeFrom ? structuredClone(resumeFrom.rows) : {};
  let resume: ResumeInfo | null = null;
  if (resumeFrom) {
    const pointsByTable = Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, r.length]));
    resume = {
      completedPoints: Object.values(pointsByTable).reduce((a, b) => a + b, 0),
      pointsByTable,
      rows: structuredClone(rows),
      ...(resumeFrom.state !== undefined ? { state: structuredClone(resumeFrom.state) } : {}),
    };
  }
  const ctx: RecordedContext = {
    bench,
    stepId: 'test',
    loop: {},
    now_s: () => sim.benchTime_s(),
    signal: controller.signal,
    controller,
    async checkpoint() {
      if (controller.signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    },
    rows,
    fits: {},
    logs: [],
    warnings: [],
    state: resumeFrom?.state,
    async point(table, row) {
      (rows[table] ??= []).push({ ...row });
    },
    fit(model, result) {
      ctx.fits[model] = result;
    },
    log(message) {
      ctx.logs.push(message);
    },
    warn(message) {
      ctx.warnings.push(message);
    },
    resume,
    async saveState(state) {
      ctx.state = structuredClone(state);
    },
    async wait_s(duration_s) {
      await sim.clock.advance(duration_s);
    },
  };
  return ctx;
}
