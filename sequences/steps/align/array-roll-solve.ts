// Y and roll (W) of a fiber array solved together from one Y line and one W line, every channel fitted
// on its own (pure logic). Why not alternate Y and W lines: with `objective: min` the optimum sits on a
// kink where two channels are equally weak, and a line along one axis at a time stalls on such a
// ridge; and a roll from the least-squares slope of the channels' Y optima ignores that the channels
// differ in loss and that each coupler has its own small offset.
//
// The model (exact for Gaussian modes, and close to one near any peak): each channel's dB is a sum over
// the fibers on its path (a looped-back pair's two fibers, or one fiber twice through its loop mirror)
// of −k·(Y + g_f·θ − y_f)², where g_f = s_f·π/180 is how far fiber f, s_f µm from the pivot along the
// array, moves in Y per degree of roll. So from the Y line's parabola (a, bY, cYY) the geometry gives
// the roll terms' curvature, cθθ = cYY·mean(g_f²), and the cross term, cYθ = 2·cYY·mean(g_f); the W line
// measures the slope in roll, which for a pair depends on where each of its two fibers would peak (not
// seen on a Y line, which sees only their mean). The objective of all channels is then maximised on a
// grid over the box the two lines flew.
import type { ChannelLineFit } from './array-fly-search.ts';
import type { Objective } from './array-search.ts';
import { scoreOf } from './array-search.ts';

/** One channel's dB as a quadratic in (y µm, t °) about the Y line's centre and the roll it was flown at. */
export interface ChannelYW {
  index: number;
  a: number;
  bY: number;
  bT: number;
  cYY: number;
  cTT: number;
  cYT: number;
}

export function valueYW(m: ChannelYW, y: number, t: number): number {
  return m.a + m.bY * y + m.bT * t + m.cYY * y * y + m.cTT * t * t + m.cYT * y * t;
}

/**
 * Each channel's (y, t) model from its Y-line fit (centred at the Y line's centre, flown at roll θc + t1°)
 * and its W-line fit (flown at y1 µm from that centre, centred at θc), with `places_um` the places along the
 * array of the fibers on its path. Null when the Y line's parabola does not open downwards. The step flies
 * W first and Y where it ended (y1 = 0, t1 its offset); both offsets are kept, the model being the same.
 */
export function channelModel(yFit: ChannelLineFit, wFit: ChannelLineFit, places_um: readonly number[], y1_um: number, t1_deg = 0): ChannelYW | null {
  if (!(yFit.c < 0) || places_um.length === 0) return null;
  const g = places_um.map((s) => (s * Math.PI) / 180);
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const cYT = 2 * yFit.c * mean(g);
  const cTT = yFit.c * mean(g.map((x) => x * x));
  // The W line's slope at its centre, less what the cross term adds for flying it y1 off the Y line's centre.
  const bT = wFit.b - cYT * y1_um;
  // A Y line flown t1 off the W line's centre (the W line flown first): its slope and level carry the
  // cross and roll terms there, taken back to θc.
  const bY = yFit.b - cYT * t1_deg;
  const a = yFit.a - bT * t1_deg - cTT * t1_deg * t1_deg;
  return { index: yFit.index, a, bY, bT, cYY: yFit.c, cTT, cYT };
}

/**
 * A channel's own best on its model: the top of the quadratic when it has one (a looped-back pair, whose
 * two fibers roll apart), else — a ridge, one fiber rolled along Y — the top of its Y profile, the same
 * whatever the roll. NaN when the quadratic does not open downwards.
 */
export function ownBestYW(m: ChannelYW): number {
  if (!(m.cYY < 0)) return Number.NaN;
  // ∇ = 0: [2cYY cYT; cYT 2cTT]·(y, t) = −(bY, bT).
  const det = 4 * m.cYY * m.cTT - m.cYT * m.cYT;
  if (det > 1e-9 * Math.abs(4 * m.cYY * m.cTT)) {
    const y = (-m.bY * 2 * m.cTT + m.bT * m.cYT) / det;
    const t = (-2 * m.cYY * m.bT + m.cYT * m.bY) / det;
    return valueYW(m, y, t);
  }
  return m.a - (m.bY * m.bY) / (4 * m.cYY);
}

/** The (y, t) within the box that maximises the objective of the models (coarse grid, then a finer one about its best). */
export function solveYW(models: readonly ChannelYW[], objective: Objective, box: { y: [number, number]; t: [number, number] }): { y: number; t: number; value: number } {
  let best = { y: (box.y[0] + box.y[1]) / 2, t: (box.t[0] + box.t[1]) / 2, value: -Infinity };
  const score = (y: number, t: number): number => scoreOf(models.map((m) => valueYW(m, y, t)), objective);
  let [ylo, yhi] = box.y;
  let [tlo, thi] = box.t;
  const n = 40;
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i <= n; i++) {
      const y = ylo + ((yhi - ylo) * i) / n;
      for (let j = 0; j <= n; j++) {
        const t = tlo + ((thi - tlo) * j) / n;
        const v = score(y, t);
        if (v > best.value) best = { y, t, value: v };
      }
    }
    // Zoom about the best cell (kept inside the box flown).
    const dy = (4 * (yhi - ylo)) / n;
    const dt = (4 * (thi - tlo)) / n;
    ylo = Math.max(box.y[0], best.y - dy / 2);
    yhi = Math.min(box.y[1], best.y + dy / 2);
    tlo = Math.max(box.t[0], best.t - dt / 2);
    thi = Math.min(box.t[1], best.t + dt / 2);
  }
  return best;
}
