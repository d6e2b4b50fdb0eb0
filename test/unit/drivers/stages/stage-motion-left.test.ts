// motionLeft_s: how long the moves under way should still take, from the controller's own target, position,
// velocity (a fly move's, not the one owed after it) and ramps; 0 when nothing moves.
import { describe, expect, it } from 'vitest';
import { stage } from './memory-controller.ts';

describe('AxisStage.motionLeft_s', () => {
  it('is 0 when no axis is moving, and asks nothing more than the motion-done query', async () => {
    const { c, s } = stage();
    expect(await s.motionLeft_s()).toBe(0);
    expect(c.calls).toEqual(['moving? 1', 'moving? 2']);
  });

  it('is the longest moving axis: distance over velocity, plus one ramp time', async () => {
    const { c, s } = stage();
    await s.moveAbsolute_um({ X: 80, Y: 40 });
    c.position.set(1, 20); // 60 µm to go at 10 µm/s: 6 s, plus 10 / 100 s of ramps
    c.position.set(2, 35); // 5 µm to go: 0.5 s + 0.1 s
    expect(await s.motionLeft_s()).toBeCloseTo(6.1, 9);
  });

  it('counts a fly move at its own velocity, not the one owed after it', async () => {
    const { c, s } = stage();
    await s.flyMove('X', 50, 2);
    c.position.set(1, 10); // 40 µm at 2 µm/s: 20 s (the owed 10 µm/s would say 4 s)
    expect(await s.motionLeft_s(['X'])).toBeCloseTo(20 + 2 / 100, 9);
  });
});
