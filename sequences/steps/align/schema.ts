// The YAML body of an `align` step, validated before anything moves. Quantities carry units
// (`search_radius: 35um`, `threshold: -60dBm`, `max_time: 10s`); every default is the fast path the
// benchmark measured (fly scans, Gaussian cross-scan peaking).
import { z } from 'zod';
import { q } from '../../schema/q.ts';

export const FIRST_LIGHT_METHODS = ['raster', 'spiral'] as const;
export const FINE_METHODS = ['fit', 'gradient', 'simplex'] as const;

const axisName = z.string({ error: 'expected a stage axis name (e.g. X)' }).min(1, { error: 'expected a stage axis name (e.g. X)' });

/** `-60dBm` (absolute) or `{ above_floor: 10dB }` (relative to the darkest reading seen). */
const threshold = z.union([
  q.power_dBm(),
  z.strictObject({ above_floor: q.ratio_dB({ positive: true }) }, { error: 'expected a power (e.g. -60dBm) or { above_floor: 10dB }' }),
], { error: 'expected a power (e.g. -60dBm) or { above_floor: 10dB }' });

const track = z.strictObject({
  /** How often the power is checked (logged continuously in between). */
  every: q.duration_s({ positive: true }),
  /** Re-align when the power has fallen this far below the aligned power. */
  drop: q.ratio_dB({ positive: true }),
  /**
   * How long the step keeps tracking after the first alignment, in watched time (re-alignments come on
   * top, each bounded by max_time); after a resume, only what the recorded checks had not yet watched.
   */
  for: q.duration_s({ min: 0 }).default(0),
}, { error: 'expected { every: 60s, drop: 0.5dB, for: 8h }' });

const heightScan = z.strictObject({
  axis: axisName.default('Z'),
  range: q.length_um({ positive: true, max: 100 }).default(8),
  search_range: q.length_um({ positive: true, max: 300 }).optional(),
  speed: q.velocity_um_s({ positive: true }).default(500),
  /**
   * Averaging of each logged sample: the parabola drops only hundredths of a dB over the scan, so samples
   * average longer than the lateral ones (a meter's noise falls as √time); at 500 µm/s a 2 ms sample spans
   * 1 µm, more than the ripple's λ/2 period, which averages most of it out.
   */
  sample_time: q.duration_s({ min: 1e-6, max: 0.1 }).default(2e-3),
}, { error: 'expected { range: 8um, search_range: 24um, speed: 500um/s, sample_time: 2ms, axis: Z }' });

export const alignSchema = z.strictObject({
  /** Meter role and channel that sees the coupled light. */
  meter: z.string().default('meter'),
  channel: q.count({ min: 1 }).default(1),
  stage: z.string().default('stage'),
  /** The two stage axes swept (first = x, second = y of the search plane). */
  axes: z.tuple([axisName, axisName], { error: 'expected two stage axes, e.g. [X, Y]' })
    .refine(([a, b]) => a !== b, { error: 'expected two different stage axes' })
    .default(['X', 'Y']),
  /** Centre of the search (default: where the stage stands when the step starts), µm per axis. */
  center: z.record(z.string(), q.length_um()).optional(),
  search_radius: q.length_um({ positive: true, max: 2000 }).default(35),
  /**
   * Spacing of first-light lines / points. Default: fly spiral 16 µm, fly raster 18 µm (no point of the
   * area more than ~9 µm from a flown line: light shows ~10 µm off the peak of a weak, narrow-mode chip
   * 10 dB over the floor); step-and-read 10 µm.
   */
  pitch: q.length_um({ positive: true, max: 200 }).optional(),
  /** Fly mode: the square spiral from the centre (legs along one axis at a time); step mode: Archimedean. */
  first_light: z.enum(FIRST_LIGHT_METHODS, { error: 'expected raster or spiral' }).default('spiral'),
  threshold: threshold.default({ above_floor: 10 }),
  fine: z.enum(FINE_METHODS, { error: 'expected fit, gradient or simplex' }).default('fit'),
  fly: q.onOff().default(true),
  /** Stage velocity during fly scans and the moves between them (the user's is put back afterwards). */
  fly_velocity: q.velocity_um_s({ positive: true }).default(10_000),
  /** Stage acceleration (and deceleration) for the same; default: the controller's own, left as it is. */
  fly_acceleration: q.acceleration_um_s2({ positive: true }).optional(),
  /** Averaging time of each logged sample during a fly line. */
  sample_time: q.duration_s({ min: 1e-6, max: 0.1 }).default(4e-4),
  /** Averaging time of each step-and-read reading. */
  averaging: q.duration_s({ min: 1e-6, max: 10 }).default(2e-3),
  /** Averaging time of the final power reading. */
  final_averaging: q.duration_s({ min: 1e-6, max: 10 }).default(0.02),
  /**
   * Final position accuracy aimed at (1σ of the fitted centre per axis), µm: refinement lines are added
   * until the fit is this good. 0.15 µm costs about 0.01 dB on a 5 µm profile.
   */
  accuracy: q.length_um({ positive: true }).default(0.15),
  /** Bench-time budget of each alignment, first light to final reading (a re-alignment while tracking gets its own); not of the tracking. */
  max_time: q.duration_s({ positive: true }).default(60),
  /** 2 for a loopback (both fibers of the array couple), 1 for a single coupler: turns the scan radius into the chip's mode radius. */
  couplers: z.union([z.literal(1), z.literal(2)], { error: 'expected 1 or 2 couplers' }).default(2),
  /** Fiber mode radius (SMF-28 at 1550 nm: 5.2 µm), for the chip mode radius. */
  fiber_mode_radius: q.length_um({ positive: true }).default(5.2),
  track: track.optional(),
  /**
   * Start fine peaking where the stage stands, with no first-light search, when a reading there shows
   * light (a wafer run's predicted optimum, docs/wafer.md); else, or if peaking loses it, search as usual.
   */
  skip_first_light: q.onOff().default(false),
  /** The least power at the start that counts as light (default: the threshold when absolute, else -50 dBm). */
  start_light: q.power_dBm().optional(),
  /**
   * After the lateral alignment, the best fiber height by a Z fly scan (height-scan.ts), the fiber left there
   * and `z_um` measured: `{ range: 8um }` scans ±8 µm around where the fiber stands (a wafer run's predicted
   * height); a best height beyond that is searched again over ±`search_range` (default 3 × range).
   */
  height_scan: heightScan.optional(),
}).refine((p) => !p.height_scan || !p.axes.includes(p.height_scan.axis), {
  error: 'height_scan.axis: expected the height axis, not one of the lateral axes',
  path: ['height_scan', 'axis'],
}).refine((p) => !p.center || Object.keys(p.center).every((k) => p.axes.includes(k)), {
  error: 'center: expected positions for the step\'s axes only (e.g. { X: 12500um, Y: 12500um })',
  path: ['center'],
});

export type AlignParams = z.output<typeof alignSchema>;
export type TrackParams = NonNullable<AlignParams['track']>;

/** The pitch used when none is given. */
export function defaultPitch_um(p: Pick<AlignParams, 'fly' | 'pitch' | 'first_light'>): number {
  return p.pitch ?? (p.fly ? (p.first_light === 'spiral' ? 16 : 18) : 10);
}
