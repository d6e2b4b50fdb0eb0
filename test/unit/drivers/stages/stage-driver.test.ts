// The Stage role over an in-memory controller: waiting with a timeout stops what still moves and names
// it, arguments are checked before the protocol sees them, and the axis configuration is checked.
import { describe, expect, it } from 'vitest';
import { SafeStateError } from '../../../../drivers/properties/safe-state.ts';
import { AxisStage, StageConfigError } from '../../../../drivers/roles/stage-driver.ts';
import { MotionArgumentError, MotionTimeoutError, SoftLimitError, UnknownAxisError } from '../../../../drivers/roles/stage.ts';
import { MemoryController, stage } from './memory-controller.ts';

describe('AxisStage', () => {
  it('waits until every axis reports done, polling only the axes still moving', async () => {
    const { c, s } = stage();
    await s.moveAbsolute_um({ X: 10, Y: 5 });
    c.calls.length = 0;
    await s.waitForMotion({ pollInterval_s: 0.001 });
    expect(c.calls).toEqual(['moving? 1', 'moving? 2', 'moving? 1', 'moving? 2']);
  });

  it('on timeout stops the axes still moving and names them and the timeout', async () => {
    const { c, s } = stage();
    c.stuck.add(1);
    await s.moveAbsolute_um({ X: 10, Y: 5 });
    const err = await s.waitForMotion({ timeout_s: 0.05, pollInterval_s: 0.005 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MotionTimeoutError);
    expect(err).toMatchObject({ axes: ['X'], timeout_s: 0.05 });
    expect((err as Error).message).toBe('stage: axis X still moving after the 0.05 s timeout; it was stopped');
    expect(c.calls.filter((x) => x.startsWith('stop'))).toEqual(['stop 1']);
  });

  it('still throws the timeout, with the stop failure as its cause, when stopping fails too', async () => {
    const { c, s } = stage();
    c.stuck.add(2);
    c.failStop = true;
    await s.moveAbsolute_um('Y', 1);
    const err = await s.waitForMotion({ timeout_s: 0.02, pollInterval_s: 0.005 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MotionTimeoutError);
    expect((err as Error).message).toMatch(/axis Y still moving .* stopping failed too: link lost while stopping/);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('refuses bad wait arguments and unknown axes to wait for', async () => {
    const { s } = stage();
    await expect(s.waitForMotion({ timeout_s: 0 })).rejects.toBeInstanceOf(MotionArgumentError);
    await expect(s.waitForMotion({ pollInterval_s: NaN })).rejects.toBeInstanceOf(MotionArgumentError);
    await expect(s.waitForMotion({ axes: ['Q'] })).rejects.toBeInstanceOf(UnknownAxisError);
  });

  it('refuses before the protocol sees anything: limits, NaN, unknown axes, empty maps', async () => {
    const { c, s } = stage();
    await expect(s.moveAbsolute_um('X', 100.001)).rejects.toBeInstanceOf(SoftLimitError);
    await expect(s.moveAbsolute_um('Y', -50.5)).rejects.toBeInstanceOf(SoftLimitError);
    await expect(s.moveAbsolute_um({ X: 1, Z: 2 })).rejects.toBeInstanceOf(UnknownAxisError);
    await expect(s.moveAbsolute_um({})).rejects.toBeInstanceOf(MotionArgumentError);
    await expect(s.moveAbsolute_um('X', Number('ten'))).rejects.toThrow(/target_um for axis X is NaN; expected a finite position in µm/);
    await expect(s.setVelocity_um_s('X', -1)).rejects.toBeInstanceOf(MotionArgumentError);
    await expect(s.setAcceleration_um_s2('X', -1)).rejects.toBeInstanceOf(MotionArgumentError);
    await expect(s.setAcceleration_um_s2('Y', Infinity)).rejects.toThrow(/acceleration_um_s2 for axis Y is Infinity/);
    await expect(s.setAcceleration_um_s2('Z', 1000)).rejects.toBeInstanceOf(UnknownAxisError);
    await expect(s.flyMove('X', 101, 5)).rejects.toBeInstanceOf(SoftLimitError);
    await expect(s.home('toString')).rejects.toBeInstanceOf(UnknownAxisError);
    expect(c.calls).toEqual([]);
  });

  it('sets and reads the ramps on the controller axis', async () => {
    const { c, s } = stage();
    await s.setAcceleration_um_s2('Y', 150_000);
    expect(await s.acceleration_um_s2('Y')).toBe(100);
    expect(c.calls).toEqual(['acc 2 150000']);
  });

  it('flyMove brackets the move command on the caller\'s clock (default: the wall clock, in s)', async () => {
    const { s } = stage();
    const ticks: number[] = [];
    const fm = await s.flyMove('X', 50, 5, { clock: () => { ticks.push(ticks.length); return ticks.length * 0.5; } });
    expect(fm).toMatchObject({ axis: 'X', from_um: 0, to_um: 50, velocity_um_s: 5, acceleration_um_s2: 100, commandedAt_s: { earliest: 0.5, latest: 1 } });
    const before = performance.now() / 1000;
    const wall = await s.flyMove('X', 20, 5);
    expect(wall.commandedAt_s.earliest).toBeGreaterThanOrEqual(before);
    expect(wall.commandedAt_s.latest).toBeGreaterThanOrEqual(wall.commandedAt_s.earliest);
    expect(wall.commandedAt_s.latest).toBeLessThanOrEqual(performance.now() / 1000);
  });

  it('accepts targets exactly on the limits', async () => {
    const { c, s } = stage();
    await s.moveAbsolute_um({ X: 0, Y: 50 });
    await s.moveAbsolute_um({ X: 100, Y: -50 });
    expect(c.calls).toEqual(['abs 1 0', 'abs 2 50', 'abs 1 100', 'abs 2 -50']);
  });

  it('checks relative moves against every resulting target before sending any', async () => {
    const { c, s } = stage();
    c.target.set(1, 95);
    const err = await s.moveRelative_um({ Y: 10, X: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SoftLimitError);
    expect(err).toMatchObject({ axis: 'X', target_um: 105 });
    expect(c.calls).toEqual(['target? 2', 'target? 1']);
  });

  it('reports its soft limits and axis configuration', () => {
    const { s } = stage();
    expect(s.axes).toEqual(['X', 'Y']);
    expect(s.softLimits('Y')).toEqual({ min_um: -50, max_um: 50 });
    expect(s.axisConfig('X').axis).toBe(1);
    expect(() => s.softLimits('Z')).toThrow(UnknownAxisError);
  });

  it('prepare() clears errors and enables only when asked', async () => {
    const { c, s } = stage();
    await s.prepare({ enable: false });
    await s.prepare({ enable: true });
    expect(c.calls).toEqual(['clearErrors', 'clearErrors', 'enable 1,2']);
  });

  it('safe() sends the stop-everything command, then stops each axis on its own', async () => {
    const { c, s } = stage();
    await s.safe();
    expect(c.calls).toEqual(['stop all', 'stop 1', 'stop 2']);
  });

  it('safe() tries every stop whatever fails, then names each failed step', async () => {
    const { c, s } = stage();
    c.failStopAll = true;
    c.failStopOf.add(1);
    const err = await s.safe().catch((e: unknown) => e);
    expect(c.calls).toEqual(['stop all', 'stop 1', 'stop 2']);
    expect(err).toBeInstanceOf(SafeStateError);
    expect((err as SafeStateError).failures.map((f) => f.step)).toEqual(['stop all axes', 'stop axis X']);
    expect((err as Error).message).toBe('MEM::stage: could not complete the safe state: stop all axes: stop-all not understood; ' +
      'stop axis X: axis 1 refused the stop');
  });

  it('safe() still stops the axes one by one when the link fails the first stop', async () => {
    const { c, s } = stage();
    c.failStop = true;
    c.failStopAll = true;
    const err = await s.safe().catch((e: unknown) => e);
    expect((err as SafeStateError).failures.map((f) => f.step)).toEqual(['stop all axes', 'stop axis X', 'stop axis Y']);
    expect(c.calls).toEqual(['stop all', 'stop 1', 'stop 2']);
  });

  it('refuses homing settings that cannot be right', () => {
    const c = new MemoryController();
    expect(() => new AxisStage('m', 'stage', c, { X: { axis: 1, min_um: 0, max_um: 5, home_um: NaN } }))
      .toThrow('stage: axis X: home_um NaN must be a finite position in µm');
    expect(() => new AxisStage('m', 'stage', c, { X: { axis: 1, min_um: 0, max_um: 5, home_safe: 'yes' as unknown as boolean } }))
      .toThrow('stage: axis X: home_safe yes must be true or false');
  });

  it('refuses axis configurations that cannot be right', () => {
    const c = new MemoryController();
    expect(() => new AxisStage('m', 'stage', c, undefined)).toThrow(StageConfigError);
    expect(() => new AxisStage('m', 'stage', c, {})).toThrow(/needs its axes/);
    expect(() => new AxisStage('m', 'stage', c, { X: { axis: 1, min_um: 5, max_um: 5 } })).toThrow(/min_um < max_um/);
    expect(() => new AxisStage('m', 'stage', c, { X: { axis: 0, min_um: 0, max_um: 5 } })).toThrow(/integer ≥ 1/);
    expect(() => new AxisStage('m', 'stage', c, { X: { axis: 1, min_um: 0, max_um: 5 }, Y: { axis: 1, min_um: 0, max_um: 5 } }))
      .toThrow(/X and Y both use controller axis 1/);
  });
});
