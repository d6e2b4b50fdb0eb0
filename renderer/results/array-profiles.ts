// Each channel's scan beside its model, for the fiber-array view: the channel's readings of the last
// lines through the final pose (phase `channel-optimum`, or the whole scan before there are any) as
// power against the distance from the channel's fitted optimum, and the model the step fitted for it
// (`channel<N>`: P = best − (20/ln10)·r²/R²) as a curve over the same distances. Pure: the component draws it.
import type { FitRecord } from '../api/types.ts';
import type { ColumnTable } from './column-table.ts';

export interface ChannelProfile {
  channel: number;
  /** Readings: distance from the fitted optimum (µm) and power (dBm). */
  points: { r_um: number; power_dBm: number }[];
  /** The model over 0…the farthest reading (empty until the step has fitted the channel). */
  model: { r_um: number; power_dBm: number }[];
  best_dBm: number | null;
}

const CHANNEL_COLUMN = /^power_ch(\d+)_dBm$/;

export function channelProfiles(scan: ColumnTable, fits: ReadonlyMap<string, FitRecord>): ChannelProfile[] {
  const phase = scan.values('phase');
  const last = phase.some((p) => p === 'channel-optimum') ? 'channel-optimum' : null;
  const rows = phase.flatMap((p, i) => (last === null || p === last ? [i] : []));
  const xs = scan.col('x_um');
  const ys = scan.col('y_um');
  return scan.columns.flatMap((name) => {
    const m = CHANNEL_COLUMN.exec(name);
    if (!m) return [];
    const channel = Number(m[1]);
    const fit = fits.get(`channel${channel}`);
    const p = fit?.parameters;
    const x0 = p?.['x0_um']?.value;
    const y0 = p?.['y0_um']?.value;
    const best = p?.['best_dBm']?.value;
    const R = p?.['radius_um']?.value;
    const power = scan.col(name);
    const cx = x0 ?? mean(rows.map((i) => xs[i] as number));
    const cy = y0 ?? mean(rows.map((i) => ys[i] as number));
    const points = rows
      .map((i) => ({ r_um: Math.hypot((xs[i] as number) - cx, (ys[i] as number) - cy), power_dBm: power[i] as number }))
      .filter((q) => Number.isFinite(q.power_dBm) && q.power_dBm > -900);
    const far = Math.max(1, ...points.map((q) => q.r_um));
    const model = best !== undefined && R !== undefined && R > 0
      ? Array.from({ length: 41 }, (_, k) => {
        const r = (far * k) / 40;
        return { r_um: r, power_dBm: best - ((20 / Math.LN10) * r * r) / (R * R) };
      })
      : [];
    return [{ channel, points, model, best_dBm: best ?? null }];
  });
}

function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
}
