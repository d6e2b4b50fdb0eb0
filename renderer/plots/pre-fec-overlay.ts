// The pre-FEC run's sensitivity on the waterfall: a bar along the threshold line across the sensitivity's
// interval, a tick at the sensitivity, and the post-FEC verdict written beside it.
import type uPlot from 'uplot';
import type { PreFecView } from '../results/pre-fec-view.ts';

export const PRE_FEC_COLOUR = '#5d4037';
const PASS = '#2e7d32';
const FAIL = '#c62828';

export function drawPreFecBar(u: uPlot, v: PreFecView | null, ratio: number): void {
  if (!v || v.sensitivity_dBm === null) return;
  const ctx = u.ctx;
  const y = u.valToPos(v.threshold, 'y', true);
  const xm = u.valToPos(v.sensitivity_dBm, 'x', true);
  if (![y, xm].every(Number.isFinite)) return;
  ctx.strokeStyle = PRE_FEC_COLOUR;
  ctx.lineWidth = 2 * ratio;
  ctx.beginPath();
  if (v.low_dBm !== null && v.high_dBm !== null) {
    const x0 = u.valToPos(v.low_dBm, 'x', true), x1 = u.valToPos(v.high_dBm, 'x', true);
    ctx.moveTo(x0, y); ctx.lineTo(x1, y);
    ctx.moveTo(x0, y - 5 * ratio); ctx.lineTo(x0, y + 5 * ratio);
    ctx.moveTo(x1, y - 5 * ratio); ctx.lineTo(x1, y + 5 * ratio);
  }
  ctx.moveTo(xm, y - 9 * ratio); ctx.lineTo(xm, y + 9 * ratio);
  ctx.stroke();
  if (v.pass === null) return;
  ctx.fillStyle = v.pass ? PASS : FAIL;
  ctx.fillText(v.pass ? 'post-FEC: pass' : 'post-FEC: FAIL', xm + 6 * ratio, y - 8 * ratio);
}
