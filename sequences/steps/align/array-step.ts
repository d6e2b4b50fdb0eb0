// The `align` step with a fiber array: first light on the loopback pair, roll (W) to balance the outer
// channels, joint peaking of every listed channel over the listed pose axes, each channel's own optimum
// measured at the end, and optionally `track` holding the pose through a long step or a cure.
// Records: `align_array_scan` (every reading with its pose), `align_channels` (channel, power_dBm,
// best_dBm, shortfall_dB), `align_track`; measurements min_channel_power_dBm, roll/tip/tilt, gap_um.
import { isHexapod } from '../../../drivers/roles/hexapod.ts';
import type { Hexapod, PoseValues } from '../../../drivers/roles/hexapod.ts';
import type { FitRecord, Measurement, StepContext, StepDefinition, StepOutcome } from '../../step.ts';
import { ARRAY_TRACK_TABLE, TRACK_COLUMNS } from './array-track.ts';
import { ARRAY_POSE_COLUMNS, ARRAY_SCAN_TABLE, ArrayRig, channelColumn } from './array-rig.ts';
import type { ArraySample } from './array-rig.ts';
import { arrayAlignSchema, loopbackOf, validateArrayAlign } from './array-schema.ts';
import type { ArrayAlignParams } from './array-schema.ts';
import { JOINT_ROUNDS, firstLight, fitParabola, peakLine } from './array-search.ts';
import { AlignError } from './errors.ts';
import { MoveTimes } from './array-fly.ts';
import { FLY_VELOCITY_UM_S, alignByFly } from './array-fly-align.ts';
import type { Fly } from './array-fly-search.ts';
import { holdPose } from './array-track.ts';
import { estimateArrayAlign_s } from './array-estimate.ts';
import { isMultiPortLogger } from '../../../drivers/roles/multiport-logging.ts';
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';

export const CHANNELS_TABLE = 'align_channels';

const MEASUREMENTS: Record<string, string> = {
  min_channel_power_dBm: 'dBm', roll_deg: 'deg', tip_deg: 'deg', tilt_deg: 'deg', gap_um: 'um',
  x_um: 'um', y_um: 'um', z_um: 'um', readings: '', time_s: 's',
};

function hexapodOf(ctx: StepContext, role: string): Hexapod {
  const stage = ctx.bench.get(role, 'stage');
  if (!isHexapod(stage)) throw new AlignError(`align: stage '${role}' is not a hexapod (driver ${stage.driverName}); a fiber-array alignment needs six axes`);
  return stage;
}

interface ChannelFit {
  channel: number;
  x0_um: number;
  y0_um: number;
  best_dBm: number;
  radius_um: number;
}

/** Each channel's own optimum from one X and one Y line through the final pose (every channel read at once). */
async function ownOptima(rig: ArrayRig, p: ArrayAlignParams, at: PoseValues, limits: Hexapod['poseLimits']): Promise<ChannelFit[]> {
  const lines: { axis: 'X' | 'Y'; samples: ArraySample[]; xs: number[] }[] = [];
  for (const axis of ['X', 'Y'] as const) {
    const xs = [-2, -1, 0, 1, 2].map((d) => Math.min(limits[axis].max, Math.max(limits[axis].min, at[axis] + d)));
    const samples: ArraySample[] = [];
    for (const x of xs) samples.push(await rig.sample({ ...at, [axis]: x }, 'channel-optimum'));
    await rig.goTo(at);
    lines.push({ axis, samples, xs });
  }
  return p.channels.map((channel, i) => {
    const vertex = lines.map((l) => {
      const ys = l.samples.map((s) => s.powers_dBm[i] as number);
      const { a, b, c } = fitParabola(l.xs.map((x) => x - at[l.axis]), ys);
      if (!(c < 0)) return { at: at[l.axis], gain: Math.max(0, Math.max(...ys) - a), a, c };
      const d = Math.max(-3, Math.min(3, -b / (2 * c)));
      return { at: at[l.axis] + d, gain: Math.max(0, -(b * b) / (4 * c)), a, c };
    });
    const [vx, vy] = vertex as [typeof vertex[0], typeof vertex[0]];
    const centre = (vx.a + vy.a) / 2;
    // Gaussian in linear power is a parabola in dB: c = −(10/ln 10)·2/R².
    const cMean = (vx.c + vy.c) / 2;
    return { channel, x0_um: vx.at, y0_um: vy.at, best_dBm: centre + vx.gain + vy.gain, radius_um: cMean < 0 ? Math.sqrt((-20 / Math.LN10) / cMean) : Number.NaN };
  });
}

/** Fly lines when the hexapod's trigger output is cabled to a meter that logs all ports on one trigger. */
function flyOf(rig: ArrayRig, hex: Hexapod, meter: PowerMeter, p: ArrayAlignParams): Fly | null {
  if (hex.triggerOutput === undefined || !isMultiPortLogger(meter)) return null;
  return { rig, link: { hexapod: hex, meter, sampleTime_s: p.sample_time }, times: new MoveTimes() };
}

/** Without a trigger cable: the spiral, the pair, roll against the outer channels and the joint rounds by step-and-read. */
async function stepAndRead(ctx: StepContext, rig: ArrayRig, p: ArrayAlignParams, loopback: [number, number], start: PoseValues, read: number[]): Promise<void> {
  const own = p.channels.map((_, i) => i);
  const limits = rig.hexapod.poseLimits;
  await firstLight(rig, { loopback, radius: p.search_radius, pitch: p.pitch, threshold_dB: p.threshold, start });
  ctx.log(`align: first light on loopback [${loopback.join(', ')}] after ${rig.readings} readings`);
  // Peak the loopback laterally, then roll against the outermost listed channels, then everything jointly.
  const onPair = { channels: loopback.map((c) => read.indexOf(c)), objective: 'sum' as const };
  for (const [axis, span] of [['X', 4], ['Y', 4], ['X', 2], ['Y', 2]] as const) await peakLine(rig, axis, span, 5, onPair, 'loopback', limits[axis]);
  const outer = [Math.min(...p.channels), Math.max(...p.channels)].map((c) => read.indexOf(c));
  const objective = { channels: own, objective: p.objective };
  if (p.axes.includes('W')) {
    const balance = { channels: outer, objective: 'min' as const };
    await peakLine(rig, 'W', 0.6, 7, balance, 'roll', limits.W);
    await peakLine(rig, 'Y', 2, 5, objective, 'roll', limits.Y);
    await peakLine(rig, 'W', 0.2, 5, balance, 'roll', limits.W);
  }
  for (const [axis, span, n, f] of JOINT_ROUNDS) {
    if (!p.axes.includes(axis)) continue;
    await rig.averaging(p.averaging * f);
    // Z, U, V barely change the coupling, and roll trades the outer channels against each other: fitted
    // on the mean of all channels (smooth, and less noisy than the weakest, whose kinks stall a line search).
    const score = 'ZUVW'.includes(axis) ? { channels: own, objective: 'sum' as const } : objective;
    await peakLine(rig, axis, span, n, score, 'joint', limits[axis]);
  }
}

async function runArrayAlign(ctx: StepContext, p: ArrayAlignParams): Promise<StepOutcome> {
  const hex = hexapodOf(ctx, p.stage);
  const meter = ctx.bench.get(p.meter, 'meter');
  for (const ch of p.channels) {
    if (!meter.channels.includes(ch)) throw new AlignError(`align: meter '${p.meter}' has no channel ${ch} (it has ${meter.channels.join(', ')})`);
  }
  const loopback = loopbackOf(p, hex.loopbacks);
  // Every reading covers the loopback too, even when it is not among the aligned channels.
  const read = [...p.channels, ...loopback.filter((c) => !p.channels.includes(c))];
  const rig = new ArrayRig(ctx, hex, meter, read, p.max_time);
  const limits = hex.poseLimits;
  const t0 = ctx.now_s();
  const start = await rig.here();
  const fly = flyOf(rig, hex, meter, p);
  let fits: ChannelFit[];
  if (fly) {
    const v0 = await hex.velocity_um_s('X');
    await hex.setVelocity_um_s('X', FLY_VELOCITY_UM_S);
    let r: Awaited<ReturnType<typeof alignByFly>>;
    try {
      r = await alignByFly(fly, p, loopback, start, limits);
      // The last move (to the solved pose) is still running: the meter is readied for the final reading
      // meanwhile (another instrument), then the platform is waited for.
      await rig.averaging(p.final_averaging);
      await rig.stopLogs();
      await hex.waitForMotion();
    } finally {
      await hex.setVelocity_um_s('X', v0);
    }
    fits = r.optima;
    ctx.log(`align: fly lines (hardware-started logs, recorder positions): ${r.lines} lines, roll corrections ${r.rollSteps_deg.map((d) => d.toFixed(3)).join(', ')}°`);
  } else {
    // Fly lines set each log's averaging themselves; step-and-read readings use `averaging`.
    await rig.averaging(p.averaging);
    await stepAndRead(ctx, rig, p, loopback, start, read);
    const at = await rig.here();
    await rig.averaging(p.averaging * 5);
    fits = await ownOptima(rig, p, at, limits);
  }
  await rig.averaging(p.final_averaging);
  const final = (await rig.read()).slice(0, p.channels.length);
  const time_s = ctx.now_s() - t0;
  for (const [i, f] of fits.entries()) {
    const power = final[i] as number;
    const best = Math.max(f.best_dBm, power);
    await ctx.point(CHANNELS_TABLE, { channel: f.channel, power_dBm: round(power), best_dBm: round(best), shortfall_dB: round(best - power) });
    ctx.fit(`channel${f.channel}`, channelFit(f, power));
  }
  rig.endBudget();
  const repeaks = await holdPose(ctx, rig, p, final, fly);
  const pose = await rig.here();
  const m = (value: number, unit: string): Measurement => ({ value, unit });
  const min = Math.min(...final);
  ctx.log(`align: ${p.channels.length} channels, weakest ${min.toFixed(2)} dBm, roll ${pose.W.toFixed(3)}°, tip ${pose.U.toFixed(3)}°, tilt ${pose.V.toFixed(3)}°, ${rig.readings} readings, ${time_s.toFixed(2)} s`);
  return {
    measurements: {
      min_channel_power_dBm: m(min, 'dBm'), roll_deg: m(pose.W, 'deg'), tip_deg: m(pose.U, 'deg'), tilt_deg: m(pose.V, 'deg'),
      gap_um: m(p.start_gap + (pose.Z - start.Z), 'um'), x_um: m(pose.X, 'um'), y_um: m(pose.Y, 'um'), z_um: m(pose.Z, 'um'),
      readings: m(rig.readings, ''), time_s: m(time_s, 's'),
    },
    fits: Object.fromEntries(fits.map((f, i) => [`channel${f.channel}`, channelFit(f, final[i] as number)])),
    notes: [fly ? `fly lines: the hexapod's trigger output ${hex.triggerOutput} starts every port's log at motion start; positions from its data recorder` : 'step-and-read: no trigger output cabled to a multiport meter',
      `first light on loopback [${loopback.join(', ')}]`, ...rig.reflown, ...(p.track ? [`tracking: ${repeaks} re-peaks in ${p.track.for} s`] : [])],
  };
}

function channelFit(f: ChannelFit, power_dBm: number): FitRecord {
  return {
    parameters: {
      x0_um: { value: f.x0_um, unit: 'um' }, y0_um: { value: f.y0_um, unit: 'um' },
      best_dBm: { value: f.best_dBm, unit: 'dBm' }, radius_um: { value: f.radius_um, unit: 'um' },
      power_dBm: { value: power_dBm, unit: 'dBm' },
    },
    points: 10,
    extra: { model: 'P_dBm = best − (20/ln10)·((x−x0)² + (y−y0)²)/R²', channel: f.channel },
  };
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : -999;
}

export const arrayAlignStep: StepDefinition<ArrayAlignParams> = {
  kind: 'align',
  description: 'fiber-array alignment on a hexapod: first light on a loopback, roll, joint peaking of every channel (and tracking)',
  schema: arrayAlignSchema,
  tables: (p) => [
    { name: ARRAY_SCAN_TABLE, columns: ['phase', ...ARRAY_POSE_COLUMNS, ...p.channels.map(channelColumn)], description: 'every reading of every channel, with the pose' },
    { name: CHANNELS_TABLE, columns: ['channel', 'power_dBm', 'best_dBm', 'shortfall_dB'], description: 'each channel at the joint optimum and at its own' },
    ...(p.track && p.track.for > 0 ? [{ name: ARRAY_TRACK_TABLE, columns: [...TRACK_COLUMNS], description: 'channels while holding the pose' }] : []),
  ],
  measurements: () => ({ ...MEASUREMENTS }),
  validate: validateArrayAlign,
  estimate_s: (p, bench) => estimateArrayAlign_s(p, bench.roles[p.stage]?.triggerOutput !== undefined),
  run: runArrayAlign,
};
