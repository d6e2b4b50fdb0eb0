// The ber step's `mode: pre-fec` (PAM4 lines behind KP4 FEC): the sweep counts each point against the pre-FEC
// threshold instead of 1e-12 (so every point takes a fraction of a second), the BERT's FEC analysis of each
// point is recorded beside it (codewords, symbol errors, uncorrectable codewords, the histogram of symbol
// errors per codeword), the sensitivity is where the waterfall crosses the threshold (with its interval at
// the step's confidence), and one check at that power gives the post-FEC verdict: no uncorrectable codeword
// in `post_fec_dwell`, and the post-FEC BER bound those codewords allow (models/kp4-fec.ts).
import { KP4_BER } from '../../../models/ber.ts';
import { KP4, postFecBerBound } from '../../../models/kp4-fec.ts';
import { erfcinv } from '../../../models/numerics/special.ts';
import type { Bert, BertFecResults } from '../../../drivers/roles/bert.ts';
import type { FitRecord, Measurement, Row, StepContext, TableSpec } from '../../step.ts';
import type { BerParams } from './schema.ts';
import type { SweptPoint } from './waterfall-report.ts';

/** The pre-FEC threshold a step counts against (KP4's 2.4e-4 unless `threshold` says otherwise). */
export function preFecThreshold(p: Pick<BerParams, 'threshold'>): number {
  return p.threshold ?? KP4_BER;
}

/** The BER each point's dwell proves itself above or below: the pre-FEC threshold in pre-fec mode, else `target`. */
export function countingTarget(p: Pick<BerParams, 'mode' | 'threshold' | 'target'>): number {
  return p.mode === 'pre-fec' ? preFecThreshold(p) : p.target;
}

const HISTOGRAM_COLUMNS = [...Array.from({ length: KP4.t + 1 }, (_, k) => `cw_${k}`), `cw_over_${KP4.t}`];
export const FEC_COLUMNS = ['kind', 'attenuation_dB', 'power_dBm', 'bits', 'errors', 'pre_fec_ber', 'codewords', 'symbol_errors',
  'uncorrectable', 'post_fec_ber_upper', ...HISTOGRAM_COLUMNS];

export function fecTable(p: BerParams): TableSpec {
  return {
    name: 'fec',
    columns: FEC_COLUMNS,
    description: `KP4 RS(544,514) analysis of each point's gate (kind sweep) and of the post-FEC check at the sensitivity ` +
      `(kind post-fec): bits and bit errors of that gate, pre-FEC BER, virtual 5440-bit codewords, 10-bit symbol errors, ` +
      `uncorrectable codewords (> ${KP4.t} symbol errors), the post-FEC BER bound at ${p.confidence * 100} % (≤ the codeword error ` +
      `ratio's one-sided bound), and cw_k: codewords with k symbol errors`,
  };
}

export const PRE_FEC_MEASUREMENTS: Record<string, string> = {
  preFecThreshold: '', preFecSensitivity_dBm: 'dBm', preFecSensitivitySigma_dB: 'dB', preFecSensitivityLow_dBm: 'dBm', preFecSensitivityHigh_dBm: 'dBm',
  postFecCheckPower_dBm: 'dBm', postFecCheckPreFecBer: '', postFecCodewords: '', postFecUncorrectable: '', postFecBerUpper: '', postFecPass: '',
};

export function fecRow(kind: 'sweep' | 'post-fec', attenuation_dB: number, power_dBm: number, f: BertFecResults, confidence: number): Row {
  const row: Row = {
    kind, attenuation_dB, power_dBm: Number.isFinite(power_dBm) ? power_dBm : '', bits: f.bits, errors: f.errors,
    pre_fec_ber: f.bits > 0 ? f.errors / f.bits : '', codewords: f.codewords, symbol_errors: f.symbolErrors, uncorrectable: f.uncorrectable,
    post_fec_ber_upper: f.codewords > 0 ? postFecBerBound(f.codewords, f.uncorrectable, confidence) : '',
  };
  HISTOGRAM_COLUMNS.forEach((c, i) => (row[c] = f.histogram[i] ?? 0));
  return row;
}

/** The FEC analysis of the gate just counted, where the BERT has one. */
export async function readFec(bert: Bert): Promise<BertFecResults> {
  if (!bert.fecResults) throw new Error(`${bert.driverName} (${bert.session.resource}) reads no FEC analysis`);
  return bert.fecResults();
}

/**
 * The sensitivity at the threshold with its two-sided interval at `confidence`: from the 20·log10 Q fit where
 * there is one — near the threshold the PAM4 waterfall is straight in Q, while log10(−log10 BER) bends there
 * (≈ 0.05 dB low at 2.4e-4 on the simulator's links, test/bench/ber-pam4.bench.ts) — else the step's own fit.
 */
export function preFecSensitivity(m: Readonly<Record<string, Measurement>>, p: BerParams, fits: Readonly<Record<string, FitRecord>> = {}): Record<string, Measurement> {
  const q = fits['waterfall-q']?.parameters['sensitivity_dBm'];
  const s = q?.value ?? m['sensitivity_dBm']?.value;
  const sigma = q ? q.sigma : m['sensitivitySigma_dB']?.value;
  const out: Record<string, Measurement> = { preFecThreshold: { value: preFecThreshold(p), unit: '' } };
  if (s === undefined || sigma === undefined || !Number.isFinite(s)) return out;
  const z = Math.SQRT2 * erfcinv(1 - p.confidence);
  return {
    ...out,
    preFecSensitivity_dBm: { value: s, unit: 'dBm' },
    preFecSensitivitySigma_dB: { value: sigma, unit: 'dB' },
    preFecSensitivityLow_dBm: { value: s - z * sigma, unit: 'dBm' },
    preFecSensitivityHigh_dBm: { value: s + z * sigma, unit: 'dBm' },
  };
}

/** Power + attenuation: the link's constant while only the VOA moves (the median over the counted points). */
function linkConstant_dB(points: readonly SweptPoint[]): number | undefined {
  const c = points.filter((x) => Number.isFinite(x.power_dBm) && x.status !== 'no-sync').map((x) => x.power_dBm + x.attenuation_dB).sort((a, b) => a - b);
  return c[Math.floor(c.length / 2)];
}

export interface PostFecCheck {
  measurements: Record<string, Measurement>;
  row: Row;
  message: string;
  pass: boolean;
}

/** Headroom for the check's gate to be reported closed, s. */
const GATE_WAIT_MARGIN_S = 30;

/**
 * The post-FEC check: the VOA set for the sensitivity's power (within the swept attenuations), one gate of
 * `post_fec_dwell`, and its uncorrectable codewords. Passing needs none, and no loss of sync.
 */
export async function postFecCheck(ctx: StepContext, p: BerParams, bert: Bert, points: readonly SweptPoint[], sensitivity_dBm: number,
  readPower_dBm: () => Promise<number>, attenuations: readonly number[]): Promise<PostFecCheck | string> {
  const c = linkConstant_dB(points);
  if (c === undefined) return 'no power reading to set the post-FEC check by';
  const lo = Math.min(...attenuations), hi = Math.max(...attenuations);
  const wanted = c - sensitivity_dBm;
  const attenuation_dB = Number(Math.min(hi, Math.max(lo, wanted)).toFixed(3));
  const voa = ctx.bench.get(p.voa, 'voa');
  await voa.setAttenuation_dB(attenuation_dB);
  await voa.waitSettled();
  const power_dBm = await readPower_dBm();
  const rate = (await bert.lineRate_Gbps()) * 1e9;
  if (bert.bitGates === 'any') await bert.setGate({ mode: 'bits', bits: Math.max(1000, Math.round(p.post_fec_dwell * rate)) });
  else await bert.setGate({ mode: 'time', period_s: Math.max(1, Math.ceil(p.post_fec_dwell)) });
  await bert.startGate();
  await bert.waitGate(p.post_fec_dwell + GATE_WAIT_MARGIN_S);
  const f = await readFec(bert);
  const pass = f.uncorrectable === 0 && !f.syncLost && f.sync && f.codewords > 0;
  const bound = f.codewords > 0 ? postFecBerBound(f.codewords, f.uncorrectable, p.confidence) : 1;
  const preBer = f.bits > 0 ? f.errors / f.bits : Number.NaN;
  const clamped = Math.abs(attenuation_dB - wanted) > 1e-3 ? ` (the sensitivity's ${wanted.toFixed(2)} dB lies outside the swept attenuations)` : '';
  const message = f.syncLost || !f.sync
    ? `post-FEC check at ${power_dBm.toFixed(2)} dBm: pattern sync lost during the gate; no verdict`
    : `post-FEC check at ${power_dBm.toFixed(2)} dBm, ${attenuation_dB} dB${clamped}: pre-FEC BER ${preBer.toExponential(2)}, ` +
      `${f.uncorrectable} uncorrectable of ${f.codewords.toExponential(3)} codewords — ${pass ? 'pass' : 'FAIL'}; ` +
      `post-FEC BER ≤ ${bound.toExponential(2)} at ${p.confidence * 100} %`;
  return {
    pass, message,
    row: fecRow('post-fec', attenuation_dB, power_dBm, f, p.confidence),
    measurements: {
      postFecCheckPower_dBm: { value: power_dBm, unit: 'dBm' },
      postFecCheckPreFecBer: { value: preBer, unit: '' },
      postFecCodewords: { value: f.codewords, unit: '' },
      postFecUncorrectable: { value: f.uncorrectable, unit: '' },
      postFecBerUpper: { value: bound, unit: '' },
      postFecPass: { value: pass ? 1 : 0, unit: '' },
    },
  };
}

/** The 'pre-fec' fit record: what a waterfall plot draws for a pre-FEC run (threshold line, sensitivity bar, verdict). */
export function preFecFit(m: Readonly<Record<string, Measurement>>, p: BerParams): FitRecord {
  const v = (k: string): number | undefined => m[k]?.value;
  const s = v('preFecSensitivity_dBm');
  const extra: Record<string, number | string | boolean> = { threshold: preFecThreshold(p), confidence: p.confidence, fec: 'KP4 RS(544,514)' };
  for (const [k, name] of [['preFecSensitivityLow_dBm', 'intervalLow_dBm'], ['preFecSensitivityHigh_dBm', 'intervalHigh_dBm'],
    ['postFecCodewords', 'postFecCodewords'], ['postFecUncorrectable', 'postFecUncorrectable'], ['postFecBerUpper', 'postFecBerUpper'],
    ['postFecCheckPower_dBm', 'postFecCheckPower_dBm']] as const) {
    const x = v(k);
    if (x !== undefined && Number.isFinite(x)) extra[name] = x;
  }
  const pass = v('postFecPass');
  if (pass !== undefined) extra['postFecPass'] = pass === 1;
  return {
    parameters: s === undefined ? {} : { sensitivity_dBm: { value: s, sigma: v('preFecSensitivitySigma_dB') ?? 0, unit: 'dBm' } },
    extra,
  };
}
