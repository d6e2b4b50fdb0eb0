import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { RealtimeClock } from '../../../../sim/clock.ts';
import { StageMotion } from '../../../../sim/motion/stage-motion.ts';

describe('StageMotion in real time', () => {
  it('a move really takes its time and a poll does not skip it', async () => {
    const clock = new RealtimeClock();
    const motion = new StageMotion({ seed: 1, clock, axes: { X: { velocity_um_s: 10_000, acceleration_um_s2: 200_000 } } });
    const r = motion.moveTo('X', 100); // 2·√(100/200000) + 10 ms settle ≈ 55 ms
    expect(r.done_s - r.start_s).toBeCloseTo(2 * Math.sqrt(100 / 200_000) + 0.01, 9);
    await motion.pollMotion(['X']);
    expect(motion.isMoving('X')).toBe(true); // a poll reports the truth now; it does not wait the move out
    await sleep(250);
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.position_um('X')).toBeCloseTo(100, 1);
  });
});
