// Out-and-back pairs: the re-peak that does not trust the fly timing. A line run each way through the
// estimate sees the peak shifted by equal and opposite amounts (a timing error × velocity, plus half the
// mechanical play), so the mean of the two is free of both and their half-difference measures the shift,
// which corrects every sample of that axis for the 2-D Gaussian fit. It costs four lines where the fast
// path flies one or two; align-run.ts calls it only when the final power falls short of the fit.
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitGaussian2D } from '../../../models/fits/gaussian2d.ts';
import type { ScanPoint } from '../../../models/fits/gaussian2d.ts';
import { LostLightError } from './errors.ts';
import { flyLine, lineTop } from './fine.ts';
import type { LineTop, Refined } from './fine.ts';
import { alongLine } from './fly.ts';
import type { FlySegment } from './fly.ts';
import { fitLinePeak } from './line-fit.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';

type Axis = 'x' | 'y';

/** One pair's lines and what they say: the centre along the axis and the apparent shift of the + run. */
interface Pair {
  axis: Axis;
  lines: [FlySegment, FlySegment];
  centre_um: number;
  shift_um: number;
  /** Both runs showed the peak inside them (otherwise the centre is a step towards it). */
  both: boolean;
  /** The brighter run's fitted top, dBm. */
  top_dBm: number;
  /** The runs' fitted tops that lie inside them. */
  tops: LineTop[];
}

/** Rounds a pair is flown again around its own result while a run missed the peak or the centre moved. */
const MAX_ROUNDS = 3;

async function flyPair(rig: AlignRig, axis: Axis, centre: Point_um, half_um: number): Promise<Pair> {
  const c = axis === 'x' ? centre.x_um : centre.y_um;
  const out = (await flyLine(rig, axis, centre, c, half_um, half_um, { [axis]: 1 })).at(-1) as FlySegment;
  const back = (await flyLine(rig, axis, centre, c, half_um, half_um, { [axis]: -1 })).at(-1) as FlySegment;
  const [fo, fb] = [out, back].map((l) => fitLinePeak(alongLine(l), { floor_dBm: rig.floor_dBm }));
  if (!fo || !fb) throw new LostLightError(`align: light lost during the out-and-back re-peak along ${axis} through (${centre.x_um.toFixed(2)}, ${centre.y_um.toFixed(2)}) µm`);
  const both = fo.fitted && fo.inside && fb.fitted && fb.inside;
  // A run that missed the peak still says which way it lies: step to the mean of whatever was fitted.
  const fitted = [fo, fb].filter((f) => f.fitted);
  const centre_um = fitted.length > 0 ? fitted.reduce((a, f) => a + f.centre_um, 0) / fitted.length : (fo.best.power_dBm >= fb.best.power_dBm ? fo : fb).best.position_um;
  return {
    axis,
    lines: [out, back],
    centre_um: Math.min(c + half_um, Math.max(c - half_um, centre_um)),
    shift_um: both ? (fo.centre_um - fb.centre_um) / 2 : 0,
    both,
    top_dBm: Math.max(fo.peak_dBm, fb.peak_dBm),
    tops: [fo, fb].map(lineTop).filter((t) => t !== undefined),
  };
}

/** A pair along `axis` through `centre`, flown again around its result until both runs saw the peak and it settled. */
async function settledPair(rig: AlignRig, axis: Axis, centre: Point_um, half_um: number, radius_um: number): Promise<Pair> {
  let at = { ...centre };
  let pair = await flyPair(rig, axis, at, half_um);
  for (let round = 1; round < MAX_ROUNDS; round++) {
    const moved = Math.abs(pair.centre_um - (axis === 'x' ? at.x_um : at.y_um));
    if (pair.both && moved < 0.3 * radius_um) break;
    at = axis === 'x' ? { ...at, x_um: pair.centre_um } : { ...at, y_um: pair.centre_um };
    pair = await flyPair(rig, axis, at, half_um);
  }
  return pair;
}

export async function pairRefine(rig: AlignRig, from: Point_um, radius_um: number): Promise<Refined> {
  rig.phase = 'refinement (out-and-back pairs)';
  // Long enough to hold the peak when a timing error put the estimate a few micrometres off.
  const half = 2.2 * radius_um;
  const px = await settledPair(rig, 'x', from, half, radius_um);
  const py = await settledPair(rig, 'y', { x_um: px.centre_um, y_um: from.y_um }, half, radius_um);
  const centre = { x_um: px.centre_um, y_um: py.centre_um };
  const points: ScanPoint[] = [];
  let best = -Infinity;
  for (const pair of [px, py]) for (const l of pair.lines) for (const s of l.samples) best = Math.max(best, s.power_dBm);
  const cut = Math.max(rig.floor_dBm + 3, best - 20);
  for (const pair of [px, py]) {
    pair.lines.forEach((line, k) => {
      const shift = (k === 0 ? 1 : -1) * pair.shift_um;
      for (const s of line.samples) {
        if (!(s.power_dBm >= cut)) continue;
        points.push({ x_um: pair.axis === 'x' ? s.x_um - shift : s.x_um, y_um: pair.axis === 'y' ? s.y_um - shift : s.y_um, power_mW: 10 ** (s.power_dBm / 10) });
      }
    });
  }
  const shifts = `apparent shifts of a forward line ${px.shift_um.toFixed(2)} µm (x), ${py.shift_um.toFixed(2)} µm (y)`;
  const lineTops = [...px.tops, ...py.tops];
  try {
    const fit = fitGaussian2D(points);
    return {
      centre: { x_um: fit.x0_um, y_um: fit.y0_um }, fit, points, radius_um: fit.radius_um, linePeak_dBm: Math.max(px.top_dBm, py.top_dBm), lineTops,
      notes: [`re-peaked with out-and-back pairs: ${shifts}`],
    };
  } catch (err) {
    if (!(err instanceof FitError)) throw err;
    return { centre, radius_um, lineTops, notes: [`re-peaked with out-and-back pairs (${shifts}); 2-D fit not possible: ${err.message}`] };
  }
}
