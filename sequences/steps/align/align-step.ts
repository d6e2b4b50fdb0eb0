// The `align` step: active fiber alignment of the stage's two lateral axes on a meter channel — first
// light, fine peaking, 2-D Gaussian refinement, final power — then, optionally, tracking. The algorithm
// lives in align-run.ts and the files it uses; this file is the step contract around it.
import { checkStageTarget, requireRole } from '../../capabilities.ts';
import type { BenchInfo, FitRecord, Measurement, StepDefinition, ValidationIssue } from '../../step.ts';
import { withArrayAlign } from './align-modes.ts';
import { runAlignment } from './align-run.ts';
import type { AlignResult } from './align-run.ts';
import { coveringOffsets_um, squareSpiralLegs } from './paths.ts';
import { estimateHeightScan_s, HEIGHT_COLUMNS, HEIGHT_TABLE, scanHeight } from './height-scan.ts';
import { alignFromPredictedStart } from './predicted-start.ts';
import { ALIGN_TABLE, AlignRig } from './rig.ts';
import { alignSchema, defaultPitch_um } from './schema.ts';
import type { AlignParams } from './schema.ts';
import { TRACK_COLUMNS, TRACK_TABLE, track, trackedBefore } from './tracking.ts';

const MEASUREMENTS: Record<string, string> = {
  power_dBm: 'dBm',
  x_um: 'um',
  y_um: 'um',
  mode_radius_um: 'um',
  profile_radius_um: 'um',
  tolerance_1dB_um: 'um',
  readings: '',
  time_s: 's',
  first_light_skipped: '',
};

/** Ramps assumed for the plan when the step does not set them (a slow lateral stage; the real one is used at run time). */
const NOMINAL_ACCELERATION_UM_S2 = 20_000;
/** Exchanges around each fly segment (log set-up, move, confirmations, fetch), s. */
const SEGMENT_OVERHEAD_S = 0.003;
/** Servo settling a step-and-read move waits for, s. */
const NOMINAL_SETTLE_S = 0.01;

/**
 * Bench seconds of an alignment. `acceleration_um_s2`: the stage's, where the sequence set it (else a slow
 * stage's); `predicted`: started at a wafer loop's predicted optimum, so no first-light search.
 */
export function estimateAlign_s(p: AlignParams, opts: { acceleration_um_s2?: number; predicted?: boolean } = {}): number {
  const stageA = opts.acceleration_um_s2 ?? NOMINAL_ACCELERATION_UM_S2;
  const a = p.fly ? (p.fly_acceleration ?? stageA) : stageA;
  const move = (length_um: number): number => 2 * Math.sqrt(Math.abs(length_um) / a);
  const pitch = defaultPitch_um(p);
  const origin = { x_um: 0, y_um: 0 };
  const step = p.averaging + move(1) + NOMINAL_SETTLE_S;
  let search: number;
  if (opts.predicted) {
    search = 0;
  } else if (p.fly && p.first_light === 'spiral') {
    // On average light shows half-way through the legs.
    search = squareSpiralLegs(origin, p.search_radius, pitch).reduce((t, l) => t + move(l.to_um - l.from_um) + SEGMENT_OVERHEAD_S, 0) / 2;
  } else if (p.fly) {
    const n = coveringOffsets_um(p.search_radius, pitch).length;
    search = move(p.search_radius) + ((n + 1) / 2) * (move(2 * p.search_radius) + move(pitch) + 2 * SEGMENT_OVERHEAD_S);
  } else {
    const n = coveringOffsets_um(p.search_radius, pitch).length;
    search = ((n * n + 1) / 2) * (p.averaging + move(pitch) + NOMINAL_SETTLE_S);
  }
  const line = (length_um: number): number => move(length_um) + SEGMENT_OVERHEAD_S;
  let fine: number;
  if (p.fine === 'fit') fine = p.fly ? 2 * line(40) + 2 * line(15) : 34 * step;
  else fine = (p.fine === 'simplex' ? 45 : 15) * step + (p.fly ? 4 * line(15) : 9 * step);
  const final = line(10) + move(1) + NOMINAL_SETTLE_S + p.final_averaging;
  const height = p.height_scan ? estimateHeightScan_s(p.height_scan, p.final_averaging) : 0;
  return search + fine + final + height + (p.track ? p.track.for : 0);
}

function validateAlign(p: AlignParams, bench: BenchInfo): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const meter = requireRole(bench, p.meter, 'meter', 'meter');
  if ('message' in meter) issues.push(meter);
  else if (meter.channels && !meter.channels.includes(p.channel)) {
    issues.push({ field: 'channel', message: `meter '${p.meter}' has no channel ${p.channel} (it has ${meter.channels.join(', ')})` });
  }
  const stage = requireRole(bench, p.stage, 'stage', 'stage');
  if ('message' in stage) return [...issues, stage];
  p.axes.forEach((axis, i) => {
    if (stage.axes && !stage.axes[axis]) issues.push({ field: `axes.${i}`, message: `stage '${p.stage}' has no axis '${axis}' (its axes are ${Object.keys(stage.axes).join(', ')})` });
  });
  const h = p.height_scan?.axis;
  if (h !== undefined && stage.axes && !stage.axes[h]) {
    issues.push({ field: 'height_scan.axis', message: `stage '${p.stage}' has no axis '${h}' for the height scan (its axes are ${Object.keys(stage.axes).join(', ')})` });
  }
  if (issues.length === 0 && p.center) {
    // The search area must lie within the soft limits (known here only with an explicit centre).
    for (const axis of p.axes) {
      const c = p.center[axis];
      if (c === undefined) continue;
      issues.push(...checkStageTarget(bench, p.stage, axis, c - p.search_radius, `center.${axis}`));
      issues.push(...checkStageTarget(bench, p.stage, axis, c + p.search_radius, `center.${axis}`));
    }
  }
  return issues;
}

function fitRecord(r: AlignResult): FitRecord | undefined {
  const f = r.fit;
  if (!f) return undefined;
  const peak_mW = f.peak_mW + f.background_mW;
  return {
    parameters: {
      x0_um: { value: f.x0_um, sigma: f.sigma.x0_um, unit: 'um' },
      y0_um: { value: f.y0_um, sigma: f.sigma.y0_um, unit: 'um' },
      peak_dBm: { value: 10 * Math.log10(peak_mW), sigma: (10 / Math.LN10) * (f.sigma.peak_mW / peak_mW), unit: 'dBm' },
      radius_um: { value: f.radius_um, sigma: f.sigma.radius_um, unit: 'um' },
      background_mW: { value: f.background_mW, sigma: f.sigma.background_mW, unit: 'mW' },
    },
    rSquared: f.rSquared,
    points: f.points,
    extra: { model: 'P = B + A·exp(−2ρ²/R²)', peakInsideScan: f.peakInsideScan },
  };
}

function measurementsOf(r: AlignResult): Record<string, Measurement> {
  const m = (value: number, unit: string): Measurement => ({ value, unit });
  return {
    power_dBm: m(r.power_dBm, 'dBm'),
    x_um: m(r.position.x_um, 'um'),
    y_um: m(r.position.y_um, 'um'),
    mode_radius_um: m(r.modeRadius_um, 'um'),
    profile_radius_um: m(r.profileRadius_um, 'um'),
    tolerance_1dB_um: m(r.tolerance1dB_um, 'um'),
    readings: m(r.readings, ''),
    time_s: m(r.time_s, 's'),
  };
}

const singleFiberAlign: StepDefinition<AlignParams> = {
  kind: 'align',
  description: 'active fiber alignment: first light, fine peaking, 2-D Gaussian refinement (and tracking)',
  schema: alignSchema,
  tables: (p) => [
    { name: ALIGN_TABLE, columns: ['x_um', 'y_um', 'power_dBm', 'phase'], description: 'every reading of the alignment, where it was taken' },
    ...(p.height_scan ? [{ name: HEIGHT_TABLE, columns: [...HEIGHT_COLUMNS], description: 'power over the height scan, where it was taken' }] : []),
    ...(p.track && p.track.for > 0
      ? [{ name: TRACK_TABLE, columns: [...TRACK_COLUMNS], description: 'power while tracking, and re-alignments' }]
      : []),
  ],
  measurements: (p) => ({ ...MEASUREMENTS, ...(p.height_scan ? { z_um: 'um', z_sigma_um: 'um' } : {}) }),
  validate: validateAlign,
  estimate_s: (p) => estimateAlign_s(p),
  estimateInPlan: (p, _bench, c) => estimateAlign_s(p, {
    ...(c.stageAcceleration_um_s2[p.stage] !== undefined ? { acceleration_um_s2: c.stageAcceleration_um_s2[p.stage] } : {}), predicted: c.predicted,
  }),
  async run(ctx, p) {
    const stage = ctx.bench.get(p.stage, 'stage');
    const meter = ctx.bench.get(p.meter, 'meter');
    // An alignment keeps no partial state worth resuming: after a crash it starts again from first light.
    // Tracking goes on for what its recorded checks had not yet watched.
    const before = trackedBefore(ctx.resume, p.track);
    if (ctx.resume) {
      const t = p.track;
      const tracking = t && t.for > 0 ? `; then tracking for the ${+(t.for - before.watched_s).toFixed(3)} s of ${t.for} s not yet watched (${before.checks} checks recorded)` : '';
      ctx.log(`align: resuming — the alignment restarts from first light${tracking}`);
    }
    const rig = new AlignRig(ctx, stage, meter, {
      axes: p.axes, channel: p.channel, fly_velocity_um_s: p.fly_velocity, sample_time_s: p.sample_time, max_time_s: p.max_time,
      ...(p.fly_acceleration !== undefined ? { fly_acceleration_um_s2: p.fly_acceleration } : {}),
    });
    const [ax, ay] = p.axes;
    // Restarted after a fault mid-search, the stage stands wherever the search had taken it: the search
    // goes back to the centre it started from, never re-centred on that spot (each fault would move it on).
    const saved = (ctx.resume?.state as { centre?: { x_um: number; y_um: number } } | undefined)?.centre;
    const here = saved ?? await rig.position();
    const centre = { x_um: p.center?.[ax] ?? here.x_um, y_um: p.center?.[ay] ?? here.y_um };
    if (!saved) await ctx.saveState({ centre });
    // A predicted start (skip_first_light) peaks from there when light is there (predicted-start.ts).
    const predicted = p.skip_first_light && !saved ? await alignFromPredictedStart(rig, p, centre) : undefined;
    if (predicted) ctx.log(`align: ${predicted.note}`);
    const lateral = predicted?.result ?? await runAlignment(rig, p, centre);
    // The best height at the aligned XY; the power is then the one read there.
    const height = p.height_scan ? await scanHeight(ctx, stage, meter, p, p.height_scan, lateral.modeRadius_um) : undefined;
    const aligned = height ? { ...lateral, power_dBm: height.power_dBm, notes: [...lateral.notes, ...height.notes] } : lateral;
    const result = await track(ctx, rig, p, aligned, before);
    const fit = fitRecord(result);
    if (fit) ctx.fit('gaussian2d', fit);
    for (const n of result.notes) ctx.warn(`align: ${n}`);
    ctx.log(`align: ${result.power_dBm.toFixed(2)} dBm at (${result.position.x_um.toFixed(2)}, ${result.position.y_um.toFixed(2)}) µm, ` +
      `${result.readings} readings, ${result.time_s.toFixed(2)} s`);
    return {
      measurements: {
        ...measurementsOf(result), first_light_skipped: { value: predicted?.firstLightSkipped ? 1 : 0, unit: '' },
        ...(height?.z_um != null ? { z_um: { value: height.z_um, unit: 'um' }, z_sigma_um: { value: height.sigma_um ?? NaN, unit: 'um' } } : {}),
      },
      ...(fit ? { fits: { gaussian2d: fit } } : {}),
      notes: [
        `${rig.segmentsFlown} fly segments (${rig.loggedSamples} logged samples), ${rig.singleReadings} single readings`,
        ...(rig.segmentsFlown > 0 ? [rig.flyTimingMethod()] : []),
        ...rig.reflown,
        `bench time per phase: ${Object.entries({ ...rig.phaseTimes }).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v.toFixed(3)} s`).join(', ')}`,
        ...(predicted ? [predicted.note] : []),
        ...result.notes,
      ],
    };
  },
};

/** The `align` step: single-fiber, or a fiber array when the body lists `channels` (align-modes.ts). */
export const alignStep = withArrayAlign(singleFiberAlign);
