// The YAML body of a `sweep` step, what it may ask of the bench, and how long it takes. Pure: no I/O.
//   - sweep: { start: 1520nm, stop: 1580nm, step: 10pm, speed: 20nm/s }              # continuous (default)
//   - sweep: { mode: step, start: 1530nm, stop: 1570nm, step: 0.5nm, averaging: 20ms }
import { z } from 'zod';
import { checkRange, requireRole } from '../../capabilities.ts';
import { q } from '../../schema/q.ts';
import type { BenchInfo, TableSpec, ValidationIssue } from '../../step.ts';
import type { SpectrumReference } from './spectrum.ts';

export const SWEEP_MODES = ['continuous', 'step'] as const;
/** A 1 % tap: the DUT gets 99 %, the monitor 1 %, so input = monitor + 10·log10(99). */
export const ONE_PERCENT_TAP_DB = 19.96;
/** The meter's logging function holds at most this many samples (Keysight N77xx). */
export const MAX_LOGGED_SAMPLES = 1_000_000;
/** The continuous-sweep averaging time by default: this share of the time between two triggers. */
const DEFAULT_AVERAGING_SHARE = 0.5;
const DEFAULT_STEP_AVERAGING_S = 0.01;

/** 'monitor', or the input power in dBm. */
const reference = z.unknown().transform((raw, ctx): 'monitor' | number => {
  if (raw === 'monitor') return 'monitor';
  const parsed = q.power_dBm().safeParse(raw);
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: 'custom', message: `expected monitor or an input power (e.g. 0dBm), got ${JSON.stringify(raw)}` });
  return z.NEVER;
});

export const sweepSchema = z.strictObject({
  mode: z.enum(SWEEP_MODES, { error: 'expected continuous or step' }).default('continuous'),
  laser: z.string().default('laser'),
  meter: z.string().default('meter'),
  /** Meter channel behind the DUT (the sim's port 1). */
  channel: q.count().default(1),
  /** Meter channel on the input tap (the sim's port 2), for the monitor reference. */
  monitor_channel: q.count().default(2),
  start: q.wavelength_nm({ positive: true }),
  stop: q.wavelength_nm({ positive: true }),
  /** Between logged samples (continuous) or wavelength steps (step). */
  step: q.wavelength_nm({ positive: true }),
  /** Continuous sweeps only. */
  speed: q.speed_nm_s({ positive: true }).default(10),
  /** Averaging time of each reading; default half the time between triggers (continuous) or 10 ms (step). */
  averaging: q.duration_s({ min: 1e-6, max: 10 }).optional(),
  /** Laser power; default: as the laser is set. */
  power: q.power_dBm().optional(),
  /** `monitor` (the input-monitor channel plus monitor_tap) or the power launched into the DUT, e.g. `0dBm`. */
  reference: reference.default('monitor'),
  /** Power into the DUT minus power on the monitor channel. */
  monitor_tap: q.ratio_dB().default(ONE_PERCENT_TAP_DB),
  /** Loss between the DUT's output and the output channel (e.g. a 50/50 splitter: 3.01dB). */
  output_loss: q.ratio_dB().default(0),
  /** Fit only points within this many dB of the lowest loss (a grating is a parabola in dB near its peak only). */
  fit_window: q.ratio_dB({ positive: true }).default(6),
}).refine((p) => p.stop > p.start, { error: 'expected stop above start', path: ['stop'] });

export type SweepParams = z.output<typeof sweepSchema>;

export function spectrumReference(p: SweepParams): SpectrumReference {
  return p.reference === 'monitor' ? { kind: 'monitor', tap_dB: p.monitor_tap } : { kind: 'fixed', input_dBm: p.reference };
}

/** Number of wavelengths: ⌊span/step⌋ + 1, as the laser counts its triggers. */
export function sweepPoints(p: Pick<SweepParams, 'start' | 'stop' | 'step'>): number {
  return Math.floor((p.stop - p.start) / p.step + 1e-9) + 1;
}

/** Seconds between two triggers of a continuous sweep. */
export function triggerInterval_s(p: Pick<SweepParams, 'step' | 'speed'>): number {
  return p.step / p.speed;
}

export function averaging_s(p: SweepParams): number {
  if (p.averaging !== undefined) return p.averaging;
  return p.mode === 'continuous' ? DEFAULT_AVERAGING_SHARE * triggerInterval_s(p) : DEFAULT_STEP_AVERAGING_S;
}

export const SPECTRUM_COLUMNS = ['wavelength_nm', 'power_dBm', 'reference_dBm', 'loss_dB'];

export function sweepTables(p: SweepParams): TableSpec[] {
  const ref = p.reference === 'monitor'
    ? `input = monitor channel ${p.monitor_channel} + ${p.monitor_tap} dB`
    : `input = ${p.reference} dBm (given)`;
  return [{
    name: 'spectrum',
    columns: SPECTRUM_COLUMNS,
    description: `${p.mode} sweep; power_dBm on channel ${p.channel}; loss_dB = input − (power + ${p.output_loss} dB); ${ref}`,
  }];
}

export function sweepMeasurements(): Record<string, string> {
  return {
    centre_nm: 'nm', centreSigma_nm: 'nm',
    peakLoss_dB: 'dB', peakLossSigma_dB: 'dB',
    bandwidth1dB_nm: 'nm', bandwidth1dBSigma_nm: 'nm',
    rSquared: '', minLoss_dB: 'dB', points: '',
  };
}

export function validateSweep(p: SweepParams, bench: BenchInfo): ValidationIssue[] {
  const issues: ValidationIssue[] = [
    ...checkRange(bench, p.laser, 'wavelength_nm', p.start, 'start', 'laser'),
    ...checkRange(bench, p.laser, 'wavelength_nm', p.stop, 'stop', 'laser'),
  ];
  if (p.power !== undefined) issues.push(...checkRange(bench, p.laser, 'power_dBm', p.power, 'power', 'laser'));
  if (p.step > p.stop - p.start) issues.push({ field: 'step', message: `a step of ${p.step} nm is wider than the span ${p.stop - p.start} nm` });
  if (p.mode === 'continuous') {
    issues.push(...checkRange(bench, p.laser, 'sweepSpeed_nm_s', p.speed, 'speed', 'laser'));
    const interval = triggerInterval_s(p);
    if (averaging_s(p) >= interval) {
      issues.push({ field: 'averaging', message: `${averaging_s(p)} s is not shorter than the ${interval} s between triggers ` +
        `(step ${p.step} nm at ${p.speed} nm/s): the meter would miss triggers` });
    }
    if (sweepPoints(p) > MAX_LOGGED_SAMPLES) {
      issues.push({ field: 'step', message: `${sweepPoints(p)} samples exceed the meter's logging limit of ${MAX_LOGGED_SAMPLES}; use a larger step` });
    }
  }
  const meter = requireRole(bench, p.meter, 'meter', 'meter');
  if ('message' in meter) return [...issues, meter];
  const channels = meter.channels;
  const wanted: [string, number][] = [['channel', p.channel]];
  if (p.reference === 'monitor') wanted.push(['monitor_channel', p.monitor_channel]);
  for (const [field, ch] of wanted) {
    if (channels && !channels.includes(ch)) issues.push({ field, message: `meter '${p.meter}' has no channel ${ch} (it has ${channels.join(', ')})` });
  }
  if (p.reference === 'monitor' && p.channel === p.monitor_channel) {
    issues.push({ field: 'monitor_channel', message: `the monitor channel must differ from the output channel (${p.channel})` });
  }
  return issues;
}

/** Laser settling after a wavelength step: about 10 ms plus 1 ms per nm, at most 50 ms (N777x class), s. */
function stepSettle_s(step_nm: number): number {
  return Math.min(0.05, 0.01 + 0.001 * step_nm);
}
/** Exchanges per step point (wavelength, settle poll, meter wavelengths, reading, output check), s. */
const STEP_OVERHEAD_S = 0.005;
/** Preparing a continuous sweep (slew to start, arming) and fetching its logs, s. */
const CONTINUOUS_OVERHEAD_S = 1;

export function estimateSweep_s(p: SweepParams): number {
  if (p.mode === 'continuous') return (p.stop - p.start) / p.speed + CONTINUOUS_OVERHEAD_S;
  return sweepPoints(p) * (stepSettle_s(p.step) + averaging_s(p) + STEP_OVERHEAD_S);
}
