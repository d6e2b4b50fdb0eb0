// The fiber-array bench through the real drivers on the simulator: the hexapod (pivot set at open,
// pose moves, workspace refusals before anything moves) and the 8-port meter logging every port on one
// start while the hexapod moves.
import { afterEach, describe, expect, it } from 'vitest';
import type { Bench } from '../../../../drivers/bench/bench.ts';
import { isHexapod, PoseLimitError, UnreachablePoseError } from '../../../../drivers/roles/hexapod.ts';
import type { Hexapod } from '../../../../drivers/roles/hexapod.ts';
import { isMultiPortLogger } from '../../../../drivers/roles/multiport-logging.ts';
import { openSimBench } from '../../../../sequences/sim-bench.ts';
import { VirtualBench } from '../../../../sim/index.ts';

let vb: VirtualBench;
let bench: Bench;

async function open(seed = 2): Promise<{ hex: Hexapod; bench: Bench }> {
  vb = new VirtualBench({ seed, drift_um_per_h: 0 });
  bench = await openSimBench(vb);
  const hex = bench.get('stage-hexapod', 'stage');
  if (!isHexapod(hex)) throw new Error('stage-hexapod is not a hexapod');
  return { hex, bench };
}

afterEach(async () => {
  await bench?.close();
  await vb?.close();
});

describe('fiber-array bench on the simulator', () => {
  it('opens with the pivot at the array facet and moves the pose; the meter sees the channels change', async () => {
    const { hex } = await open();
    expect(await hex.pivot_um()).toEqual([0, 0, -45000]);
    const truth = vb.truth().array.chip;
    await bench.laser.setPower_dBm(3);
    await bench.laser.setOutput(true);
    await bench.voa.setOutput(true);
    await hex.movePose({ X: truth.offset_um.x_um, Y: truth.offset_um.y_um, U: truth.tip_deg, V: truth.tilt_deg, W: truth.roll_deg });
    await hex.waitForMotion();
    const pose = await hex.pose();
    expect(pose.X).toBeCloseTo(truth.offset_um.x_um, 2);
    expect(pose.W).toBeCloseTo(truth.roll_deg, 5);
    const meter = bench.get('meter-array', 'meter');
    expect(meter.channels).toHaveLength(8);
    const lit = await meter.readAll_dBm();
    for (const p of lit) expect(p).toBeGreaterThan(-30);
    // 1 and 8 are a loopback: the same light comes back up both.
    expect(Math.abs((lit[0] as number) - (lit[7] as number))).toBeLessThan(0.1);
    await hex.movePose({ X: truth.offset_um.x_um + 30 });
    await hex.waitForMotion();
    for (const p of await meter.readAll_dBm()) expect(p).toBeLessThan(-60);
  });

  it('logs every port on one start while the hexapod crosses the peak', async () => {
    const { hex } = await open(4);
    const truth = vb.truth().array.chip;
    await bench.laser.setOutput(true);
    await bench.voa.setOutput(true);
    await hex.movePose({ X: truth.offset_um.x_um - 40, Y: truth.offset_um.y_um, U: truth.tip_deg, V: truth.tilt_deg, W: truth.roll_deg });
    await hex.waitForMotion();
    const meter = bench.get('meter-array', 'meter');
    if (!isMultiPortLogger(meter)) throw new Error('meter-array cannot log all ports');
    const channels = [1, 2, 3, 4, 5, 6, 7, 8];
    await meter.startLoggingAll({ channels, samples: 400, averagingTime_s: 1e-4, trigger: 'ignore' });
    await hex.movePose({ X: truth.offset_um.x_um + 40 });
    await meter.waitLoggingAll(channels, 5);
    const logs = await meter.fetchLogs_W(channels);
    const peaks = logs.map((l) => l.indexOf(Math.max(...l)));
    // Every channel peaks on the same sample or nearly: they share the move.
    expect(Math.max(...peaks) - Math.min(...peaks)).toBeLessThan(20);
    expect(Math.max(...(logs[3] as number[]))).toBeGreaterThan(1e-6);
  });

  it('refuses a pose beyond the soft limits and one the workspace cannot hold about a far pivot, before anything moves', async () => {
    const { hex } = await open();
    await expect(hex.movePose({ X: 400 })).rejects.toThrow(PoseLimitError);
    await hex.setPivot_um([0, 0, -2_000_000]);
    const before = await hex.pose();
    const err = await hex.movePose({ U: 0.9 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachablePoseError);
    expect((err as Error).message).toMatch(/moving U to 0.9 ° alone is already out of reach/);
    expect(await hex.pose()).toEqual(before);
  });
});
