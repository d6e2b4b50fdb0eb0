// The simulated hexapod's pose at a past time is the move that was running then, even after it was sent
// on: a meter log averaged when it is read (after the next move was commanded) must see the light of its
// own samples' times, as the real meter recorded it.
import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { HexapodMotion } from '../../../../sim/motion/hexapod-motion.ts';
import { ZERO_POSE } from '../../../../sim/world/pose.ts';

describe('simulated hexapod: the pose at a past time', () => {
  it('keeps a finished line\'s poses after the next move starts, at the velocity that line ran at', async () => {
    const clock = new FastClock();
    const motion = new HexapodMotion(clock);
    motion.setVelocity(2);
    motion.moveTo({ ...ZERO_POSE, x_um: 100 });
    const t0 = clock.now_s();
    const mid = t0 + 0.03;
    await clock.advanceTo(mid);
    const atMid = motion.pose(mid).x_um;
    expect(atMid).toBeGreaterThan(0);
    expect(atMid).toBeLessThan(100);
    await clock.advanceTo(t0 + 1);
    expect(motion.pose().x_um).toBeCloseTo(100, 9);
    // Sent on, faster, before anyone read the line: its past is unchanged.
    motion.setVelocity(10);
    motion.moveTo({ ...ZERO_POSE, x_um: 100, y_um: 50 });
    expect(motion.pose(mid).x_um).toBeCloseTo(atMid, 9);
    expect(motion.pose(mid).y_um).toBe(0);
    expect(motion.pose(t0 + 0.5).x_um).toBeCloseTo(100, 9);
    expect(motion.pose(t0 - 1).x_um).toBe(0);
    await clock.advanceTo(t0 + 2);
    expect(motion.pose().y_um).toBeCloseTo(50, 9);
  });

  it('a stop is a move of its own: the pose before it stays the line\'s', async () => {
    const clock = new FastClock();
    const motion = new HexapodMotion(clock);
    motion.moveTo({ ...ZERO_POSE, y_um: 1000 });
    const t0 = clock.now_s();
    await clock.advanceTo(t0 + 0.05);
    const early = motion.pose(t0 + 0.02).y_um;
    motion.stop();
    const stoppedAt = motion.pose().y_um;
    await clock.advanceTo(t0 + 1);
    expect(motion.pose().y_um).toBeCloseTo(stoppedAt, 9);
    expect(motion.pose(t0 + 0.02).y_um).toBeCloseTo(early, 9);
    expect(early).toBeLessThan(stoppedAt);
  });
});
