// Homing runs to the controller's switch, not to a target the soft limits could check: the Stage role
// sends it only when the bench file says where the axis homes and that lies inside the soft limits, or
// marks the axis's homing safe. Refusals name axis, home position and limits, and send nothing.
import { describe, expect, it } from 'vitest';
import { HomingRefusedError } from '../../../../drivers/roles/stage.ts';
import { MemoryController, stage } from './memory-controller.ts';

/** X homes to 0 inside [0, 100]; Z's switch is at 0, below its soft floor (the chip). */
const AXES = {
  X: { axis: 1, min_um: 0, max_um: 100, home_um: 0 },
  Y: { axis: 2, min_um: -50, max_um: 50 },
  Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 0 },
};

describe('AxisStage.home', () => {
  it('sends the homing run of an axis whose home position lies inside its soft limits', async () => {
    const { c, s } = stage(new MemoryController(), AXES);
    await s.home('X');
    expect(c.calls).toEqual(['home 1']);
  });

  it('accepts a home position exactly on a soft limit', async () => {
    const { c, s } = stage(new MemoryController(), { Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 10_000 } });
    await s.home('Z');
    expect(c.calls).toEqual(['home 3']);
  });

  it('refuses an axis that homes outside its soft limits, naming axis, home position and limits; nothing is sent', async () => {
    const { c, s } = stage(new MemoryController(), AXES);
    const err = await s.home('Z').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HomingRefusedError);
    expect(err).toMatchObject({ role: 'stage', axis: 'Z', home_um: 0, min_um: 5_008, max_um: 10_000 });
    expect((err as Error).message).toBe('stage: homing axis Z refused: it homes to 0 µm (bench file home_um), outside its soft limits ' +
      '[5008, 10000] µm; mark axes.Z.home_safe: true only once the way there is known to be clear; nothing was sent');
    expect(c.calls).toEqual([]);
  });

  it('refuses an axis whose home position the bench file does not give, saying which fields would allow it', async () => {
    const { c, s } = stage(new MemoryController(), AXES);
    const err = await s.home('Y').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HomingRefusedError);
    expect(err).toMatchObject({ axis: 'Y', home_um: undefined, min_um: -50, max_um: 50 });
    expect((err as Error).message).toBe('stage: homing axis Y refused: the bench file does not say where it homes (axes.Y.home_um, ' +
      'to check against its soft limits [-50, 50] µm) nor mark its homing safe (axes.Y.home_safe: true); nothing was sent');
    expect(c.calls).toEqual([]);
  });

  it('home_safe: true lets the run go with the home position unknown or outside the limits', async () => {
    const { c, s } = stage(new MemoryController(), {
      Y: { axis: 2, min_um: -50, max_um: 50, home_safe: true },
      Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 0, home_safe: true },
    });
    await s.home('Y');
    await s.home('Z');
    expect(c.calls).toEqual(['home 2', 'home 3']);
  });

  it('home_safe: false vouches for nothing', async () => {
    const { c, s } = stage(new MemoryController(), { Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 0, home_safe: false } });
    await expect(s.home('Z')).rejects.toBeInstanceOf(HomingRefusedError);
    expect(c.calls).toEqual([]);
  });

  it('reports the homing settings in axisConfig', () => {
    const { s } = stage(new MemoryController(), AXES);
    expect(s.axisConfig('Z')).toEqual({ axis: 3, min_um: 5_008, max_um: 10_000, home_um: 0 });
    expect(s.axisConfig('Y')).toEqual({ axis: 2, min_um: -50, max_um: 50 });
  });
});
