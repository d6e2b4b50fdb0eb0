// A fly move's velocity is for that move only: the axis's earlier velocity is put back once the move is
// over — when a wait finds the axis done, before its next move or homing run, or at close — and never
// while the fly move may still be running (a controller may apply a new velocity to a move in progress).
import { describe, expect, it } from 'vitest';
import { MemoryController, stage } from './memory-controller.ts';

const HOMING = { X: { axis: 1, min_um: 0, max_um: 100, home_um: 0 }, Y: { axis: 2, min_um: -50, max_um: 50 } };

describe('AxisStage fly velocity', () => {
  it('reads the velocity, sets the fly velocity, starts the move, and changes nothing more until the move is over', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    expect(c.calls).toEqual(['vel? 1', 'vel 1 5', 'abs 1 50']);
    expect(c.velocity.get(1)).toBe(5);
  });

  it('puts the earlier velocity back when waitForMotion finds the axis done', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    c.calls.length = 0;
    await s.waitForMotion({ axes: ['X'], pollInterval_s: 0.001 });
    expect(c.calls).toEqual(['moving? 1', 'moving? 1', 'vel 1 10']);
    expect(c.velocity.get(1)).toBe(10);
    // Owed once only.
    await s.waitForMotion({ axes: ['X'], pollInterval_s: 0.001 });
    expect(c.calls.filter((x) => x.startsWith('vel '))).toEqual(['vel 1 10']);
  });

  it('a later normal move runs at the earlier velocity even when nobody waited', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    c.calls.length = 0;
    await s.moveAbsolute_um({ X: 20, Y: 10 });
    expect(c.calls).toEqual(['vel 1 10', 'abs 1 20', 'abs 2 10']);
    c.calls.length = 0;
    await s.moveRelative_um('X', 5);
    expect(c.calls).toEqual(['target? 1', 'rel 1 5']);
  });

  it('a relative move and a homing run put it back first too', async () => {
    const { c, s } = stage(new MemoryController(), HOMING);
    await s.flyMove('X', 50, 5);
    c.calls.length = 0;
    await s.moveRelative_um('X', -5);
    expect(c.calls).toEqual(['target? 1', 'vel 1 10', 'rel 1 -5']);
    await s.flyMove('X', 80, 7);
    c.calls.length = 0;
    await s.home('X');
    expect(c.calls).toEqual(['vel 1 10', 'home 1']);
  });

  it('reports the velocity the next move will use while one is owed, without asking the controller', async () => {
    const { c, s } = stage();
    await s.flyMove('Y', -20, 3);
    c.calls.length = 0;
    expect(await s.velocity_um_s('Y')).toBe(10);
    expect(await s.trajectory('Y')).toEqual({ velocity_um_s: 10, acceleration_um_s2: 100 });
    expect(c.calls).toEqual([]);
  });

  it('back-to-back fly moves owe the velocity from before the first one', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    await s.flyMove('X', 10, 2);
    expect(c.calls).toEqual(['vel? 1', 'vel 1 5', 'abs 1 50', 'vel 1 2', 'abs 1 10']);
    c.calls.length = 0;
    await s.moveAbsolute_um('X', 30);
    expect(c.calls).toEqual(['vel 1 10', 'abs 1 30']);
  });

  it('setVelocity_um_s replaces what is owed: nothing is put back over it', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    await s.setVelocity_um_s('X', 8);
    c.calls.length = 0;
    await s.moveAbsolute_um('X', 30);
    await s.waitForMotion({ pollInterval_s: 0.001 });
    expect(c.calls.filter((x) => x.startsWith('vel'))).toEqual([]);
    expect(c.velocity.get(1)).toBe(8);
  });

  it('a fly move the controller refuses still owes the velocity it set', async () => {
    const { c, s } = stage();
    c.failMove = true;
    await expect(s.flyMove('X', 50, 5)).rejects.toThrow('move refused');
    c.failMove = false;
    c.calls.length = 0;
    await s.moveAbsolute_um('X', 30);
    expect(c.calls).toEqual(['vel 1 10', 'abs 1 30']);
  });

  it('a velocity that cannot be put back fails the move before it is sent, and stays owed', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    c.failSetVelocity = true;
    c.calls.length = 0;
    await expect(s.moveAbsolute_um('X', 30)).rejects.toThrow('link lost while setting the velocity');
    expect(c.calls).toEqual(['vel 1 10']);
    c.failSetVelocity = false;
    await s.moveAbsolute_um('X', 30);
    expect(c.calls).toEqual(['vel 1 10', 'vel 1 10', 'abs 1 30']);
  });

  it('refuses a fly velocity ≤ 0 before anything is sent', async () => {
    const { c, s } = stage();
    await expect(s.flyMove('X', 50, 0)).rejects.toThrow('velocity_um_s for axis X is 0; expected a finite velocity > 0 in µm/s');
    expect(c.calls).toEqual([]);
  });

  it('close() puts the velocity back on an axis that is done, leaves a moving one alone, and closes the session', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    await s.flyMove('Y', 20, 4);
    c.moving.delete(1); // X has arrived; Y is still on its way
    c.stuck.add(2);
    c.calls.length = 0;
    await s.close();
    expect(c.calls).toEqual(['moving? 1', 'vel 1 10', 'moving? 2']);
    expect(c.velocity.get(2)).toBe(4);
    expect(c.closed).toBe(true);
  });

  it('close() closes the session even when the velocity cannot be put back, then reports that', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 5);
    c.moving.clear();
    c.failSetVelocity = true;
    await expect(s.close()).rejects.toThrow('link lost while setting the velocity');
    expect(c.closed).toBe(true);
  });
});
