// A run's wafer loops while the engine runs them: the map announced, each die-site's goto aimed at the
// predicted optimum and its alignment told to skip first light there, a failing step binning its die-site
// (the rest of that die-site skipped, the run going on), and at each die-site's end its bin, its result
// recorded and announced, and the placement fitted again. A reprobe pass (planned after the first) measures
// again only the die-sites whose latest bin is one to reprobe, from the placement fitted by then, and skips
// first light only where that die-site had light. Resumed, it takes the journalled results back: those
// die-sites (of any pass) are not measured again.
import type { RunEventBody } from '../events.ts';
import { evaluateLimits } from '../plan/limits.ts';
import type { Plan, PlannedLimit, PlannedStep } from '../plan/plan-types.ts';
import type { Measurement } from '../step.ts';
import type { SetParams } from '../steps/set.ts';
import type { WaferMapEventBody, WaferPlacement } from '../wafer-events.ts';
import type { DieResult } from './die-records.ts';
import { binOfError } from './faults.ts';
import { fitPlacement, predictSite, type PlacementFit, type SiteObservation } from './placement.ts';
import { dieSiteKey } from './step-id.ts';
import { BIN_NAMES, BINS, type WaferDieSite, type WaferLoopPlan } from './wafer-plan.ts';

/** What the records keep of a wafer (RunRecorder implements it; runs without a folder keep nothing). */
export interface WaferRecordsPort {
  waferStarted?(map: Omit<WaferMapEventBody, 'type'>): void;
  dieFinished?(result: DieResult, fit: PlacementFit | null): void;
  /** Die-site results journalled before (a resumed run). */
  waferResults?(): DieResult[];
}

export interface WaferRunDeps {
  plan: Plan;
  emit(body: RunEventBody): void;
  records: WaferRecordsPort;
  /** The engine's measurements by step id (this run's and the resumed steps'). */
  measured: ReadonlyMap<string, Record<string, Measurement>>;
}

/** Below the median aligned power by this much still counts as light at a predicted start, dB. */
const START_LIGHT_MARGIN_DB = 15;
/**
 * A site's height is not scanned where the plane already knows it this well (1σ, µm): 1 µm off the best gap
 * costs under 0.001 dB, and a scan's own σ is a few µm, so scanning every site would only spend bench time.
 */
const HEIGHT_KNOWN_UM = 1;
/** Even so, every this many die-sites one is scanned: a check that the plane still holds (its misses widen it again). */
const HEIGHT_CHECK_EVERY = 8;

interface LoopState {
  plan: WaferLoopPlan;
  sites: Map<string, WaferDieSite>;
  settled: Set<string>;
  /** Reprobe die-sites chosen to run (their previous pass ended in a reprobe bin). */
  selected: Set<string>;
  /** The latest result of each die-site (by its first-pass key). */
  latest: Map<string, DieResult>;
  observations: SiteObservation[];
  fit: PlacementFit | null;
  predictions: Map<string, { x: number; y: number; z?: number }>;
  /** Die-sites whose height scan was left out (the plane knew the height). */
  heightSkipped: Set<string>;
  /** Predicted die-sites since the last one whose height was scanned. */
  sinceHeightScan: number;
  powers: number[];
}

export class WaferRun {
  private readonly loops = new Map<string, LoopState>();
  /** The height plane's σ at each predicted die-site (µm), from its goto's prediction. */
  private readonly heightSigma = new Map<string, number>();
  private readonly deps: WaferRunDeps;

  constructor(deps: WaferRunDeps) {
    this.deps = deps;
    for (const plan of deps.plan.wafers ?? []) {
      this.loops.set(plan.loopId, {
        plan, sites: new Map(plan.dieSites.map((d) => [d.key, d])), settled: new Set(), selected: new Set(), latest: new Map(), observations: [], fit: null, predictions: new Map(), heightSkipped: new Set(), sinceHeightScan: 0, powers: [],
      });
    }
    for (const r of deps.records.waferResults?.() ?? []) {
      const loop = this.loops.get(r.loopId);
      const ds = loop?.sites.get(resultKey(r));
      if (!loop || !ds) continue;
      loop.settled.add(ds.key);
      loop.latest.set(ds.siteKey, r);
      this.learn(loop, ds, r);
    }
  }

  /** Announces each loop's map (the view draws the grid from it). */
  start(): void {
    for (const loop of this.loops.values()) {
      const map = mapBody(loop.plan);
      this.deps.records.waferStarted?.(map);
      this.deps.emit({ type: 'wafer-map', ...map });
    }
  }

  /**
   * A step of a die-site already finished (before a resume) or binned by an earlier step's failure, or of a
   * reprobe die-site not to measure again (decided at its first step, when the pass before it has ended).
   */
  settled(step: PlannedStep): boolean {
    const ctx = this.siteOf(step);
    if (!ctx) return false;
    const { loop, ds } = ctx;
    if (loop.settled.has(ds.key)) return true;
    if (ds.pass === 1 || loop.selected.has(ds.key)) return false;
    const prev = loop.latest.get(ds.siteKey);
    if (prev && (prev.pass ?? 1) === ds.pass - 1 && loop.plan.reprobeBins.includes(prev.bin)) {
      loop.selected.add(ds.key);
      return false;
    }
    loop.settled.add(ds.key);
    return true;
  }

  /** The step's parameters now: a goto aimed at the prediction, an alignment starting there. */
  paramsFor(step: PlannedStep): unknown {
    const ref = step.wafer;
    const loop = ref ? this.loops.get(ref.loopId) : undefined;
    const ds = ref ? loop?.sites.get(ref.key) : undefined;
    if (!ref || !loop || !ds || !loop.plan.predict) return step.params;
    if (ref.goto) {
      if (!loop.fit) return step.params;
      const { z_sigma: zSigma, ...p } = predictSite(loop.fit, ds.stage_um, loop.plan.map.centre_um);
      loop.predictions.set(ds.key, p);
      if (zSigma !== undefined) this.heightSigma.set(ds.key, zSigma);
      return aimGoto(step.params as SetParams, loop.plan.stage, p, loop.plan.heightLimits_um);
    }
    const firstAlign = ds.stepIds.find((id) => this.deps.plan.steps.find((s) => s.stepId === id)?.kind === 'align');
    const params = step.params as { center?: unknown; channels?: unknown; start_light?: number; height_scan?: unknown };
    if (step.stepId !== firstAlign || !loop.predictions.has(ds.key) || params.center !== undefined || params.channels !== undefined) return step.params;
    // A reprobe of a die-site that found no light searches from scratch: the light may be off the prediction.
    const prev = ds.pass > 1 ? loop.latest.get(ds.siteKey) : undefined;
    if (prev && foundOf(prev.measurements) === null) return step.params;
    const level = loop.powers.length ? median(loop.powers) - START_LIGHT_MARGIN_DB : undefined;
    const aimed = { ...params, skip_first_light: true, ...(params.start_light === undefined && level !== undefined ? { start_light: level } : {}) };
    return this.withHeightScan(loop, ds, aimed);
  }

  /** The align's height scan left out where the plane knows the height, but for a check every HEIGHT_CHECK_EVERY. */
  private withHeightScan<T extends { height_scan?: unknown }>(loop: LoopState, ds: WaferDieSite, params: T): T | Omit<T, 'height_scan'> {
    if (params.height_scan === undefined) return params;
    const sigma = this.heightSigma.get(ds.key);
    if (sigma !== undefined && sigma <= HEIGHT_KNOWN_UM && loop.sinceHeightScan < HEIGHT_CHECK_EVERY - 1) {
      loop.sinceHeightScan += 1;
      loop.heightSkipped.add(ds.key);
      const { height_scan: _scan, ...rest } = params;
      return rest;
    }
    loop.sinceHeightScan = 0;
    return params;
  }

  /** After a step ended well: the die-site's last step ends the die-site. */
  stepDone(step: PlannedStep): void {
    const ctx = this.siteOf(step);
    if (!ctx || ctx.loop.settled.has(ctx.ds.key) || ctx.ds.stepIds.at(-1) !== step.stepId) return;
    const limits = this.limitsOf(ctx.ds);
    const passed = limits.every((l) => l.passed);
    this.finish(ctx.loop, ctx.ds, passed ? BINS.good : BINS.failedLimits, passed);
  }

  /** A step of a die-site failed (not a safety fault): the die-site is binned, its other steps skipped. */
  stepFailed(step: PlannedStep, err: unknown): void {
    const ctx = this.siteOf(step);
    if (!ctx || ctx.loop.settled.has(ctx.ds.key)) return;
    this.finish(ctx.loop, ctx.ds, binOfError(err), false, err instanceof Error ? err.message : String(err));
  }

  /** The limits that judge a die-site, on its steps only. */
  private limitsOf(ds: WaferDieSite) {
    const ids = new Set(ds.stepIds);
    const mine: PlannedLimit[] = this.deps.plan.limits
      .map((l) => ({ ...l, stepIds: l.stepIds.filter((id) => ids.has(id)), maybeStepIds: l.maybeStepIds.filter((id) => ids.has(id)) }))
      .filter((l) => l.stepIds.length + l.maybeStepIds.length > 0);
    return evaluateLimits(mine, this.deps.measured);
  }

  private siteOf(step: PlannedStep): { loop: LoopState; ds: WaferDieSite } | undefined {
    const loop = step.wafer ? this.loops.get(step.wafer.loopId) : undefined;
    const ds = step.wafer ? loop?.sites.get(step.wafer.key) : undefined;
    return loop && ds ? { loop, ds } : undefined;
  }

  private finish(loop: LoopState, ds: WaferDieSite, bin: number, passed: boolean, error?: string): void {
    const measurements: Record<string, Measurement> = {};
    for (const id of ds.stepIds) {
      const name = id.split('/').pop() as string;
      for (const [k, m] of Object.entries(this.deps.measured.get(id) ?? {})) measurements[`${name}.${k}`] = m;
    }
    const found = foundOf(measurements);
    const predicted = loop.predictions.get(ds.key);
    const result: DieResult = {
      loopId: loop.plan.loopId, die: ds.die.name, col: ds.die.col, row: ds.die.row, site: ds.site.name, passed, bin,
      binName: BIN_NAMES[bin] ?? `bin ${bin}`, measurements, stepIds: [...ds.stepIds],
      ...(predicted ? {
        prediction: {
          predicted_um: round(predicted), found_um: found ? round(found) : null,
          residual_um: found ? round({
            x: found.x - predicted.x, y: found.y - predicted.y, ...(found.z !== undefined && predicted.z !== undefined ? { z: found.z - predicted.z } : {}),
          }) : null,
          firstLightSkipped: measurements['align.first_light_skipped']?.value === 1,
          ...(loop.heightSkipped.has(ds.key) ? { heightScanSkipped: true } : {}),
        },
      } : {}),
      ...(ds.pass > 1 ? { reprobe: true, pass: ds.pass } : {}),
      ...(error ? { error } : {}),
    };
    loop.settled.add(ds.key);
    loop.latest.set(ds.siteKey, result);
    this.learn(loop, ds, result);
    if (loop.fit) result.placement = placementOf(loop.fit);
    this.deps.records.dieFinished?.(result, loop.fit);
    this.deps.emit({ type: 'die-finished', ...result });
  }

  /** A finished die-site's found optimum joins the placement fit (a reprobe's replaces the first's); its power the start-light level. */
  private learn(loop: LoopState, ds: WaferDieSite, r: DieResult): void {
    const found = foundOf(r.measurements);
    if (!found || r.bin === BINS.noLight || r.bin === BINS.stepError) return;
    const key = ds.siteKey;
    if (ds.pass > 1) loop.observations = loop.observations.filter((o) => o.key !== key);
    const zSigma = Object.entries(r.measurements).find(([k]) => k.endsWith('.z_sigma_um'))?.[1].value;
    loop.observations.push({
      key, nominal: ds.stage_um, found, ...(found.z !== undefined ? { z_um: found.z } : {}),
      ...(found.z !== undefined && zSigma !== undefined && Number.isFinite(zSigma) ? { z_sigma_um: zSigma } : {}),
    });
    loop.fit = fitPlacement(loop.observations, loop.plan.map.centre_um, loop.plan.height_um);
    const power = r.measurements['align.power_dBm']?.value;
    if (r.bin === BINS.good && power !== undefined && Number.isFinite(power)) loop.powers.push(power);
  }
}

/** The key of the die-site (of its pass) a journalled result belongs to. */
function resultKey(r: DieResult): string {
  return dieSiteKey(`${r.die}.${r.site}`, r.pass ?? 1);
}

function foundOf(m: Record<string, Measurement>): { x: number; y: number; z?: number } | null {
  const x = m['align.x_um']?.value;
  const y = m['align.y_um']?.value;
  if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  const z = Object.entries(m).find(([k]) => k.endsWith('.z_um'))?.[1].value;
  return { x, y, ...(z !== undefined && Number.isFinite(z) ? { z } : {}) };
}

/**
 * The goto aimed at the prediction: X and Y, and Z (the height plane there) when the goto moves Z, kept
 * inside the stage's Z soft limits (a plane fitted from heights near the lower limit can dip under it).
 */
function aimGoto(params: SetParams, stage: string, p: { x: number; y: number; z?: number }, zLimits?: { min_um: number; max_um: number }): SetParams {
  const z = p.z === undefined ? undefined : zLimits ? Math.min(zLimits.max_um, Math.max(zLimits.min_um, p.z)) : p.z;
  return {
    actions: params.actions.map((a) => (a.type === 'move' && a.role === stage
      ? { ...a, targets_um: { ...a.targets_um, X: r3(p.x), Y: r3(p.y), ...(z !== undefined && 'Z' in a.targets_um ? { Z: r3(z) } : {}) } }
      : a)),
  };
}

export function placementOf(fit: PlacementFit): WaferPlacement {
  return {
    offset_um: fit.offset_um, rotation_deg: fit.rotation_deg, plane: fit.plane, sites: fit.sites, rms_residual_um: fit.rms_residual_um,
    ...(fit.plane_sites !== undefined ? { plane_sites: fit.plane_sites, plane_rms_um: fit.plane_rms_um ?? 0 } : {}),
  };
}

export function mapBody(plan: WaferLoopPlan): Omit<WaferMapEventBody, 'type'> {
  return {
    loopId: plan.loopId, wafer: plan.map.name, pitch_um: plan.map.pitch_um, sites: [...plan.sites],
    siteOffsets_um: Object.fromEntries(plan.map.sites.map((s) => [s.name, { x: s.dx_um, y: s.dy_um }])),
    flat_deg: plan.map.flat_deg, notch_deg: plan.map.notch_deg, centre_um: { ...plan.map.centre_um },
    order: [...new Set(plan.dieSites.map((d) => d.die.name))],
    dies: plan.map.dies.map((d) => ({ die: d.name, col: d.col, row: d.row, x_um: d.x_um, y_um: d.y_um, excluded: d.excluded, reference: d.reference })),
  };
}

function r3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function round<T extends { x: number; y: number; z?: number }>(p: T): T {
  return { ...p, x: r3(p.x), y: r3(p.y), ...(p.z !== undefined ? { z: r3(p.z) } : {}) };
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
