// The sequential baseline of the array benchmark (issue 12): one channel's X/Y, then roll stepped
// against the outer channel, then Z, each by step-and-read — a serpentine raster to first light on the
// loopback's output, then axis-by-axis hill climbs (step halved on failure), one channel read per point.
import type { Hexapod, PoseAxisName } from '../../../drivers/roles/hexapod.ts';
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';

export interface BaselineResult {
  readings: number;
  found: boolean;
}

export async function sequentialBaseline(hex: Hexapod, meter: PowerMeter, opts: { loopbackOut: number; outer: number; radius_um: number; pitch_um: number; averaging_s: number }): Promise<BaselineResult> {
  let readings = 0;
  const pose = await hex.pose();
  for (const ch of [opts.loopbackOut, opts.outer]) await meter.setAveragingTime_s(ch, opts.averaging_s);
  const at = async (axis: PoseAxisName, v: number, ch: number): Promise<number> => {
    await hex.movePose({ [axis]: v });
    await hex.waitForMotion();
    pose[axis] = v;
    readings += 1;
    return meter.readPower_dBm(ch);
  };
  const read = async (ch: number): Promise<number> => {
    readings += 1;
    return meter.readPower_dBm(ch);
  };
  // First light: serpentine raster over the square, rows along X.
  const x0 = pose.X;
  const y0 = pose.Y;
  const n = Math.floor(opts.radius_um / opts.pitch_um);
  const floor = await read(opts.loopbackOut);
  let found = false;
  outer: for (let j = -n; j <= n; j++) {
    await hex.movePose({ Y: y0 + j * opts.pitch_um });
    pose.Y = y0 + j * opts.pitch_um;
    for (let k = -n; k <= n; k++) {
      const i = (j + n) % 2 === 0 ? k : -k;
      if ((await at('X', x0 + i * opts.pitch_um, opts.loopbackOut)) >= Math.max(floor, -70) + 10) {
        found = true;
        break outer;
      }
    }
  }
  if (!found) return { readings, found };
  const climb = async (axis: PoseAxisName, ch: number, start: number, min: number): Promise<void> => {
    let best = await read(ch);
    let step = start;
    while (step >= min) {
      let moved = false;
      for (const dir of [1, -1]) {
        const here = pose[axis];
        const p = await at(axis, here + dir * step, ch);
        if (p > best) {
          best = p;
          moved = true;
          break;
        }
        await hex.movePose({ [axis]: here });
        await hex.waitForMotion();
        pose[axis] = here;
      }
      if (!moved) step /= 2;
    }
  };
  await climb('X', opts.loopbackOut, 2, 0.1);
  await climb('Y', opts.loopbackOut, 2, 0.1);
  await climb('W', opts.outer, 0.1, 0.005);
  await climb('Z', opts.loopbackOut, 4, 0.5);
  return { readings, found };
}
