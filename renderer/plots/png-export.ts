// PNG of a plot for reports: uPlot draws data and axes on one canvas; the title and the legend are HTML,
// so they are painted onto a white card around a copy of that canvas. Also any canvas (the heat map).
import type uPlot from 'uplot';

const PAD = 12;
const TITLE_PX = 16;
const LEGEND_PX = 13;

function seriesColour(s: uPlot.Series): string {
  const stroke = typeof s.stroke === 'function' ? null : s.stroke;
  return typeof stroke === 'string' ? stroke : '#333';
}

function label(s: uPlot.Series): string {
  return typeof s.label === 'string' ? s.label : (s.label?.textContent ?? '');
}

/** A PNG data URL of the canvas with a title above and a legend of `entries` below. */
export function canvasToPng(source: HTMLCanvasElement, title: string, entries: { label: string; colour: string }[] = []): string {
  const ratio = window.devicePixelRatio || 1;
  const w = source.width, titleH = title ? (TITLE_PX + PAD) * ratio : 0, legendH = entries.length ? (LEGEND_PX + PAD) * ratio : 0;
  const out = document.createElement('canvas');
  out.width = w + 2 * PAD * ratio;
  out.height = source.height + titleH + legendH + 2 * PAD * ratio;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('PNG export: the browser gave no 2-D canvas context');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#111';
  ctx.textBaseline = 'top';
  if (title) {
    ctx.font = `600 ${TITLE_PX * ratio}px system-ui, sans-serif`;
    ctx.fillText(title, PAD * ratio, PAD * ratio);
  }
  ctx.drawImage(source, PAD * ratio, PAD * ratio + titleH);
  let x = PAD * ratio;
  const y = PAD * ratio + titleH + source.height + (PAD / 2) * ratio;
  ctx.font = `${LEGEND_PX * ratio}px system-ui, sans-serif`;
  for (const e of entries) {
    ctx.fillStyle = e.colour;
    ctx.fillRect(x, y + 3 * ratio, 14 * ratio, 4 * ratio);
    x += 18 * ratio;
    ctx.fillStyle = '#111';
    ctx.fillText(e.label, x, y);
    x += ctx.measureText(e.label).width + 16 * ratio;
  }
  return out.toDataURL('image/png');
}

export function chartToPng(chart: uPlot, title: string): string {
  const entries = chart.series.slice(1).filter((s) => s.show !== false && label(s)).map((s) => ({ label: label(s), colour: seriesColour(s) }));
  return canvasToPng(chart.ctx.canvas, title, entries);
}

/** Saves text or a data URL as a file through a temporary link (the browser's download). */
export function download(name: string, content: { text: string; mimeType: string } | { dataUrl: string }): void {
  const a = document.createElement('a');
  let revoke: string | null = null;
  if ('dataUrl' in content) a.href = content.dataUrl;
  else {
    revoke = URL.createObjectURL(new Blob([content.text], { type: content.mimeType }));
    a.href = revoke;
  }
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(() => URL.revokeObjectURL(revoke as string), 1000);
}
