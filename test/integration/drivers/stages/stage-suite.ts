// The behaviour every stage driver must show against the simulated stage, whatever its dialect and link:
// run by one test file per driver, in-process and over TCP (and the ESP301 over a serial pty).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBench } from '../../../../drivers/bench/open-bench.ts';
import type { Bench } from '../../../../drivers/bench/bench.ts';
import type { BenchSessionSettings } from '../../../../drivers/bench/bench-file.ts';
import { UM_VIA_MM } from '../../../../drivers/roles/stage-units.ts';
import { MotionTimeoutError, SoftLimitError, UnknownAxisError } from '../../../../drivers/roles/stage.ts';
import type { Stage } from '../../../../drivers/roles/stage.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';

/** The simulator's stage: X and Y home to 0, Z up to the top of its travel, away from the chip. */
export const AXES = {
  X: { axis: 1, min_um: 0, max_um: 25_000, home_um: 0 },
  Y: { axis: 2, min_um: 0, max_um: 25_000, home_um: 0 },
  Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 10_000 },
};

/** Encoder count and servo settling: where a finished move reports it stands, against its target. */
const AT_TARGET_UM = 0.02;

export type Link = 'in-process' | 'tcp' | 'pty';

export interface StageSuite {
  driver: string;
  /** The simulator role that speaks the driver's dialect. */
  simRole: string;
  links: readonly Link[];
  /** The dialect's deceleration query for controller axis 1 (µm/s²), where the controller keeps one apart. */
  deceleration?: { query: string; parse: (reply: string) => number };
  /** Which ramp maxima the dialect has a query for (the driver reads them at open into Stage.rampLimits). */
  maxima: { velocity: boolean; acceleration: boolean };
}

/** ESP301 `1AG?` → `200.000000` (mm/s²). */
export const ESP301_DECELERATION = { query: '1AG?', parse: (reply: string) => UM_VIA_MM.parse(reply) };
/** PI GCS `DEC? 1` → `1=200.000000` (mm/s²). */
export const PI_GCS_DECELERATION = { query: 'DEC? 1', parse: (reply: string) => UM_VIA_MM.parse(reply.replace(/^\s*1\s*=/, '')) };

async function resourceFor(sim: VirtualBench, role: string, link: Link): Promise<{ resource: string; session: BenchSessionSettings }> {
  if (link === 'in-process') return { resource: `SIM::${role}`, session: {} };
  if (link === 'tcp') return { resource: (await sim.serveTcp({ portBase: 0 })).resource(role), session: {} };
  return { resource: (await sim.servePty(role)).resource, session: { baudRate: 921600 } };
}

export function stageSuite({ driver, simRole, links, deceleration, maxima }: StageSuite): void {
  describe.each(links)(`${driver} against the simulated stage (%s)`, (link) => {
    let sim: VirtualBench;
    let bench: Bench;
    let stage: Stage;

    beforeEach(async () => {
      sim = new VirtualBench({ seed: 7, mode: 'fast' });
      const { resource, session } = await resourceFor(sim, simRole, link);
      bench = await openBench({
        name: `${driver} over ${link}`,
        instruments: [{ role: 'stage', resource, driver, session, options: {}, axes: AXES }],
      }, { inProcess: sim });
      stage = bench.stage;
    });

    afterEach(async () => {
      await bench?.close();
      await sim?.close();
    });

    it('identifies the controller', () => {
      expect(bench.identities().stage).toBe(sim.instrument(simRole).identity);
      expect(bench.instrument('stage').driverName).toBe(driver);
    });

    it('moves several axes at once to absolute targets in µm and reports them there', async () => {
      await stage.moveAbsolute_um({ X: 12_345.67, Y: 8_000.5, Z: 9_000 });
      await stage.waitForMotion({ timeout_s: 10 });
      const p = await stage.positions_um();
      expect(Math.abs(p.X! - 12_345.67)).toBeLessThanOrEqual(AT_TARGET_UM);
      expect(Math.abs(p.Y! - 8_000.5)).toBeLessThanOrEqual(AT_TARGET_UM);
      expect(Math.abs(p.Z! - 9_000)).toBeLessThanOrEqual(AT_TARGET_UM);
      // The wait really waited for the moves: the longest (X) takes d/v + v/a of bench time.
      expect(sim.benchTime_s()).toBeGreaterThan(12_345.67 / 2000 + 0.1);
    });

    it('moves relative to the current target', async () => {
      await stage.moveAbsolute_um('Y', 1_000);
      await stage.waitForMotion();
      await stage.moveRelative_um('Y', -250.5);
      await stage.waitForMotion();
      expect(Math.abs((await stage.position_um('Y')) - 749.5)).toBeLessThanOrEqual(AT_TARGET_UM);
    });

    it('refuses a move below the Z soft limit: nothing moves and the controller has no error', async () => {
      const before = await stage.position_um('Z');
      const err = await stage.moveAbsolute_um('Z', 5_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SoftLimitError);
      expect((err as Error).message).toMatch(/axis Z to 5000 µm .*\[5008, 10000\] µm/);
      await expect(stage.moveRelative_um({ X: 10, Z: -5_000 })).rejects.toBeInstanceOf(SoftLimitError);
      await expect(stage.moveAbsolute_um('W', 1)).rejects.toBeInstanceOf(UnknownAxisError);
      await stage.waitForMotion();
      expect(await stage.position_um('Z')).toBe(before);
      expect(await stage.position_um('X')).toBeCloseTo(0, 1);
      await stage.session.checkErrors();
    });

    it('sets the velocity in µm/s and reports the trajectory parameters', async () => {
      await stage.setVelocity_um_s('X', 5_000);
      expect(await stage.velocity_um_s('X')).toBeCloseTo(5_000, 6);
      expect(await stage.trajectory('X')).toEqual({ velocity_um_s: expect.closeTo(5_000, 6), acceleration_um_s2: expect.closeTo(20_000, 6) });
      const t0 = sim.benchTime_s();
      await stage.moveAbsolute_um('X', 10_000);
      await stage.waitForMotion();
      // 10 mm at 5 mm/s with 20 mm/s² ramps: d/v + v/a = 2.25 s (+ settle), not the 5 s of the default speed.
      expect(sim.benchTime_s() - t0).toBeGreaterThan(2.2);
      expect(sim.benchTime_s() - t0).toBeLessThan(2.6);
    });

    it('reads the simulated stage\'s maxima (10 mm/s, 200 mm/s²) at open, where the dialect has the query', () => {
      for (const axis of ['X', 'Y', 'Z']) {
        const r = stage.rampLimits?.[axis];
        if (maxima.velocity) expect(r?.maxVelocity_um_s).toBeCloseTo(10_000, 6);
        else expect(r?.maxVelocity_um_s).toBeUndefined();
        if (maxima.acceleration) expect(r?.maxAcceleration_um_s2).toBeCloseTo(200_000, 6);
        else expect(r?.maxAcceleration_um_s2).toBeUndefined();
      }
    });

    it('sets the ramps: a move then takes the time its trapezoid says, and a value past the maximum is refused', async () => {
      await stage.setAcceleration_um_s2('X', 200_000);
      expect(await stage.acceleration_um_s2('X')).toBeCloseTo(200_000, 6);
      expect(await stage.acceleration_um_s2('Y')).toBeCloseTo(20_000, 6);
      await stage.setVelocity_um_s('X', 10_000);
      const t0 = sim.benchTime_s();
      await stage.moveAbsolute_um('X', 1_000);
      await stage.waitForMotion();
      // 1 mm at 10 mm/s with 200 mm/s² ramps: d/v + v/a = 0.15 s + 10 ms settling (at 20 mm/s², 0.6 s).
      expect(sim.benchTime_s() - t0).toBeGreaterThan(0.16);
      expect(sim.benchTime_s() - t0).toBeLessThan(0.18);
      // Every dialect's controller refuses more than its 200 mm/s² maximum with its own error.
      await expect(stage.setAcceleration_um_s2('X', 300_000)).rejects.toThrow(/reported an error/);
      expect(await stage.acceleration_um_s2('X')).toBeCloseTo(200_000, 6);
      await stage.session.checkErrors();
    });

    // Only dialects with a deceleration of their own (the SCPI controller has one ramp) get this test.
    if (deceleration) {
      it('sets the deceleration to the acceleration on a controller that keeps one apart', async () => {
        expect(deceleration.parse(await stage.session.query(deceleration.query))).toBeCloseTo(20_000, 6);
        await stage.setAcceleration_um_s2('X', 150_000);
        expect(deceleration.parse(await stage.session.query(deceleration.query))).toBeCloseTo(150_000, 6);
        await stage.session.checkErrors();
      });
    }

    it('a fly move\'s velocity is for that move: the wait puts the earlier one back, and the next move runs at it', async () => {
      await stage.setVelocity_um_s('X', 5_000);
      const fm = await stage.flyMove('X', 2_000, 500);
      expect(fm.velocity_um_s).toBe(500);
      // Meanwhile the role reports what the next move will use.
      expect(await stage.velocity_um_s('X')).toBeCloseTo(5_000, 6);
      await stage.waitForMotion();
      const t0 = sim.benchTime_s();
      await stage.moveAbsolute_um('X', 7_000);
      await stage.waitForMotion();
      // 5 mm at 5 mm/s with 20 mm/s² ramps: d/v + v/a = 1.25 s (+ settle), not the 10 s of the fly velocity.
      expect(sim.benchTime_s() - t0).toBeGreaterThan(1.2);
      expect(sim.benchTime_s() - t0).toBeLessThan(1.4);
    });

    it('a normal move right after a fly move, without a wait, runs at the earlier velocity', async () => {
      await stage.setVelocity_um_s('Y', 4_000);
      await stage.flyMove('Y', 3_000, 250);
      await sim.clock.advance(0.5); // half a second into a 12 s fly move
      await stage.moveAbsolute_um('Y', 9_000);
      const t0 = sim.benchTime_s();
      await stage.waitForMotion();
      // From ≈125 µm to 9 mm at 4 mm/s: about 2.4 s, where the fly velocity would take 35 s.
      expect(sim.benchTime_s() - t0).toBeLessThan(3);
      expect(Math.abs((await stage.position_um('Y')) - 9_000)).toBeLessThanOrEqual(AT_TARGET_UM);
    });

    it('starts a fly move without waiting and describes its trajectory', async () => {
      const fm = await stage.flyMove('X', 4_000, 1_000, { clock: () => sim.benchTime_s() });
      // On bench time: the command and its confirmation took a few exchanges, and the move started then.
      expect(fm.commandedAt_s.earliest).toBeLessThan(fm.commandedAt_s.latest);
      expect(fm.commandedAt_s.latest - fm.commandedAt_s.earliest).toBeLessThan(0.01);
      expect(fm).toMatchObject({ axis: 'X', to_um: 4_000, velocity_um_s: expect.closeTo(1_000, 6), acceleration_um_s2: expect.closeTo(20_000, 6) });
      expect(fm.from_um).toBeCloseTo(0, 1);
      // Not waited for: right after the command the axis is still at its start (positions never jump time).
      expect(await stage.position_um('X')).toBeLessThan(4_000);
      await stage.waitForMotion();
      expect(Math.abs((await stage.position_um('X')) - 4_000)).toBeLessThanOrEqual(AT_TARGET_UM);
    });

    it('homes an axis (Z homes up, away from the chip)', async () => {
      await stage.moveAbsolute_um('Z', 8_000);
      await stage.waitForMotion();
      await stage.home('Z');
      await stage.waitForMotion({ timeout_s: 10 });
      expect(await stage.position_um('Z')).toBeCloseTo(10_000, 1);
    });

    it('stops a moving axis where it is (safe)', async () => {
      await stage.moveAbsolute_um('X', 20_000);
      await sim.clock.advance(1); // one bench second into a 10 s move
      await stage.safe();
      await stage.waitForMotion();
      const x = await stage.position_um('X');
      expect(x).toBeGreaterThan(1_000);
      expect(x).toBeLessThan(3_500);
    });

    it('a stalled axis: the wait times out, names the axis, and the axis is stopped', async () => {
      sim.faults.stallStage('Y');
      await stage.moveAbsolute_um({ X: 500, Y: 5_000 });
      const err = await stage.waitForMotion({ timeout_s: 0.3, pollInterval_s: 0.02 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MotionTimeoutError);
      expect(err).toMatchObject({ axes: ['Y'], timeout_s: 0.3 });
      expect((err as Error).message).toMatch(/axis Y still moving after the 0.3 s timeout; it was stopped/);
      expect(await stage.isMoving('Y')).toBe(false);
      const y = await stage.position_um('Y');
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(5_000);
      expect(Math.abs((await stage.position_um('X')) - 500)).toBeLessThanOrEqual(AT_TARGET_UM);
    });
  });
}
