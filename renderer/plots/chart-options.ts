// uPlot options for the result plots, one builder per plot, sharing colours and axis styling. The
// measurement is always drawn as points in the data colour, the model as a line in the model colour, so
// a technician reads every plot the same way. Overlays uPlot has no series for (error bars, the
// sensitivity marker, points not counted) are drawn in draw hooks from the plot data.
import uPlot from 'uplot';
import { formatBer } from '../format/quantity.ts';
import type { WaterfallPlotData } from '../results/waterfall-plot.ts';
import { PRE_FEC_COLOUR, drawPreFecBar } from './pre-fec-overlay.ts';

export const COLOURS = {
  data: '#1565c0',
  model: '#d84315',
  provisional: '#ef6c00',
  bound: '#6a1b9a',
  residual: '#2e7d32',
  marker: '#c62828',
  qModel: '#00838f',
  grid: 'rgba(0,0,0,0.08)',
};

const FONT = '11px system-ui, sans-serif';

export function axis(label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return { label, font: FONT, labelFont: '12px system-ui, sans-serif', labelSize: 16, grid: { stroke: COLOURS.grid, width: 1 }, ticks: { stroke: COLOURS.grid, width: 1 }, ...extra };
}

function dots(colour: string, size = 5, fill?: string): uPlot.Series['points'] {
  return { show: true, size, stroke: colour, fill: fill ?? colour, width: 1 };
}

/** Measured points (optionally joined) and a model line on one x. */
export function measuredVsModel(p: {
  width: number; height: number; x: string; y: string; measured: string; model: string; provisional: boolean; joinPoints?: boolean; pointSize?: number;
}): uPlot.Options {
  return {
    width: p.width, height: p.height,
    scales: { x: { time: false } },
    legend: { live: false },
    cursor: { drag: { x: true, y: true, uni: 30 } },
    axes: [axis(p.x), axis(p.y, { size: 56 })],
    series: [
      { label: p.x },
      {
        label: p.measured, stroke: COLOURS.data, width: p.joinPoints ? 1 : 0,
        // A dense series is a line without markers (a marker of size 0 would be drawn with a negative radius).
        paths: p.joinPoints ? undefined : () => null, points: p.pointSize === 0 ? { show: false } : dots(COLOURS.data, p.pointSize ?? 4), spanGaps: true,
      },
      {
        label: p.model, stroke: p.provisional ? COLOURS.provisional : COLOURS.model, width: 2, dash: p.provisional ? [6, 4] : undefined,
        points: { show: false }, spanGaps: true,
      },
    ],
  };
}

/** Grid lines at decades only (every second or third when the axis spans many). */
export function decadeSplits(min: number, max: number): number[] {
  if (!(min > 0 && max > min)) return [];
  const lo = Math.ceil(Math.log10(min) - 1e-9), hi = Math.floor(Math.log10(max) + 1e-9);
  const every = Math.max(1, Math.ceil((hi - lo + 1) / 9));
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) if (e % every === 0) out.push(Number(`1e${e}`)); // exact, unlike 10 ** e
  return out;
}

/** Labels only at decades (1e-3, 1e-6, ...), fewer when the axis spans many: a log axis stays legible. */
export function decadeLabels(splits: number[]): string[] {
  const decades = splits.filter((v) => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  const every = decades.length > 8 ? Math.ceil(decades.length / 8) : 1;
  return splits.map((v) => {
    if (!(v > 0)) return '';
    const e = Math.log10(v);
    if (Math.abs(e - Math.round(e)) > 1e-9 || Math.round(e) % every !== 0) return '';
    return `1e${Math.round(e)}`;
  });
}

/** Beyond this many points a series is drawn as a line (uPlot thins lines per pixel; markers it cannot). */
export const DENSE_POINTS = 2000;

/**
 * The residual axis: symmetric about zero (so the eye sees a bias), padded, never narrower than `floor`;
 * otherwise uPlot's automatic range on a short panel leaves one tick ("0") and no scale at all.
 */
export function residualRange(min: number | null, max: number | null, floor = 0.01): [number, number] {
  const m = Math.max(Math.abs(Number.isFinite(min) ? (min as number) : 0), Math.abs(Number.isFinite(max) ? (max as number) : 0));
  const half = Math.max(m * 1.15, floor);
  return [-half, half];
}

/** Residuals (measured − model) as points around a zero line; a dense series as a thin line. */
export function residualOptions(p: { width: number; height: number; x: string; y: string; dense?: boolean }): uPlot.Options {
  return {
    width: p.width, height: p.height,
    scales: { x: { time: false }, y: { range: (_u, min, max) => residualRange(min, max) } },
    legend: { show: false },
    // Ticks closer than uPlot's default spacing: a residual panel is short, and its scale must be readable.
    axes: [axis(p.x), axis(p.y, { size: 56, space: 16 })],
    series: [{}, p.dense
      ? { label: 'residual', stroke: COLOURS.residual, width: 1, points: { show: false } }
      : { label: 'residual', stroke: COLOURS.residual, width: 0, paths: () => null, points: dots(COLOURS.residual, 4) }],
    hooks: {
      draw: [(u) => {
        const y0 = u.valToPos(0, 'y', true);
        if (!Number.isFinite(y0) || y0 < u.bbox.top || y0 > u.bbox.top + u.bbox.height) return;
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = COLOURS.model;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(u.bbox.left, y0);
        ctx.lineTo(u.bbox.left + u.bbox.width, y0);
        ctx.stroke();
        ctx.restore();
      }],
    },
  };
}

/** The BER waterfall: log BER axis, measured points with intervals, bounds, the model and the sensitivity. */
export function waterfallOptions(width: number, height: number, plot: () => WaterfallPlotData | null): uPlot.Options {
  const provisional = plot()?.source === 'provisional';
  return {
    width, height,
    scales: { x: { time: false }, y: { distr: 3, log: 10 } },
    legend: { live: false },
    axes: [axis('received power (dBm)'), axis('BER', { size: 64, splits: (_u, _i, min, max) => decadeSplits(min, max), values: (_u, splits) => decadeLabels(splits) })],
    series: [
      { label: 'power (dBm)' },
      { label: 'measured BER', stroke: COLOURS.data, width: 0, paths: () => null, points: dots(COLOURS.data, 7) },
      { label: 'upper bound (0 errors)', stroke: COLOURS.bound, width: 0, paths: () => null, points: dots(COLOURS.bound, 7, '#fff') },
      { label: provisional ? 'model (provisional fit)' : `model (step fit, ${plot()?.model?.method ?? ''})`, stroke: provisional ? COLOURS.provisional : COLOURS.model, width: 2, dash: provisional ? [6, 4] : undefined, points: { show: false }, spanGaps: true },
      { label: `other fit (${plot()?.alternate?.method ?? '—'})`, stroke: '#8d6e63', width: 1, dash: [3, 3], points: { show: false }, spanGaps: true, show: plot()?.alternate != null },
      { label: 'receiver model (Q ∝ P, fitted to the counts)', stroke: COLOURS.qModel, width: 2, points: { show: false }, spanGaps: true, show: plot()?.qModel != null },
      // Both bounds named: uPlot's legend calls an unlabelled series 'Value'.
      { label: `model interval (${Math.round((plot()?.qModel?.confidence ?? 0.95) * 100)} %), low`, stroke: COLOURS.qModel, width: 1, dash: [2, 3], points: { show: false }, spanGaps: true, show: plot()?.qModel != null },
      { label: 'high', stroke: COLOURS.qModel, width: 1, dash: [2, 3], points: { show: false }, spanGaps: true, show: plot()?.qModel != null },
      { label: `pre-FEC threshold (${plot()?.preFec?.threshold ?? ''})`, stroke: PRE_FEC_COLOUR, width: 1.5, dash: [8, 4], points: { show: false }, spanGaps: true, show: plot()?.preFec != null },
    ],
    hooks: { draw: [(u) => drawWaterfallOverlays(u, plot())] },
  };
}

function drawWaterfallOverlays(u: uPlot, d: WaterfallPlotData | null): void {
  if (!d) return;
  const ctx = u.ctx;
  const ratio = uPlot.pxRatio;
  ctx.save();
  // uPlot leaves the axes' text alignment on the context.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  // Confidence intervals of the counted points.
  ctx.strokeStyle = COLOURS.data;
  ctx.lineWidth = 1.2 * ratio;
  for (const p of d.points) {
    if (p.lower === null || p.upper === null || !(p.upper > 0)) continue;
    const x = u.valToPos(p.power_dBm, 'x', true);
    const lo = u.valToPos(Math.max(p.lower, u.scales['y']?.min ?? p.lower), 'y', true);
    const hi = u.valToPos(p.upper, 'y', true);
    if (![x, lo, hi].every(Number.isFinite)) continue;
    ctx.beginPath();
    ctx.moveTo(x, lo); ctx.lineTo(x, hi);
    ctx.moveTo(x - 3 * ratio, hi); ctx.lineTo(x + 3 * ratio, hi);
    if (p.lower > 0) { ctx.moveTo(x - 3 * ratio, lo); ctx.lineTo(x + 3 * ratio, lo); }
    ctx.stroke();
  }
  // The receiver model's sensitivity and its interval: a bar at the target BER.
  const q = d.qModel;
  if (q) {
    const y = u.valToPos(q.targetBer, 'y', true);
    const x0 = u.valToPos(q.low_dBm, 'x', true), x1 = u.valToPos(q.high_dBm, 'x', true), xm = u.valToPos(q.sensitivity_dBm, 'x', true);
    if ([y, x0, x1, xm].every(Number.isFinite)) {
      ctx.strokeStyle = COLOURS.qModel;
      ctx.lineWidth = 2 * ratio;
      ctx.beginPath();
      ctx.moveTo(x0, y); ctx.lineTo(x1, y);
      ctx.moveTo(x0, y - 5 * ratio); ctx.lineTo(x0, y + 5 * ratio);
      ctx.moveTo(x1, y - 5 * ratio); ctx.lineTo(x1, y + 5 * ratio);
      ctx.moveTo(xm, y - 8 * ratio); ctx.lineTo(xm, y + 8 * ratio);
      ctx.stroke();
    }
  }
  drawPreFecBar(u, d.preFec, ratio);
  // Points that could not be counted (sync lost, skipped): a cross on the power axis, one caption for all.
  ctx.strokeStyle = COLOURS.marker;
  ctx.fillStyle = COLOURS.marker;
  ctx.lineWidth = 1.2 * ratio;
  ctx.font = `${10 * ratio}px system-ui, sans-serif`;
  const bottom = u.bbox.top + u.bbox.height - 8 * ratio;
  for (const p of d.uncounted) {
    const x = u.valToPos(p.power_dBm, 'x', true);
    if (!Number.isFinite(x)) continue;
    ctx.beginPath();
    ctx.moveTo(x - 4 * ratio, bottom - 4 * ratio); ctx.lineTo(x + 4 * ratio, bottom + 4 * ratio);
    ctx.moveTo(x + 4 * ratio, bottom - 4 * ratio); ctx.lineTo(x - 4 * ratio, bottom + 4 * ratio);
    ctx.stroke();
  }
  if (d.uncounted.length) {
    const byStatus = new Map<string, number>();
    for (const p of d.uncounted) byStatus.set(p.status, (byStatus.get(p.status) ?? 0) + 1);
    const caption = `× not counted: ${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')}`;
    ctx.fillText(caption, u.bbox.left + 6 * ratio, bottom - 10 * ratio);
  }
  // The receiver specification's sensitivity at the target, when the step was given one.
  if (d.predicted_dBm !== null) {
    const x = u.valToPos(d.predicted_dBm, 'x', true);
    if (Number.isFinite(x) && x >= u.bbox.left && x <= u.bbox.left + u.bbox.width) {
      ctx.strokeStyle = '#6d4c41';
      ctx.setLineDash([2 * ratio, 3 * ratio]);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#6d4c41';
      ctx.fillText(`receiver spec ${d.predicted_dBm.toFixed(2)} dBm`, x + 4 * ratio, u.bbox.top + 12 * ratio);
    }
  }
  // The sensitivity: where the model crosses the target BER.
  const m = d.model;
  if (m && m.sensitivity_dBm !== null && m.targetBer !== null) {
    const x = u.valToPos(m.sensitivity_dBm, 'x', true), y = u.valToPos(m.targetBer, 'y', true);
    if (Number.isFinite(x) && Number.isFinite(y)) {
      ctx.strokeStyle = COLOURS.marker;
      ctx.setLineDash([4 * ratio, 4 * ratio]);
      ctx.lineWidth = 1 * ratio;
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.arc(x, y, 5 * ratio, 0, 2 * Math.PI);
      ctx.stroke();
      const sigma = m.sensitivitySigma_dB !== null ? ` ± ${m.sensitivitySigma_dB.toFixed(2)}` : '';
      const label = `sensitivity ${m.sensitivity_dBm.toFixed(2)}${sigma} dBm @ BER ${formatBer(m.targetBer)}${m.extrapolated ? ' (extrapolated)' : ''}`;
      ctx.font = `600 ${11 * ratio}px system-ui, sans-serif`;
      const w = ctx.measureText(label).width;
      const lx = Math.max(u.bbox.left + 4 * ratio, Math.min(x + 8 * ratio, u.bbox.left + u.bbox.width - w - 4 * ratio));
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(lx - 2 * ratio, y - 18 * ratio, w + 4 * ratio, 15 * ratio);
      ctx.fillStyle = COLOURS.marker;
      ctx.fillText(label, lx, y - 6 * ratio);
    }
  }
  ctx.restore();
}
