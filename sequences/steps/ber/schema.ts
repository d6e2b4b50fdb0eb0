// The YAML body of a `ber` step, what it may ask of the bench, and how long it takes. Pure: no I/O.
//   - ber:
//       attenuation: { start: 6dB, stop: 10dB, step: 0.25dB }   # or a list: [6dB, 6.5dB, ...]
//       target: 1e-12
//       confidence: 95%
//       max_dwell: 200s
//       mode: pre-fec                     # PAM4 behind KP4 FEC: sensitivity at the pre-FEC threshold (pre-fec.ts)
//       threshold: 2.4e-4
import { z } from 'zod';
import { bitsToClaim as bitsToClaimAt, timeToClaim_s } from '../../../models/confidence.ts';
import { BERT_PATTERNS } from '../../../drivers/roles/bert.ts';
import { checkRange, requireRole } from '../../capabilities.ts';
import { q } from '../../schema/q.ts';
import type { BenchInfo, TableSpec, ValidationIssue } from '../../step.ts';
import { errorsForPrecision } from './dwell.ts';
import { PRE_FEC_MEASUREMENTS, countingTarget, fecTable, preFecThreshold } from './pre-fec.ts';
import { DEFAULT_EDGE_POINTS, confirmEdgeSchema } from './sync-edge.ts';
import { QSCAN_MEASUREMENTS, qScanSchema, qScanTable, validateQScan } from './q-scan.ts';

/** A waterfall fit needs at least five points with errors (PHYSICS.md). */
export const MIN_WATERFALL_POINTS = 5;
/** Line rate assumed for estimates when the step does not set one: 25GbE/100GbE lanes. */
const DEFAULT_RATE_GBPS = 25.78125;

const range = z.strictObject({
  start: q.ratio_dB({ min: 0 }),
  stop: q.ratio_dB({ min: 0 }),
  step: q.ratio_dB({ positive: true }),
}, { error: 'expected { start: 6dB, stop: 10dB, step: 0.25dB } or a list of attenuations' });

const attenuation = z.union([z.array(q.ratio_dB({ min: 0 })).min(1), range],
  { error: 'expected { start: 6dB, stop: 10dB, step: 0.25dB } or a list of attenuations such as [6dB, 7dB]' });

const receiver = z.strictObject({
  /** The receiver's sensitivity (average power) at `at`, e.g. from its datasheet. */
  sensitivity: q.power_dBm(),
  at: q.ber().default(1e-12),
  kind: z.enum(['thermal', 'shot'], { error: 'expected thermal or shot' }).default('thermal'),
}, { error: 'expected { sensitivity: -12dBm, at: 1e-12, kind: thermal }' });

export const berSchema = z.strictObject({
  voa: z.string().default('voa'),
  bert: z.string().default('bert'),
  meter: z.string().default('meter'),
  laser: z.string().default('laser'),
  /** Meter channel that reads the received power (the sim's port 1, the splitter's other arm). */
  channel: q.count().default(1),
  /** BERT input power minus the meter channel's reading (the splitter's known imbalance). */
  power_offset: q.ratio_dB().default(0),
  /** Averaging time of the received-power reading. */
  averaging: q.duration_s({ min: 1e-6, max: 10 }).default(0.1),
  attenuation,
  /** The BER the sensitivity refers to, and that the highest-power points are shown to be below. */
  target: q.ber().default(1e-12),
  confidence: q.fraction({ positive: true, max: 0.999999 }).default(0.95),
  /** Relative half-width of a measured point's interval at `confidence`. */
  precision: q.fraction({ positive: true, max: 0.99 }).default(0.5),
  max_dwell: q.duration_s({ positive: true }).default(200),
  /** Shortest gate (each costs a few exchanges). */
  min_gate: q.duration_s({ min: 1e-3 }).default(0.01),
  /** Counting: chained gates (default) or one gate read while it runs. */
  counting: z.enum(['gates', 'live'], { error: 'expected gates or live' }).default('gates'),
  /** Measure a point only if the trend of the points before it gives a claim within max_dwell at least this likely. */
  min_reach: q.fraction({ positive: true, max: 1 }).default(0.8),
  /** Skip points above a power where BER ≤ target was already shown. */
  skip_above_bounded: q.onOff().default(true),
  /** How often a point whose gate lost pattern sync is counted again once sync is back (0: mark it sync-lost at once). */
  sync_retries: q.count({ min: 0, max: 5 }).default(1),
  /**
   * When the sweep first locks after no-sync points, check the no-sync points just weaker again, walking weaker
   * while they lock (a sync loss on the link, not the waterfall's edge): on (8 points at most), off, or a count.
   */
  confirm_edge: confirmEdgeSchema.default(DEFAULT_EDGE_POINTS),
  rate: q.rate_Gbps({ positive: true }).optional(),
  pattern: z.enum(BERT_PATTERNS, { error: `expected one of ${BERT_PATTERNS.join(', ')}` }).optional(),
  wavelength: q.wavelength_nm({ positive: true }).optional(),
  /**
   * The reported sensitivity: the waterfall fit of PHYSICS.md's log10(−log10 BER) ('loglog') or of 20·log10 Q
   * ('q'), both over points counted down towards the target; or 'extrapolate': count only down to `fit_from`,
   * fit the receiver model (Q linear in power) to the counts and report its sensitivity at `target` with an
   * interval at `confidence` — counting on down directly if the fit's quality falls short.
   */
  method: z.enum(['loglog', 'q', 'extrapolate'], { error: 'expected loglog, q or extrapolate' }).default('loglog'),
  /** With method: extrapolate, the lowest BER counted: points predicted below it are left to the model. */
  fit_from: q.ber().default(1e-9),
  /** Stop a point as soon as its errors show BER > target at the confidence, where counting it to precision would cost more than its claim. */
  early_stop: q.onOff().default(true),
  /** The receiver's specification, for the model's prediction of the sensitivity beside the measured one. */
  receiver: receiver.optional(),
  /** After the sweep: the BER against the decision threshold at one attenuation, and Q from the bathtub's walls. */
  q_scan: qScanSchema.optional(),
  /**
   * 'direct' (default): the sensitivity at `target`. 'pre-fec': a PAM4 line behind KP4 FEC — the sensitivity at the
   * pre-FEC `threshold`, each point's FEC analysis, and the post-FEC verdict at that power.
   */
  mode: z.enum(['direct', 'pre-fec'], { error: 'expected direct or pre-fec' }).default('direct'),
  /** With mode: pre-fec, the pre-FEC BER the link's FEC corrects to error-free (KP4: 2.4e-4). */
  threshold: q.ber().optional(),
  /** With mode: pre-fec, the gate at the sensitivity that must see no uncorrectable codeword. */
  post_fec_dwell: q.duration_s({ positive: true, max: 86400 }).default(1),
});

export type BerParams = z.output<typeof berSchema>;

/** The attenuations in measuring order: highest first (highest BER, quickest points), so each later point is predicted from the trend. */
export function attenuations_dB(p: Pick<BerParams, 'attenuation'>): number[] {
  const a = p.attenuation;
  let list: number[];
  if (Array.isArray(a)) list = [...a];
  else {
    const lo = Math.min(a.start, a.stop), hi = Math.max(a.start, a.stop);
    const n = Math.floor((hi - lo) / a.step + 1e-9) + 1;
    list = Array.from({ length: n }, (_, k) => Number((lo + k * a.step).toFixed(9)));
  }
  return [...new Set(list)].sort((x, y) => y - x);
}

export const BER_COLUMNS = ['attenuation_dB', 'power_dBm', 'bits', 'errors', 'ber', 'ber_upper', 'ber_lower', 'confidence', 'dwell_s', 'status'];

export function berTables(p: BerParams): TableSpec[] {
  return [...(p.q_scan ? [qScanTable()] : []), ...(p.mode === 'pre-fec' ? [fecTable(p)] : []), {
    name: 'ber',
    columns: BER_COLUMNS,
    description: `loopback BER vs received power (meter channel ${p.channel}${p.power_offset ? ` + ${p.power_offset} dB` : ''}); ` +
      `status measured: ±${p.precision * 100} % at the confidence, Garwood interval; bounded: BER ≤ ${p.target} shown, [0, one-sided bound]; ` +
      'limited: max dwell, Garwood interval; failed: BER > target shown at the confidence (early stop), Garwood interval; ' +
      'sync-lost/no-sync: counts not valid; skipped: predicted unreachable, or left to the model (extrapolate, no power read)',
  }];
}

export function berMeasurements(p: BerParams): Record<string, string> {
  return {
    sensitivity_dBm: 'dBm', sensitivitySigma_dB: 'dB', rSquared: '', sensitivityExtrapolated: '',
    ...(p.method === 'extrapolate' ? { sensitivityLow_dBm: 'dBm', sensitivityHigh_dBm: 'dBm', modelUsed: '' } : {}),
    sensitivityQ_dBm: 'dBm', slopeQ_dB_per_dB: 'dB/dB',
    ...(p.receiver ? { predictedSensitivity_dBm: 'dBm', margin_dB: 'dB' } : {}),
    boundedPower_dBm: 'dBm',
    points: '', measuredPoints: '', skippedPoints: '', syncLostPoints: '', syncRetriedPoints: '', edgeRetriedPoints: '', dwell_s: 's',
    ...(p.q_scan ? QSCAN_MEASUREMENTS : {}),
    ...(p.mode === 'pre-fec' ? PRE_FEC_MEASUREMENTS : {}),
  };
}

export function validateBer(p: BerParams, bench: BenchInfo): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const atts = attenuations_dB(p);
  if (!Array.isArray(p.attenuation) && p.attenuation.start === p.attenuation.stop) {
    issues.push({ field: 'attenuation.stop', message: 'expected stop to differ from start' });
  }
  if (atts.length < MIN_WATERFALL_POINTS) {
    issues.push({ field: 'attenuation', message: `${atts.length} attenuation points; the waterfall fit needs at least ${MIN_WATERFALL_POINTS} points with errors` });
  }
  const att = requireRole(bench, p.voa, 'voa', 'voa');
  if ('message' in att) issues.push(att);
  else {
    for (const a of [atts[0], atts.at(-1)]) if (a !== undefined) issues.push(...checkRange(bench, p.voa, 'attenuation_dB', a, 'attenuation', 'voa'));
  }
  const bert = requireRole(bench, p.bert, 'bert', 'bert');
  if ('message' in bert) issues.push(bert);
  else {
    if (p.rate !== undefined) issues.push(...checkRange(bench, p.bert, 'lineRate_Gbps', p.rate, 'rate', 'bert'));
    if (p.mode === 'pre-fec' && bert.lineCodings && !bert.lineCodings.includes('PAM4')) {
      issues.push({ field: 'mode', message: `pre-fec needs a PAM4 BERT with KP4 FEC analysis; bert '${p.bert}' (${bert.driver}) has ${bert.lineCodings.join(', ')} lines only` });
    }
  }
  issues.push(...validatePreFec(p));
  const meter = requireRole(bench, p.meter, 'meter', 'meter');
  if ('message' in meter) issues.push(meter);
  else if (meter.channels && !meter.channels.includes(p.channel)) {
    issues.push({ field: 'channel', message: `meter '${p.meter}' has no channel ${p.channel} (it has ${meter.channels.join(', ')})` });
  }
  if (p.wavelength !== undefined) issues.push(...checkRange(bench, p.laser, 'wavelength_nm', p.wavelength, 'wavelength', 'laser'));
  const target = countingTarget(p);
  const claim_s = timeToClaim_s(target, p.confidence, p.rate ?? DEFAULT_RATE_GBPS);
  if (p.max_dwell < claim_s) {
    issues.push({ field: 'max_dwell', message: `${p.max_dwell} s cannot show BER ≤ ${target} at ${p.confidence * 100} % ` +
      `(that takes ${claim_s.toPrecision(3)} s without errors at ${p.rate ?? DEFAULT_RATE_GBPS} Gb/s)` });
  }
  if (p.method === 'extrapolate' && !(p.fit_from > p.target)) {
    issues.push({ field: 'fit_from', message: `${p.fit_from} must be a BER above the target ${p.target}: the model extrapolates from fit_from down to the target` });
  }
  if (p.q_scan) issues.push(...validateQScan(p.q_scan));
  if (p.min_gate > p.max_dwell) issues.push({ field: 'min_gate', message: `${p.min_gate} s is longer than max_dwell (${p.max_dwell} s)` });
  try {
    errorsForPrecision(p.precision, p.confidence);
  } catch (err) {
    issues.push({ field: 'precision', message: (err as Error).message });
  }
  return issues;
}

/** What mode: pre-fec rules out, and a threshold without it. */
function validatePreFec(p: BerParams): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (p.mode !== 'pre-fec') {
    if (p.threshold !== undefined) issues.push({ field: 'threshold', message: 'a pre-FEC threshold applies to mode: pre-fec only (the direct mode counts against target)' });
    return issues;
  }
  if (p.threshold !== undefined && !(p.threshold > 0 && p.threshold < 0.5)) {
    issues.push({ field: 'threshold', message: `${p.threshold}: expected a pre-FEC bit error ratio in (0, 0.5), e.g. 2.4e-4 for KP4` });
  }
  if (p.method === 'extrapolate') issues.push({ field: 'method', message: 'expected loglog or q with mode: pre-fec: the threshold is counted directly, nothing is left to extrapolate' });
  if (p.q_scan) issues.push({ field: 'q_scan', message: 'the threshold scan is an NRZ measurement (one decision threshold); a PAM4 line has three' });
  if (p.receiver) issues.push({ field: 'receiver', message: "the receiver's specification predicts an NRZ sensitivity; it does not apply to mode: pre-fec" });
  return issues;
}

/** Per point: VOA settling, the power reading and a few gates' exchanges, s. */
const POINT_OVERHEAD_S = 0.15;

/**
 * A sweep from high to low BER spends about one zero-error claim of the target (2.996/target bits at 95 %),
 * plus seconds on the points with errors, plus the overhead of each point; a point whose claim fails costs
 * up to another claim, hence the margin.
 */
export function estimateBer_s(p: BerParams): number {
  const rate = p.rate ?? DEFAULT_RATE_GBPS;
  if (p.mode === 'pre-fec') {
    // Points end within a few claims of the threshold (microseconds) but each counts at least min_gate.
    const perPoint = POINT_OVERHEAD_S + p.averaging + p.min_gate + bitsToClaimAt(preFecThreshold(p), p.confidence) / (rate * 1e9);
    return attenuations_dB(p).length * perPoint + p.post_fec_dwell + POINT_OVERHEAD_S + p.averaging;
  }
  if (p.method === 'extrapolate') {
    // Counting stops near fit_from: a few of its precision counts, plus each point's overhead.
    const minErrors = errorsForPrecision(p.precision, p.confidence);
    return (3 * minErrors) / p.fit_from / (rate * 1e9) + attenuations_dB(p).length * (POINT_OVERHEAD_S + p.averaging);
  }
  const claim_s = Math.min(timeToClaim_s(p.target, p.confidence, rate), p.max_dwell);
  return 1.3 * claim_s + attenuations_dB(p).length * (POINT_OVERHEAD_S + p.averaging);
}
