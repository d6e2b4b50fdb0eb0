// Each channel's scan map beside its model, for the fiber-array view: the channel's readings in the
// X–Y plane about its fitted optimum (every line and raster row that logged it, within a window of a
// few mode radii), and the model the step fitted for it (`channel<N>`: P = best − (20/ln10)·r²/R²) on a
// grid over the same window. Both share one colour scale: the top is the brighter of the best reading
// and the model's best, the floor SPAN_DB below. Pure: the component draws it.
import type { FitRecord } from '../api/types.ts';
import type { ColumnTable } from './column-table.ts';

/** The map's half width in mode radii (the fit's R), and without a fit, µm. */
const WINDOW_R = 2;
const WINDOW_UM = 10;
/** Cells per side of the model grid. */
const GRID = 16;
/** The colour scale spans this far below its top, dB. */
export const SPAN_DB = 10;

export interface ChannelMap {
  channel: number;
  /** Centre of the map (the fitted optimum, or the readings' brightest) and its half width, µm. */
  x0_um: number;
  y0_um: number;
  half_um: number;
  /** Readings inside the window: offsets from the centre, µm, and power, dBm. */
  points: { dx_um: number; dy_um: number; power_dBm: number }[];
  /** The model on GRID × GRID cells (row-major from −half to +half in y, then x); empty without a fit. */
  model: { dx_um: number; dy_um: number; power_dBm: number }[];
  cell_um: number;
  /** The colour scale's top, dBm (floor = top − SPAN_DB). */
  top_dBm: number;
}

const CHANNEL_COLUMN = /^power_ch(\d+)_dBm$/;

export function channelMaps(scan: ColumnTable, fits: ReadonlyMap<string, FitRecord>): ChannelMap[] {
  const xs = scan.col('x_um');
  const ys = scan.col('y_um');
  return scan.columns.flatMap((name) => {
    const m = CHANNEL_COLUMN.exec(name);
    if (!m) return [];
    const channel = Number(m[1]);
    const power = Array.from(scan.col(name));
    const valid = power.flatMap((p, i) => (Number.isFinite(p) && p > -900 ? [i] : []));
    if (valid.length === 0) return [];
    const p = fits.get(`channel${channel}`)?.parameters;
    const best = p?.['best_dBm']?.value;
    const R = p?.['radius_um']?.value;
    const brightest = valid.reduce((a, i) => ((power[i] as number) > (power[a] as number) ? i : a), valid[0] as number);
    const x0 = p?.['x0_um']?.value ?? (xs[brightest] as number);
    const y0 = p?.['y0_um']?.value ?? (ys[brightest] as number);
    const fitted = best !== undefined && R !== undefined && R > 0;
    const half = fitted ? WINDOW_R * (R as number) : WINDOW_UM;
    const points = valid
      .map((i) => ({ dx_um: (xs[i] as number) - x0, dy_um: (ys[i] as number) - y0, power_dBm: power[i] as number }))
      .filter((q) => Math.abs(q.dx_um) <= half && Math.abs(q.dy_um) <= half);
    const cell = (2 * half) / GRID;
    const model = fitted
      ? Array.from({ length: GRID * GRID }, (_, k) => {
        const dx = -half + cell * ((k % GRID) + 0.5);
        const dy = -half + cell * (Math.floor(k / GRID) + 0.5);
        return { dx_um: dx, dy_um: dy, power_dBm: (best as number) - ((20 / Math.LN10) * (dx * dx + dy * dy)) / ((R as number) ** 2) };
      })
      : [];
    const top = Math.max(fitted ? (best as number) : -Infinity, ...points.map((q) => q.power_dBm), power[brightest] as number);
    return [{ channel, x0_um: x0, y0_um: y0, half_um: half, points, model, cell_um: cell, top_dBm: top }];
  });
}

/** 0 at the scale's floor (or below), 1 at its top. */
export function shade(power_dBm: number, top_dBm: number): number {
  return Math.min(1, Math.max(0, 1 - (top_dBm - power_dBm) / SPAN_DB));
}
