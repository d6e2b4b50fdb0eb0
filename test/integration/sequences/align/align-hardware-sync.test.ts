// Fly scans synchronised by hardware: the PI controller's trigger output pulses at motion start into the
// meter's trigger input, so the align step's logs start with the motion and no host clock places a
// sample. Under lan timing (jittery ~1 ms exchanges, servo lag) it must still land on the peak: in
// process, over TCP with the step on wall time, and against `benchctl sim --realtime` in another process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBench } from '../../../../drivers/bench/open-bench.ts';
import type { Bench } from '../../../../drivers/bench/bench.ts';
import { MotionTimeoutError } from '../../../../drivers/roles/stage.ts';
import { fitGaussian2D } from '../../../../models/fits/gaussian2d.ts';
import { alignStep } from '../../../../sequences/steps/align/align-step.ts';
import type { VirtualBench } from '../../../../sim/virtual-bench.ts';
import { memoryContext } from '../../../bench/align/bench-context.ts';
import { goToSite, openAlignSim } from '../../../bench/align/sim-bench.ts';
import type { AlignSim } from '../../../bench/align/sim-bench.ts';
import { startSim, type SimProcess } from '../../sim/sim-process.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const HARDWARE = /^fly timing: hardware — the stage's trigger output 1 pulses at motion start/;

/**
 * The peak power by a 7×7 grid (0.6 µm) around `centre` through the bench itself, every point approached
 * from the same side (no backlash bias), 2-D Gaussian fit: independent of the aligner.
 */
async function gridPeak_dBm(bench: Bench, centre: { x_um: number; y_um: number }): Promise<number> {
  await bench.meter.setAveragingTime_s(1, 0.05);
  const points = [];
  for (let j = -3; j <= 3; j++) {
    for (let i = -3; i <= 3; i++) {
      const p = { x_um: centre.x_um + 0.6 * i, y_um: centre.y_um + 0.6 * j };
      await bench.stage.moveAbsolute_um({ X: p.x_um - 3, Y: p.y_um - 3 });
      await bench.stage.waitForMotion();
      await bench.stage.moveAbsolute_um({ X: p.x_um, Y: p.y_um });
      await bench.stage.waitForMotion();
      points.push({ ...p, power_mW: 10 ** ((await bench.meter.readPower_dBm(1)) / 10) });
    }
  }
  const fit = fitGaussian2D(points, { background_mW: 0 });
  return 10 * Math.log10(fit.peak_mW + fit.background_mW);
}

async function alignAndJudge(s: { bench: Bench; ctx: ReturnType<typeof memoryContext> }): Promise<{ loss_dB: number; notes: string[] }> {
  const out = await alignStep.run(s.ctx, alignStep.schema.parse({ search_radius: '35um' }));
  const notes = out.notes ?? [];
  const at = { x_um: out.measurements.x_um!.value, y_um: out.measurements.y_um!.value };
  await s.bench.meter.setAveragingTime_s(1, 0.5);
  const here = await s.bench.meter.readPower_dBm(1);
  return { loss_dB: (await gridPeak_dBm(s.bench, at)) - here, notes };
}

async function pi(seed: number, tcp: boolean): Promise<AlignSim & { ctx: ReturnType<typeof memoryContext> }> {
  const s = await openAlignSim({ seed, stage: 'pi', timing: 'lan', tcp });
  open.push(s);
  await goToSite(s.bench, 0, { x_um: 12, y_um: -9 });
  return { ...s, ctx: memoryContext(s.sim, s.bench) };
}

describe('align with the stage trigger cabled to the meter (lan timing)', () => {
  it.each([2, 9])('seed %i in process: flies, says so in its notes, and lands within 0.05 dB of the peak', async (seed) => {
    const s = await pi(seed, false);
    const { loss_dB, notes } = await alignAndJudge(s);
    expect(notes.some((n) => HARDWARE.test(n))).toBe(true);
    expect(notes.some((n) => /step-and-read/.test(n))).toBe(false);
    expect(notes[0]).toMatch(/^[1-9]\d* fly segments/);
    expect(loss_dB).toBeLessThan(0.05);
  });

  it('over TCP with the step on wall time: still flies (the trigger, not the step clock, times the logs)', async () => {
    const s = await pi(4, true);
    const t0 = performance.now();
    s.ctx.now_s = () => (performance.now() - t0) / 1000;
    const { loss_dB, notes } = await alignAndJudge(s);
    expect(notes.some((n) => HARDWARE.test(n))).toBe(true);
    expect(notes.some((n) => /step-and-read/.test(n))).toBe(false);
    expect(loss_dB).toBeLessThan(0.05);
  });

  it('an axis stalled from the start surfaces as the stage\'s MotionTimeoutError naming it (first light\'s legs confirmed later)', async () => {
    const s = await pi(3, false);
    s.sim.faults.stallStage('X');
    const err = await alignStep.run(s.ctx, alignStep.schema.parse({ search_radius: '35um' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MotionTimeoutError);
    expect((err as MotionTimeoutError).axes).toEqual(['X']);
  });

  it('without the trigger the step says it timed the scans by software', async () => {
    const s = await openAlignSim({ seed: 2, stage: 'pi', timing: 'ideal', hardwareTrigger: false });
    open.push(s);
    await goToSite(s.bench, 0, { x_um: 5, y_um: 5 });
    const out = await alignStep.run(memoryContext(s.sim, s.bench), alignStep.schema.parse({ search_radius: '35um' }));
    expect(out.notes?.some((n) => /^fly timing: software — each log and move timed from its command's confirmation/.test(n))).toBe(true);
  });
});

describe('align over TCP against `benchctl sim --realtime` (another process, lan timing by default)', () => {
  let sim: SimProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await sim?.kill();
    sim = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('uses fly scans (no fall-back) and lands within 0.05 dB of the peak', async () => {
    dir = mkdtempSync(join(tmpdir(), 'benchctl-align-rt-'));
    const file = join(dir, 'bench.yaml');
    sim = await startSim(['--port-base', '0', '--seed', '6', '--realtime', '--no-pty', '--write-bench', file], 60_000);
    expect(sim.stdout()).toContain('timing: lan');
    const bench = await openBench(file);
    open.push(bench);
    await bench.laser.setWavelength_nm(1550);
    await bench.laser.setOutput(true);
    await bench.meter.setWavelength_nm(1, 1550);
    await bench.voa.setAttenuation_dB(0);
    await bench.voa.setOutput(true);
    // The nominal site 0, lowered to the working height (sim/world/layout.ts), a few µm off.
    const { CHIP_SURFACE_Z_UM, NOMINAL_WORKING_GAP_UM, nominalSite } = await import('../../../../sim/world/layout.ts');
    const site = nominalSite(0);
    await bench.stage.moveAbsolute_um({ Z: CHIP_SURFACE_Z_UM + NOMINAL_WORKING_GAP_UM, X: site.x_um + 8, Y: site.y_um - 6 });
    await bench.stage.waitForMotion();
    const t0 = performance.now();
    const wall = { benchTime_s: () => (performance.now() - t0) / 1000 } as unknown as VirtualBench;
    const { loss_dB, notes } = await alignAndJudge({ bench, ctx: memoryContext(wall, bench) });
    expect(notes.some((n) => HARDWARE.test(n))).toBe(true);
    expect(notes.some((n) => /step-and-read/.test(n))).toBe(false);
    expect(loss_dB).toBeLessThan(0.05);
  }, 120_000);
});
