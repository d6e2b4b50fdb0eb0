// One run of sequences/library/wafer.yaml on the simulated wafer (lan timing, fast clock) through the real
// engine, and what the benchmark needs of it per die-site: bench time, whether first light was skipped,
// the bin, and the site's truth (dead die, true best loss) to judge the bin by. Bins come from the run's die-finished events when the loop emits them; otherwise from the
// die-site's own steps (an align or sweep error, or a limit of wafer.yaml failed, is a bad bin).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../../sequences/events.ts';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import type { Plan } from '../../../sequences/plan/plan-types.ts';
import { benchInfoOf, createRun, type OpenedBench } from '../../../sequences/runner.ts';
import { loadSequenceText } from '../../../sequences/schema/load.ts';
import { openSimBench } from '../../../sequences/sim-bench.ts';
import type { SetParams } from '../../../sequences/steps/set.ts';
import { dieSiteKey, parseWaferStepId } from '../../../sequences/wafer/step-id.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';
import { siteBestLoss_dB } from '../../../sim/world/wafer-site-loss.ts';
import type { WaferPlacementTruth } from '../../../sim/world/wafer-truth.ts';
import { waferLimitsOf, type WaferLimits } from './wafer-judge.ts';

export const LIBRARY = join(dirname(fileURLToPath(import.meta.url)), '../../../sequences/library');
export const MAP = 'maps/wafer-a-corner.yaml';

/**
 * The stage both methods run on, which wafer.yaml sets in its first step (`stage.velocity`,
 * `stage.acceleration`, every axis of the stage) as a wafer prober's recipe does, so both methods get it
 * from the one file: every axis at the simulated stage's maximum ramps and velocity (200 000 µm/s², 10 mm/s;
 * stages of the Newport XMS / Aerotech ANT class ramp well above 100 000 µm/s²), not its power-up defaults
 * (20 000 µm/s², 2 mm/s). Every move of the run uses them: the goto between sites and dies, first light's
 * spiral and the fine lines (the align step's fly ramps keep the controller's acceleration), and the height
 * scan's ramps (its speed is the step's own, 500 µm/s). stageSetUpOf checks the file still says so.
 */
export const WAFER_STAGE = { acceleration_um_s2: 200_000, velocity_um_s: 10_000 } as const;

export function describeStage(): string {
  return `stage (every axis): ramps ${WAFER_STAGE.acceleration_um_s2.toLocaleString('en')} µm/s² and ${WAFER_STAGE.velocity_um_s / 1000} mm/s ` +
    '(the simulated stage\'s maximum), set by wafer.yaml\'s first step for every move of both methods; servo settling the simulated stage\'s own';
}

/** Throws unless the plan's first step sets the stage to WAFER_STAGE before anything moves it. */
function checkStageSetUp(plan: Plan): void {
  const first = plan.steps[0];
  const actions = first?.kind === 'set' ? (first.params as SetParams).actions : [];
  const value = (setting: string) => actions.find((a) => a.type === 'setting' && a.role === 'stage' && a.setting === setting);
  const v = value('velocity');
  const a = value('acceleration');
  const moves = actions.findIndex((x) => x.type === 'move');
  const ok = v?.type === 'setting' && v.value === WAFER_STAGE.velocity_um_s && a?.type === 'setting' && a.value === WAFER_STAGE.acceleration_um_s2 &&
    (moves < 0 || moves > Math.max(actions.indexOf(v), actions.indexOf(a)));
  if (!ok) {
    throw new Error(`wafer.yaml: expected its first step to set stage.velocity: ${WAFER_STAGE.velocity_um_s}um/s and ` +
      `stage.acceleration: ${WAFER_STAGE.acceleration_um_s2}um/s^2 before any move (the benchmark's stage set-up for both methods)`);
  }
}

export interface SiteOutcome {
  key: string;
  die: string;
  site: string;
  time_s: number;
  firstLightSkipped: boolean;
  /** 1 = good. */
  bin: number;
  power_dBm: number | undefined;
  /** The sweep's fitted peak loss, when it got that far. */
  peakLoss_dB: number | undefined;
  /** Truth: the die gives no light. */
  dead: boolean;
  /** Truth: the site's lowest loss over the sweep's band at its optimum (sim/world/wafer-site-loss.ts). */
  bestLoss_dB: number;
  /** How far the align ended from the site's true optimum, µm (tens of µm and more: it peaked on another site's light). */
  offTarget_um: number | undefined;
}

export interface WaferRun {
  seed: number;
  /** Truth: where the wafer really lies (its offset decides how far a from-scratch spiral must go). */
  placement: WaferPlacementTruth;
  sites: SiteOutcome[];
  total_s: number;
  deadDies: string[];
  highLossDies: string[];
  /** The limits of wafer.yaml, read from its plan: the truth of a bad die-site is judged against them. */
  limits: WaferLimits;
  binsFrom: 'die-finished events' | 'steps and limits';
  error?: string;
}

/** One pass over a die-site: when its last step ended, and what its align and sweep measured. */
interface PassSteps {
  die: string;
  site: string;
  pass: number;
  end_s: number;
  failed: boolean;
  skipped: boolean;
  power_dBm?: number;
  peakLoss_dB?: number;
  offTarget_um?: number;
}

/** The library's wafer.yaml on the benchmark map, with prediction on or off (off: every site from scratch). */
function sequenceText(predict: boolean): string {
  const text = readFileSync(join(LIBRARY, 'wafer.yaml'), 'utf8');
  if (!/predict: true/.test(text)) throw new Error('wafer.yaml: expected `predict: true` in its loop');
  return predict ? text : text.replace('predict: true', 'predict: false');
}

/** What a profile (test/bench/wafer/profile.ts) looks at: the opened bench before the run, and every event. */
export interface WaferRunHooks {
  opened?(on: OpenedBench): void;
  event?(e: RunEvent): void;
}

export async function runWafer(seed: number, predict: boolean, hooks: WaferRunHooks = {}): Promise<WaferRun> {
  const sim = new VirtualBench({ seed, world: 'wafer', timing: 'lan' });
  const bench = await openSimBench(sim, { closeSimulator: true });
  const on: OpenedBench = {
    bench, sim, choice: { sim: true, seed, realtime: false, world: 'wafer' }, now_s: () => sim.clock.now_s(), benchWait: (d) => sim.clock.advance(d),
  };
  hooks.opened?.(on);
  const out = mkdtempSync(join(tmpdir(), 'wafer-bench-'));
  const truth = sim.waferTruth();
  // By die-site and pass ('C07R03.A', 'C07R03.A/reprobe1'), in the order they ran.
  const steps = new Map<string, PassSteps>();
  const order: string[] = [];
  const bins = new Map<string, number>();
  let error: string | undefined;
  const seq = loadSequenceText(join(LIBRARY, 'wafer.yaml'), sequenceText(predict), { baseDir: LIBRARY, set: [`map=${MAP}`] });
  const plan = buildPlan(seq, { bench: benchInfoOf(on) });
  checkStageSetUp(plan);
  const limits = waferLimitsOf(plan);
  const loopId = plan.wafers?.[0]?.loopId;
  if (loopId === undefined) throw new Error('wafer.yaml: expected a wafer loop in its plan');
  try {
    const ready = createRun(on, plan, out);
    ready.engine.on((e: RunEvent) => {
      hooks.event?.(e);
      const ev = e as RunEvent & { type: string; stepId?: string; die?: string; site?: string; bin?: number };
      if (ev.type === 'die-finished' && ev.die && ev.site) {
        bins.set(`${ev.die}.${ev.site}`, ev.bin ?? 0);
        if (bins.size % 50 === 0) process.stdout.write(`  ${predict ? 'ours' : 'from scratch'}: ${bins.size} die-sites, bench ${sim.clock.now_s().toFixed(0)} s\n`);
      }
      if (ev.type !== 'step-finished' || !ev.stepId) return;
      const id = parseWaferStepId(ev.stepId, loopId);
      if (!id) return;
      const key = dieSiteKey(id.siteKey, id.pass);
      if (!steps.has(key)) {
        steps.set(key, { die: id.die, site: id.site, pass: id.pass, end_s: 0, failed: false, skipped: false });
        order.push(key);
      }
      const s = steps.get(key)!;
      const f = e as Extract<RunEvent, { type: 'step-finished' }>;
      s.end_s = sim.clock.now_s();
      if (f.status !== 'done') s.failed = true;
      if (id.step === 'align') {
        s.skipped = f.measurements['first_light_skipped']?.value === 1;
        s.power_dBm = f.measurements['power_dBm']?.value;
        const [x, y] = [f.measurements['x_um']?.value, f.measurements['y_um']?.value];
        if (x !== undefined && y !== undefined) {
          const o = sim.waferSiteOptimum(id.die, id.site);
          s.offTarget_um = Math.hypot(x - o.x_um, y - o.y_um);
        }
      }
      if (id.step === 'sweep') s.peakLoss_dB = f.measurements['peakLoss_dB']?.value;
    });
    await ready.engine.run();
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await bench.close();
    rmSync(out, { recursive: true, force: true });
  }
  const sites: SiteOutcome[] = [];
  let prev = 0;
  for (const key of order) {
    const s = steps.get(key)!;
    const { die, site } = s;
    const siteKey = `${die}.${site}`;
    const own = s.failed || s.power_dBm === undefined || s.power_dBm < limits.powerMin_dBm || (s.peakLoss_dB !== undefined && s.peakLoss_dB > limits.peakLossMax_dB) ? 2 : 1;
    const time_s = s.end_s - prev;
    prev = s.end_s;
    if (s.pass > 1) continue; // a reprobe pass: the first visit counts for time per site (its bin is the die-site's last)
    sites.push({
      key: siteKey, die, site, time_s, firstLightSkipped: s.skipped, bin: bins.get(siteKey) ?? own, power_dBm: s.power_dBm, peakLoss_dB: s.peakLoss_dB,
      dead: truth.deadDies.includes(die), bestLoss_dB: siteBestLoss_dB(sim.waferSite(die, site), limits.band), offTarget_um: s.offTarget_um,
    });
  }
  return {
    seed, placement: truth.placement, sites, total_s: prev, deadDies: truth.deadDies, highLossDies: truth.highLossDies, limits,
    binsFrom: bins.size > 0 ? 'die-finished events' : 'steps and limits', ...(error ? { error } : {}),
  };
}
