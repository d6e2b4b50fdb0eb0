// The alignment heat map on uPlot's axes: every reading drawn where it was taken, coloured by power
// (brightest on top), at equal µm per pixel on both axes so circles stay circles; the fitted peak, the
// tolerance contours (0.5 dB, 1 dB) and iso-power rings of the fitted Gaussian over it; a colour bar in
// the right margin (so a PNG of the canvas explains itself).
import uPlot from 'uplot';
import type { AlignHeatmapData } from '../results/align-plot.ts';
import { axis, COLOURS } from './chart-options.ts';

/** A perceptually ordered ramp (viridis-like), dark = little light. */
const RAMP = ['#440154', '#46327e', '#365c8d', '#277f8e', '#1fa187', '#4ac16d', '#a0da39', '#fde725'];

export function rampColour(f: number): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t));
  const a = hex(RAMP[i] as string), b = hex(RAMP[i + 1] as string), k = t - i;
  return `rgb(${Math.round(a[0] + (b[0] - a[0]) * k)},${Math.round(a[1] + (b[1] - a[1]) * k)},${Math.round(a[2] + (b[2] - a[2]) * k)})`;
}

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

const COLOURBAR_PX = 96;
const TOLERANCE = '#ff1744';

/**
 * Where each ring's label goes (radians, canvas y down): the two tolerance rings are a few pixels apart, so
 * their labels sit on opposite sides (upper right, lower left); the iso rings' on the other diagonal.
 */
const LABEL_ANGLES = { tolerance: [-Math.PI / 4, (3 * Math.PI) / 4], iso: [(-3 * Math.PI) / 4, Math.PI / 4] } as const;

/** Text with a halo of the other contrast, so it reads over any colour of the map. */
function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, alignRight: boolean, fill: string, halo: string): void {
  const ratio = uPlot.pxRatio;
  ctx.font = `600 ${10 * ratio}px system-ui, sans-serif`;
  ctx.textAlign = alignRight ? 'right' : 'left';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3 * ratio;
  ctx.strokeStyle = halo;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = fill;
  ctx.fillText(text, x, y);
}

export type HeatmapView = 'full' | 'peak';

/** Half-width of the 'peak' view in fitted radii (the radial profile covers the same). */
const PEAK_VIEW_RADII = 3;

/**
 * Scale ranges with equal µm per pixel: the whole scan ('full'), or the fitted peak's neighbourhood
 * ('peak', where the tolerance contours are legible), padded.
 */
function squareRange(u: uPlot, d: AlignHeatmapData | null, which: 'x' | 'y', view: HeatmapView): uPlot.Range.MinMax {
  if (!d?.bounds) return [0, 1];
  let { x, y } = d.bounds;
  if (d.fit && view === 'peak') {
    const r = PEAK_VIEW_RADII * d.fit.radius_um;
    x = { min: d.fit.x0_um - r, max: d.fit.x0_um + r };
    y = { min: d.fit.y0_um - r, max: d.fit.y0_um + r };
  } else if (d.fit) {
    const r = Math.max(0, ...d.contours.map((c) => c.radius_um));
    x = { min: Math.min(x.min, d.fit.x0_um - r), max: Math.max(x.max, d.fit.x0_um + r) };
    y = { min: Math.min(y.min, d.fit.y0_um - r), max: Math.max(y.max, d.fit.y0_um + r) };
  }
  const w = Math.max(1, u.bbox.width), h = Math.max(1, u.bbox.height);
  const spanX = Math.max(x.max - x.min, 1), spanY = Math.max(y.max - y.min, 1);
  const perPx = Math.max(spanX / w, spanY / h) * 1.08;
  const c = which === 'x' ? (x.min + x.max) / 2 : (y.min + y.max) / 2;
  const half = (perPx * (which === 'x' ? w : h)) / 2;
  return [c - half, c + half];
}

export function heatmapOptions(width: number, height: number, data: () => AlignHeatmapData | null, view: () => HeatmapView = () => 'full'): uPlot.Options {
  return {
    width, height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: false, range: (u) => squareRange(u, data(), 'x', view()) },
      y: { range: (u) => squareRange(u, data(), 'y', view()) },
    },
    axes: [
      axis('x (µm)'),
      axis('y (µm)', { size: 64 }),
      { scale: 'y', side: 1, size: COLOURBAR_PX, show: true, grid: { show: false }, ticks: { show: false }, values: () => [] },
    ],
    series: [{}, { show: true, stroke: 'transparent', width: 0, paths: () => null, points: { show: false } }],
    hooks: { draw: [(u) => drawHeatmap(u, data())] },
  };
}

function drawHeatmap(u: uPlot, d: AlignHeatmapData | null): void {
  if (!d || d.points === 0 || !d.power) return;
  const ctx = u.ctx, ratio = uPlot.pxRatio;
  const { min, max } = d.power;
  const span = Math.max(max - min, 1e-9);
  const order = Array.from({ length: d.points }, (_, i) => i).sort((a, b) => (d.power_dBm[a] as number) - (d.power_dBm[b] as number));
  // Cells about the scan pitch on screen: dense fly lines get small cells, a sparse grid large ones.
  const size = (d.points < 400 ? 9 : d.points < 3000 ? 6 : 4) * ratio;
  ctx.save();
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  for (const i of order) {
    const p = d.power_dBm[i] as number;
    if (!Number.isFinite(p)) continue;
    const x = u.valToPos(d.x_um[i] as number, 'x', true), y = u.valToPos(d.y_um[i] as number, 'y', true);
    ctx.fillStyle = rampColour((p - min) / span);
    ctx.fillRect(x - size / 2, y - size / 2, size, size);
  }
  const pxPerUm = Math.abs(u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true));
  if (d.fit) {
    const cx = u.valToPos(d.fit.x0_um, 'x', true), cy = u.valToPos(d.fit.y0_um, 'y', true);
    const nth = { tolerance: 0, iso: 0 };
    for (const c of d.contours) {
      const r = c.radius_um * pxPerUm;
      ctx.setLineDash(c.kind === 'tolerance' ? [] : [5 * ratio, 4 * ratio]);
      if (c.kind === 'iso') {
        // White dashes on a dark under-stroke: visible over the bright core and the dark floor alike.
        ctx.strokeStyle = 'rgba(0,0,0,0.55)';
        ctx.lineWidth = 2.5 * ratio;
        ctx.beginPath();
        ctx.arc(cx, cy, r, 0, 2 * Math.PI);
        ctx.stroke();
      }
      ctx.strokeStyle = c.kind === 'tolerance' ? TOLERANCE : '#fff';
      ctx.lineWidth = (c.kind === 'tolerance' ? 2 : 1.2) * ratio;
      ctx.beginPath();
      ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
      const a = LABEL_ANGLES[c.kind][nth[c.kind]++ % 2] as number;
      label(ctx, c.label, cx + (r + 3 * ratio) * Math.cos(a), cy + (r + 3 * ratio) * Math.sin(a), Math.cos(a) < 0,
        c.kind === 'tolerance' ? TOLERANCE : '#222', 'rgba(255,255,255,0.9)');
    }
    ctx.strokeStyle = TOLERANCE;
    ctx.lineWidth = 2 * ratio;
    ctx.beginPath();
    ctx.moveTo(cx - 9 * ratio, cy); ctx.lineTo(cx + 9 * ratio, cy);
    ctx.moveTo(cx, cy - 9 * ratio); ctx.lineTo(cx, cy + 9 * ratio);
    ctx.stroke();
  }
  if (d.best) {
    const bx = u.valToPos(d.best.x_um, 'x', true), by = u.valToPos(d.best.y_um, 'y', true);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1.5 * ratio;
    ctx.beginPath();
    ctx.arc(bx, by, 6 * ratio, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
  drawColourBar(u, min, max);
}

function drawColourBar(u: uPlot, min: number, max: number): void {
  const ctx = u.ctx, ratio = uPlot.pxRatio;
  const left = u.bbox.left + u.bbox.width + 14 * ratio, top = u.bbox.top + 6 * ratio;
  const h = u.bbox.height - 12 * ratio, w = 14 * ratio;
  const grad = ctx.createLinearGradient(0, top + h, 0, top);
  for (let k = 0; k <= 10; k++) grad.addColorStop(k / 10, rampColour(k / 10));
  ctx.save();
  ctx.textAlign = 'left';
  ctx.fillStyle = grad;
  ctx.fillRect(left, top, w, h);
  ctx.strokeStyle = COLOURS.grid;
  ctx.strokeRect(left, top, w, h);
  ctx.fillStyle = '#222';
  ctx.font = `${10 * ratio}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    ctx.fillText(`${v.toFixed(1)}${k === 4 ? ' dBm' : ''}`, left + w + 4 * ratio, top + h - (h * k) / 4);
  }
  ctx.restore();
}
