import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { StageMotion } from '../../../../sim/motion/stage-motion.ts';
import { trapezoidDuration_s } from '../../../../sim/motion/profile.ts';

function setup(seed = 1): { clock: FastClock; motion: StageMotion } {
  const clock = new FastClock();
  // Ideal mechanics so positions can be compared exactly.
  const ideal = { backlashMin_um: 0, backlashMax_um: 0, repeatabilitySigma_um: 0 };
  return { clock, motion: new StageMotion({ seed, clock, axes: { X: ideal, Y: ideal, Z: ideal } }) };
}

describe('StageMotion kinematics', () => {
  it('starts at the home positions: X, Y at 0, Z retracted at the top of travel', () => {
    const { motion } = setup();
    expect(motion.position_um('X')).toBe(0);
    expect(motion.position_um('Z')).toBe(10_000);
    expect(motion.isMoving('X')).toBe(false);
  });

  it('a move takes distance/velocity + velocity/acceleration + settle', async () => {
    const { clock, motion } = setup();
    const receipt = motion.moveTo('X', 1000);
    const expected = trapezoidDuration_s(1000, 2000, 20_000) + motion.config('X').settle_s;
    expect(receipt.done_s - receipt.start_s).toBeCloseTo(expected, 12);
    expect(motion.isMoving('X')).toBe(true);
    await clock.advanceTo(receipt.done_s - 1e-6);
    expect(motion.isMoving('X')).toBe(true); // settling
    await clock.advanceTo(receipt.done_s);
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.position_um('X')).toBeCloseTo(1000, 1);
  });

  it('the trajectory is a function of bench time: midpoint at mid-time, past readable later', async () => {
    const { clock, motion } = setup();
    motion.moveTo('Y', 2000); // 1.0 + 0.1 s
    await clock.advance(5);
    expect(motion.truePosition_um('Y', 0.55)).toBeCloseTo(1000, 6);
    expect(motion.truePosition_um('Y', 0.05)).toBeCloseTo(0.5 * 20_000 * 0.05 ** 2, 6);
    expect(motion.position_um('Y', 0.55)).toBeCloseTo(1000, 2);
  });

  it('moves on several axes run concurrently', async () => {
    const { clock, motion } = setup();
    const x = motion.moveTo('X', 1000);
    const y = motion.moveTo('Y', 500);
    expect(x.start_s).toBe(y.start_s);
    await clock.advanceTo(x.done_s);
    expect(motion.position_um('X')).toBeCloseTo(1000, 1);
    expect(motion.position_um('Y')).toBeCloseTo(500, 1);
    expect(clock.now_s()).toBeLessThan(x.done_s + y.done_s); // not one after the other
  });

  it('uses the velocity set on the axis for the next move', () => {
    const { motion } = setup();
    motion.setVelocity('X', 500);
    const r = motion.moveTo('X', 1000);
    expect(r.done_s - r.start_s).toBeCloseTo(1000 / 500 + 500 / 20_000 + 0.01, 9);
  });

  it('relative moves count from the target', async () => {
    const { clock, motion } = setup();
    motion.moveTo('X', 100);
    motion.moveBy('X', 50); // while still moving
    expect(motion.target_um('X')).toBe(150);
    await clock.advance(10);
    expect(motion.position_um('X')).toBeCloseTo(150, 1);
  });

  it('a stop mid-move decelerates from where the axis is at that bench time', async () => {
    const { clock, motion } = setup();
    motion.moveTo('X', 10_000);
    await clock.advance(1.05); // cruising at 2000 µm/s, at 2000 µm
    const before = motion.truePosition_um('X', clock.now_s());
    expect(before).toBeCloseTo(2000, 6);
    motion.stop('X');
    await clock.advance(1);
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.position_um('X')).toBeCloseTo(2100, 1); // v²/2a = 100 µm of braking
    expect(motion.target_um('X')).toBeCloseTo(2100, 6);
  });

  it('an abrupt stop (abort) stops on the spot; stop() with no axis stops them all', async () => {
    const { clock, motion } = setup();
    motion.moveTo('X', 10_000);
    motion.moveTo('Y', 10_000);
    await clock.advance(1.05);
    motion.stop(undefined, 'abrupt');
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.isMoving('Y')).toBe(false);
    expect(motion.position_um('Y')).toBeCloseTo(2000, 1);
  });

  it('a new target against the direction of travel brakes, then comes back', async () => {
    const { clock, motion } = setup();
    motion.moveTo('X', 10_000);
    await clock.advance(1.05);
    const r = motion.moveTo('X', 1000);
    expect(r.start_s).toBeCloseTo(1.15, 9); // after 0.1 s of braking
    await clock.advanceTo(r.done_s);
    expect(motion.position_um('X')).toBeCloseTo(1000, 1);
    // It never teleported: at the reversal it had coasted to 2100 µm.
    expect(motion.truePosition_um('X', 1.15)).toBeCloseTo(2100, 6);
  });

  it('homing runs to the home switch at the homing velocity and takes bench time', async () => {
    const { clock, motion } = setup();
    motion.moveTo('X', 2000);
    await clock.advance(5);
    const t0 = clock.now_s();
    const r = motion.home('X');
    const c = motion.config('X');
    expect(r.done_s - t0).toBeCloseTo(trapezoidDuration_s(2000, c.homeVelocity_um_s, 20_000) + c.settle_s + c.homeSearch_s, 9);
    expect(motion.isReferenced('X')).toBe(false);
    await clock.advanceTo(r.done_s);
    expect(motion.isReferenced('X')).toBe(true);
    expect(motion.position_um('X')).toBeCloseTo(0, 1);
  });

  it('homing Z goes up, away from the chip', async () => {
    const { clock, motion } = setup();
    motion.moveTo('Z', 5100);
    await clock.advance(5);
    motion.home('Z');
    expect(motion.truePosition_um('Z', clock.now_s() + 0.5)).toBeGreaterThan(5100);
    await clock.advance(10);
    expect(motion.position_um('Z')).toBeCloseTo(10_000, 1);
  });

  it('a stopped homing run leaves the axis unreferenced', async () => {
    const { clock, motion } = setup();
    motion.moveTo('X', 2000);
    await clock.advance(5);
    motion.home('X');
    await clock.advance(0.5);
    motion.stop('X');
    await clock.advance(5);
    expect(motion.isReferenced('X')).toBe(false);
  });

  it('can power up unreferenced', () => {
    const clock = new FastClock();
    const motion = new StageMotion({ seed: 1, clock, referenced: false });
    expect(motion.isReferenced('Y')).toBe(false);
  });
});
