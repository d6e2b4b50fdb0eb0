// The `align` step with a fiber array (issue 12): `align: { channels: [1, 8], axes: [X, Y, Z, U, V, W],
// objective: min | sum }` on a hexapod and a multiport meter. The body is told apart from the
// single-fiber one by its `channels` list; validated before anything moves, quantities with units.
import { z } from 'zod';
import { q } from '../../schema/q.ts';
import { requireRole } from '../../capabilities.ts';
import type { BenchInfo, ValidationIssue } from '../../step.ts';

export const ARRAY_AXES = ['X', 'Y', 'Z', 'U', 'V', 'W'] as const;
export type ArrayAxis = (typeof ARRAY_AXES)[number];

const channel = q.count({ min: 1 });

const arrayTrack = z.strictObject({
  /** How often the channels are read while holding the pose. */
  every: q.duration_s({ positive: true }).default(1),
  /** Re-peak when the objective has fallen this far below the aligned one. */
  drop: q.ratio_dB({ positive: true }).default(0.03),
  /** How long to hold the pose (through a cure, a long measurement). */
  for: q.duration_s({ min: 0 }),
}, { error: 'expected { for: 60s, every: 1s, drop: 0.03dB }' });

export const arrayAlignSchema = z.strictObject({
  /** The multiport meter reading what comes back up each fiber (channel = fiber number). */
  meter: z.string().default('meter-array'),
  /** The hexapod carrying the array. */
  stage: z.string().default('stage-hexapod'),
  /** Fibers (= meter channels) to align together. */
  channels: z.array(channel, { error: 'expected a list of meter channels, e.g. [1, 8]' })
    .min(1, { error: 'expected at least one channel' })
    .refine((c) => new Set(c).size === c.length, { error: 'expected each channel once' }),
  /** Pose axes to peak (X Y Z lateral and gap, U tip, V tilt, W roll). */
  axes: z.array(z.enum(ARRAY_AXES, { error: 'expected pose axes among X, Y, Z, U, V, W' }), { error: 'expected a list of pose axes, e.g. [X, Y, Z, U, V, W]' })
    .min(2, { error: 'expected at least X and Y' })
    .refine((a) => a.includes('X') && a.includes('Y'), { error: 'expected X and Y among the axes' })
    .refine((a) => new Set(a).size === a.length, { error: 'expected each axis once' })
    .default([...ARRAY_AXES]),
  /** What joint peaking maximises: the weakest listed channel plus their mean (min; see MIN_MEAN_WEIGHT) or their mean in dB (sum). */
  objective: z.enum(['min', 'sum'], { error: 'expected min or sum' }).default('min'),
  /** The loopback pair first light looks for (default: the bench's first pair among the channels). */
  loopback: z.tuple([channel, channel], { error: 'expected a loopback pair of fibers, e.g. [1, 8]' })
    .refine(([a, b]) => a !== b, { error: 'expected two different fibers' }).optional(),
  search_radius: q.length_um({ positive: true, max: 500 }).default(60),
  /** Spacing of the first-light spiral: the loopback's two fibers must both couple, so about one mode radius. */
  pitch: q.length_um({ positive: true, max: 50 }).default(5),
  /**
   * Row spacing of the fly raster first light flies (a bench with the hexapod's trigger cabled to the meter).
   * Why 20 µm: a row lights the pair where both of its fibers are within about 11 µm of their couplers in Y
   * (each SMF-28 pass loses 0.16 dB/µm²; with the simulated bench's budget, a −12 dBm peak, the pair is
   * seen 46 dB below it, 10 dB over the dark floor of a 0.5 ms sample; a 0.5° roll, 4 µm at the outer
   * fibers, costs 0.6 µm of it), so rows 20 µm apart leave no gap between them. A weaker budget wants less.
   */
  row_pitch: q.length_um({ positive: true, max: 50 }).default(20),
  /** Fiber spacing in the array: the channels' Y optima over it give the roll. */
  fiber_pitch: q.length_um({ positive: true, max: 1000 }).default(127),
  /** Averaging time of each logged sample of a fly line. */
  sample_time: q.duration_s({ min: 1e-6, max: 0.01 }).default(5e-4),
  threshold: q.ratio_dB({ positive: true }).default(10),
  /** Averaging of each reading of all channels. */
  averaging: q.duration_s({ min: 1e-6, max: 1 }).default(1e-3),
  final_averaging: q.duration_s({ min: 1e-6, max: 10 }).default(0.02),
  /** The fiber height above the chip when the step starts (set at touch-down), for gap_um. */
  start_gap: q.length_um({ positive: true }).default(20),
  max_time: q.duration_s({ positive: true }).default(60),
  track: arrayTrack.optional(),
});

export type ArrayAlignParams = z.output<typeof arrayAlignSchema>;

/** A body that lists `channels` is a fiber-array alignment. */
export function isArrayAlignBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'channels' in body;
}

export function isArrayAlignParams(p: unknown): p is ArrayAlignParams {
  return typeof p === 'object' && p !== null && Array.isArray((p as { channels?: unknown }).channels);
}

/** The loopback pair to look for first light on: given, or the bench's first pair among the channels. */
export function loopbackOf(p: ArrayAlignParams, declared: readonly (readonly [number, number])[]): [number, number] {
  if (p.loopback) return [p.loopback[0], p.loopback[1]];
  const pair = declared.find(([a, b]) => p.channels.includes(a) && p.channels.includes(b)) ?? declared[0];
  return pair ? [pair[0], pair[1]] : [p.channels[0] as number, p.channels[p.channels.length - 1] as number];
}

export function validateArrayAlign(p: ArrayAlignParams, bench: BenchInfo): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const meter = requireRole(bench, p.meter, 'meter', 'meter');
  if ('message' in meter) issues.push(meter);
  else if (meter.channels) {
    p.channels.forEach((c, i) => {
      if (!meter.channels?.includes(c)) issues.push({ field: `channels.${i}`, message: `meter '${p.meter}' has no channel ${c} (it has ${meter.channels?.join(', ')})` });
    });
  }
  const stage = requireRole(bench, p.stage, 'stage', 'stage');
  if ('message' in stage) return [...issues, stage];
  const declared = stage.loopbacks ?? [];
  const same = (a: readonly number[], b: readonly number[]): boolean => (a[0] === b[0] && a[1] === b[1]) || (a[0] === b[1] && a[1] === b[0]);
  if (p.loopback) {
    if (!declared.some((d) => same(d, p.loopback as [number, number]))) {
      issues.push({ field: 'loopback', message: `stage '${p.stage}' declares no loopback [${p.loopback.join(', ')}] (its loopbacks: ${declared.length ? declared.map((d) => `[${d.join(', ')}]`).join(', ') : 'none'})` });
    }
    p.loopback.forEach((c, i) => {
      if (meter && !('message' in meter) && meter.channels && !meter.channels.includes(c)) issues.push({ field: `loopback.${i}`, message: `meter '${p.meter}' has no channel ${c}` });
    });
  } else if (declared.length === 0) {
    issues.push({ field: 'channels', message: `stage '${p.stage}' declares no loopback pair for first light (bench file options.loopbacks, e.g. [[1, 8]]); give one or name it with loopback:` });
  }
  return issues;
}
