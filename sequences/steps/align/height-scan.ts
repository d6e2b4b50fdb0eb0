// The align step's height scan (`height_scan:`): after the lateral alignment, the fiber is flown up and down
// in Z over a short span around where it stands while the meter logs, and the best height is fitted
// (height-fit.ts); the fiber is left there. A wafer run starts each site at its predicted height (the fitted
// height plane, docs/wafer.md), so a short span suffices; when the best height lies beyond a free edge of
// it (a misprediction) the scan is flown again over `search_range`, and says so. An edge at the axis's soft
// limit is not free: a best height beyond it is reported as lying there, not searched for.
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';
import type { Stage } from '../../../drivers/roles/stage.ts';
import type { Row, StepContext } from '../../step.ts';
import { fitHeightPeak, gapProfile_dB, type HeightPeak, type HeightSample } from './height-fit.ts';
import { AlignRig, type RigContext } from './rig.ts';
import type { AlignParams } from './schema.ts';

export const HEIGHT_TABLE = 'align_height';
export const HEIGHT_COLUMNS = ['z_um', 'power_dBm', 'phase'] as const;

export type HeightScanParams = NonNullable<AlignParams['height_scan']>;

export interface HeightScanResult {
  /** The fitted best height, µm; null when none was found (the fiber stays at its start height). */
  z_um: number | null;
  /** Its standard uncertainty, µm. */
  sigma_um: number | null;
  /** Where the fiber was left, µm. */
  at_um: number;
  /** The power there (final averaging), dBm. */
  power_dBm: number;
  notes: string[];
}

/** The plan's estimate of a height scan: to the span's foot, up, down, to the best height, the final reading, s. */
export function estimateHeightScan_s(hs: HeightScanParams, final_averaging_s: number): number {
  const line = (2 * hs.range) / hs.speed;
  return 0.5 * line + 2 * line + 0.5 * line + final_averaging_s + HEIGHT_OVERHEAD_S;
}

/** Exchanges of a height scan besides its moves: ramps set and put back, the meter's wavelength, logs fetched, s. */
const HEIGHT_OVERHEAD_S = 0.05;

/** Kept above the soft lower limit so a fitted target never lands on it, µm. */
const LIMIT_CLEARANCE_UM = 0.05;

export async function scanHeight(ctx: Pick<StepContext, 'now_s' | 'checkpoint' | 'log' | 'warn' | 'point' | 'points'>, stage: Stage, meter: PowerMeter,
  p: AlignParams, hs: HeightScanParams, chipMode_um: number): Promise<HeightScanResult> {
  const lateral = p.axes[0];
  // The rig's plane is (Z, lateral) here; its own records would file Z as x_um, so the samples are recorded
  // in the height table instead.
  const quiet: RigContext = { now_s: ctx.now_s, checkpoint: ctx.checkpoint, log: ctx.log, warn: ctx.warn, point: async () => {}, points: async () => {} };
  const rig = new AlignRig(quiet, stage, meter, {
    axes: [hs.axis, lateral], channel: p.channel, fly_velocity_um_s: hs.speed, sample_time_s: hs.sample_time, max_time_s: p.max_time,
    ...(p.fly_acceleration !== undefined ? { fly_acceleration_um_s2: p.fly_acceleration } : {}),
  });
  const lim = stage.softLimits(hs.axis);
  const start = await rig.position();
  const wavelength_nm = await meter.wavelength_nm(p.channel);
  // The peak's shape follows from the mode radii the lateral alignment measured (Gaussian-beam optics).
  const chip = Number.isFinite(chipMode_um) && chipMode_um > 0 ? chipMode_um : p.fiber_mode_radius;
  const profile_dB = gapProfile_dB(p.fiber_mode_radius, chip, wavelength_nm, p.couplers);
  const notes: string[] = [];
  const record = async (samples: readonly HeightSample[], phase: string): Promise<void> => {
    const rows: Row[] = samples.filter((s) => Number.isFinite(s.power_dBm)).map((s) => ({ z_um: r3(s.z_um), power_dBm: r3(s.power_dBm), phase }));
    if (ctx.points) await ctx.points(HEIGHT_TABLE, rows);
    else for (const row of rows) await ctx.point(HEIGHT_TABLE, row);
  };
  const span = (centre: number, half: number): { lo: number; hi: number } => ({
    lo: Math.max(centre - half, lim.min_um + LIMIT_CLEARANCE_UM), hi: Math.min(centre + half, lim.max_um),
  });
  /**
   * To the span's foot, then up over it and back down, both lines logged: a timing lag moves the two lines'
   * samples opposite ways, so together they cancel it.
   */
  const fly = async (s: { lo: number; hi: number }, phase: string): Promise<HeightPeak> => {
    await rig.moveTo({ x_um: s.lo, y_um: start.y_um });
    const up = await rig.flyTo({ x_um: s.hi, y_um: start.y_um }, phase);
    const down = await rig.flyTo({ x_um: s.lo, y_um: start.y_um }, phase);
    const samples = [...up.samples, ...down.samples].map((x) => ({ z_um: x.x_um, power_dBm: x.power_dBm }));
    await record(samples, phase);
    return fitHeightPeak(samples, { wavelength_nm, profile_dB });
  };
  let target: number;
  let found: number | null = null;
  let sigma: number | null = null;
  await rig.useFlyRamps();
  try {
    let s = span(start.x_um, hs.range);
    let peak = await fly(s, 'height');
    if (!usable(peak, s) && !beyondLimit(peak, s, lim)) {
      const again = span(peak.fitted ? clamp(peak.z_um, lim.min_um, lim.max_um) : start.x_um, hs.search_range ?? 3 * hs.range);
      notes.push(`height missed: ${describe(peak, s)} from the start height ${start.x_um.toFixed(2)} µm; scanned again over ${again.lo.toFixed(2)}…${again.hi.toFixed(2)} µm`);
      s = again;
      peak = await fly(s, 'height (search)');
    }
    if (usable(peak, s)) {
      found = peak.z_um;
      sigma = peak.sigma_um;
      // A vertex a little past the span (extrapolated, with its σ) still counts; the fiber stays inside it.
      target = clamp(peak.z_um, s.lo, s.hi);
      notes.push(`height ${peak.z_um.toFixed(2)} ± ${peak.sigma_um.toFixed(2)} µm (${hs.axis} scanned ${s.lo.toFixed(2)}…${s.hi.toFixed(2)} µm from ${start.x_um.toFixed(2)} µm)`);
    } else if (beyondLimit(peak, s, lim)) {
      // The best height lies under the soft limit: the lowest allowed height is the best the bench may use.
      target = s.lo;
      notes.push(`best height below ${hs.axis}'s soft limit ${lim.min_um} µm (fitted ${peak.z_um.toFixed(2)} µm); left at ${s.lo.toFixed(2)} µm`);
    } else {
      target = start.x_um;
      notes.push(`height not found: ${describe(peak, s)}; left at the start height ${start.x_um.toFixed(2)} µm`);
    }
    await rig.moveTo({ x_um: target, y_um: start.y_um });
  } finally {
    await rig.restoreRamps();
  }
  const power_dBm = await rig.read_dBm(p.final_averaging);
  for (const n of notes) ctx.log(`align: ${n}`);
  return { z_um: found, sigma_um: sigma, at_um: target, power_dBm, notes };
}

/**
 * A fitted vertex within the span or up to half of it beyond an edge (the curvature known, the vertex is a
 * linear extrapolation of the slope), its uncertainty under half the span.
 * Not only vertices inside: where the best height lies near an edge (the soft limit under it), keeping only
 * those inside would keep the estimates that fell on the inner side, and bias the plane they feed.
 */
function usable(peak: HeightPeak, s: { lo: number; hi: number }): boolean {
  const ext = (s.hi - s.lo) / 2;
  return peak.fitted && peak.z_um >= s.lo - ext && peak.z_um <= s.hi + ext && peak.sigma_um < ext;
}

/** The vertex lies below a span whose lower edge is the soft limit (and too far below to be measured). */
function beyondLimit(peak: HeightPeak, s: { lo: number; hi: number }, lim: { min_um: number }): boolean {
  return peak.fitted && peak.z_um < s.lo && s.lo <= lim.min_um + 2 * LIMIT_CLEARANCE_UM;
}

function describe(peak: HeightPeak, s: { lo: number; hi: number }): string {
  if (!peak.fitted) return `no peak in ${s.lo.toFixed(2)}…${s.hi.toFixed(2)} µm (${peak.points} samples, curvature ${Number.isFinite(peak.curvature_dB_um2) ? peak.curvature_dB_um2.toExponential(2) : 'none'} dB/µm²)`;
  return `the fitted best height ${peak.z_um.toFixed(2)} ± ${peak.sigma_um.toFixed(2)} µm ${peak.inside ? 'is too uncertain' : 'lies outside the span scanned'} (${s.lo.toFixed(2)}…${s.hi.toFixed(2)} µm)`;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function r3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
