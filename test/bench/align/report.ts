// The benchmark's table: per method, success, share within 0.05 dB of the true peak, readings, bench
// time and loss quantiles, and the speed-up of the align step against it.

export interface Outcome {
  ok: boolean;
  error?: string;
  time_s: number;
  readings: number;
  loss_dB: number;
}

export function quantile(values: readonly number[], q: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return (v[lo] as number) + ((v[hi] as number) - (v[lo] as number)) * (pos - lo);
}

export const medianTime_s = (r: readonly Outcome[]): number => quantile(r.filter((o) => o.ok).map((o) => o.time_s), 0.5);

export const HEADER = ['method', 'success', '≤0.05 dB', 'readings (median)', 'bench s (median)', 'bench s (p90)',
  'loss dB (median)', 'loss dB (p95)', 'loss dB (max)', 'align faster by'];

/** One row; `reference` is the align step's median bench time (the speed-up column). */
export function summaryRow(name: string, r: readonly Outcome[], reference_s?: number): string[] {
  const ok = r.filter((o) => o.ok);
  const within = ok.filter((o) => o.loss_dB <= 0.05).length;
  const f = (v: number, d: number): string => (Number.isFinite(v) ? v.toFixed(d) : '—');
  const median = medianTime_s(r);
  return [
    name,
    `${((100 * ok.length) / r.length).toFixed(0)} %`,
    `${((100 * within) / r.length).toFixed(0)} %`,
    f(quantile(ok.map((o) => o.readings), 0.5), 0),
    f(median, 3),
    f(quantile(ok.map((o) => o.time_s), 0.9), 3),
    f(quantile(ok.map((o) => o.loss_dB), 0.5), 4),
    f(quantile(ok.map((o) => o.loss_dB), 0.95), 4),
    f(ok.length ? Math.max(...ok.map((o) => o.loss_dB)) : NaN, 4),
    reference_s === undefined ? '' : `${f(median / reference_s, 1)}×`,
  ];
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}
