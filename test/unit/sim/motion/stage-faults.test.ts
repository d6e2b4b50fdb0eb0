import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { StageMotion } from '../../../../sim/motion/stage-motion.ts';
import { MotionParameterError, TravelLimitError } from '../../../../sim/motion/motion-errors.ts';

function setup(): { clock: FastClock; motion: StageMotion } {
  const clock = new FastClock();
  return { clock, motion: new StageMotion({ seed: 4, clock }) };
}

describe('travel limits and parameters', () => {
  it('refuses a target outside the hardware travel, and nothing moves', () => {
    const { motion } = setup();
    const err = (() => {
      try {
        motion.moveTo('Z', 10_000.5);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(TravelLimitError);
    expect((err as TravelLimitError).side).toBe('high');
    expect((err as Error).message).toMatch(/axis Z: target 10000\.5 µm is outside the travel 0…10000 µm/);
    expect(motion.isMoving('Z')).toBe(false);
    expect(() => motion.moveBy('X', -1)).toThrow(TravelLimitError);
    expect(() => motion.moveTo('X', Number.NaN)).toThrow(TravelLimitError);
    expect(motion.target_um('X')).toBe(0);
  });

  it('accepts the travel ends exactly', () => {
    const { motion } = setup();
    expect(() => motion.moveTo('X', 25_000)).not.toThrow();
  });

  it('refuses velocities and accelerations the axis cannot do', () => {
    const { motion } = setup();
    expect(() => motion.setVelocity('X', 0)).toThrow(MotionParameterError);
    expect(() => motion.setVelocity('X', 20_000)).toThrow(/velocity_um_s 20000 must be > 0 and ≤ 10000/);
    expect(() => motion.setAcceleration('Y', -5)).toThrow(MotionParameterError);
    motion.setAcceleration('Y', 50_000);
    expect(motion.acceleration_um_s2('Y')).toBe(50_000);
  });
});

describe('fast-mode polling', () => {
  it('a poll of a busy axis jumps bench time to the end of its move', async () => {
    const { clock, motion } = setup();
    const r = motion.moveTo('X', 1000);
    await motion.pollMotion(['Y']); // Y is idle: no time passes
    expect(clock.now_s()).toBe(0);
    await motion.pollMotion(['X']);
    expect(clock.now_s()).toBeCloseTo(r.done_s, 12);
    expect(motion.isMoving('X')).toBe(false);
  });
});

describe('stall fault', () => {
  it('a stall mid-move stops the axis where it is and it reports moving until stopped', async () => {
    const { clock, motion } = setup();
    const r = motion.moveTo('X', 5000);
    await clock.advance(0.5);
    motion.stall('X');
    const stuckAt = motion.position_um('X');
    await motion.pollMotion(['X']);
    expect(clock.now_s()).toBeCloseTo(r.done_s, 9); // polling jumps to where it should have finished...
    expect(motion.isMoving('X')).toBe(true); // ...but it never gets there
    expect(motion.position_um('X')).toBe(stuckAt);
    expect(motion.doneAt_s('X')).toBe(Infinity);
    motion.stop('X');
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.target_um('X')).toBeCloseTo(stuckAt, 1);
  });

  it('with the fault set, the next move stops partway', async () => {
    const { clock, motion } = setup();
    motion.stall('Y');
    motion.moveTo('Y', 4000);
    await clock.advance(30);
    const p = motion.position_um('Y');
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(4000);
    expect(motion.isMoving('Y')).toBe(true);
    expect(motion.isStalled('Y')).toBe(true);
  });

  it('a jammed axis takes a new target but does not budge', async () => {
    const { clock, motion } = setup();
    motion.stall('Y');
    motion.moveTo('Y', 4000);
    await clock.advance(30);
    const p = motion.position_um('Y');
    motion.moveTo('Y', 100);
    await clock.advance(30);
    expect(motion.position_um('Y')).toBe(p);
    expect(motion.target_um('Y')).toBe(100);
  });

  it('unstall lets the stuck move carry on to its target', async () => {
    const { clock, motion } = setup();
    motion.moveTo('X', 5000);
    await clock.advance(0.5);
    motion.stall('X');
    await clock.advance(10);
    motion.unstall('X');
    expect(motion.isStalled('X')).toBe(false);
    await motion.pollMotion(['X']);
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.position_um('X')).toBeCloseTo(5000, 1);
  });

  it('unstall before the jam struck lets the move run as planned', async () => {
    const { clock, motion } = setup();
    motion.stall('X');
    const r = motion.moveTo('X', 5000);
    motion.unstall('X');
    await motion.pollMotion(['X']);
    expect(clock.now_s()).toBeCloseTo(r.start_s + 2.5 + 0.1 + 0.01, 9);
    expect(motion.position_um('X')).toBeCloseTo(5000, 1);
  });

  it('after stop, moves still stall until the fault is cleared', async () => {
    const { clock, motion } = setup();
    motion.stall('X');
    motion.moveTo('X', 3000);
    await clock.advance(20);
    motion.stop('X');
    motion.moveTo('X', 6000);
    await clock.advance(20);
    expect(motion.isMoving('X')).toBe(true);
    expect(motion.position_um('X')).toBeLessThan(6000);
  });
});
