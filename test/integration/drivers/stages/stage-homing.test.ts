// Homing from a bench file down to the simulated controller, in every dialect: the file's home_um and
// home_safe reach the driver, a Z whose switch the file puts below the soft floor (the chip) is not homed
// and does not move, and an axis that homes inside its limits is homed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBenchFile } from '../../../../drivers/bench/bench-file.ts';
import { openBench } from '../../../../drivers/bench/open-bench.ts';
import type { Bench } from '../../../../drivers/bench/bench.ts';
import { HomingRefusedError } from '../../../../drivers/roles/stage.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';

const DIALECTS = [
  { driver: 'scpi-stage', simRole: 'stage' },
  { driver: 'newport-esp301', simRole: 'stage-esp' },
  { driver: 'pi-gcs', simRole: 'stage-pi' },
] as const;

function benchFile(driver: string, simRole: string, zAxis: string): string {
  return `name: homing
instruments:
  stage:
    resource: SIM::${simRole}
    driver: ${driver}
    axes:
      X: { axis: 1, min_um: 0, max_um: 25000, home_um: 0 }
      Y: { axis: 2, min_um: 0, max_um: 25000 }
      Z: ${zAxis}
`;
}

describe.each(DIALECTS)('homing through the bench file ($driver)', ({ driver, simRole }) => {
  let sim: VirtualBench;
  let bench: Bench | undefined;

  beforeEach(() => {
    sim = new VirtualBench({ seed: 3, mode: 'fast' });
  });

  afterEach(async () => {
    await bench?.close();
    bench = undefined;
    await sim.close();
  });

  async function open(zAxis: string): Promise<Bench> {
    bench = await openBench(parseBenchFile(benchFile(driver, simRole, zAxis), { file: 'homing.yaml' }), { inProcess: sim });
    return bench;
  }

  it('refuses to home a Z the file says homes below its soft floor; Z stays where it was', async () => {
    const { stage } = await open('{ axis: 3, min_um: 5008, max_um: 10000, home_um: 0 }');
    await stage.moveAbsolute_um('Z', 8_000);
    await stage.waitForMotion();
    const err = await stage.home('Z').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HomingRefusedError);
    expect((err as Error).message).toMatch(/homing axis Z refused: it homes to 0 µm .*\[5008, 10000\] µm/);
    await sim.clock.advance(5);
    expect(await stage.isMoving('Z')).toBe(false);
    expect(Math.abs((await stage.position_um('Z')) - 8_000)).toBeLessThanOrEqual(0.02);
    await expect(stage.home('Y')).rejects.toThrow(/does not say where it homes \(axes\.Y\.home_um/);
    await stage.session.checkErrors();
  });

  it('homes an axis whose home position lies inside its soft limits (Z up, away from the chip)', async () => {
    const { stage } = await open('{ axis: 3, min_um: 5008, max_um: 10000, home_um: 10000 }');
    await stage.moveAbsolute_um({ X: 3_000, Z: 7_000 });
    await stage.waitForMotion();
    await stage.home('Z');
    await stage.home('X');
    await stage.waitForMotion({ timeout_s: 20 });
    expect(await stage.position_um('Z')).toBeCloseTo(10_000, 1);
    expect(await stage.position_um('X')).toBeCloseTo(0, 1);
  });
});
