// The simulated C-887 hexapod in GCS: six axes, pivot R S T, VMO? reachability, workspace and travel
// refusals (error 7), pivot changes only at U = V = W = 0 (error 9), and the fast-clock motion rule.
import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { PiHexapodStage } from '../../../../sim/instruments/stage-pi-hexapod.ts';
import { HexapodMotion } from '../../../../sim/motion/hexapod-motion.ts';
import { send } from '../stages/helpers.ts';

function hexapod(): { clock: FastClock; motion: HexapodMotion; hex: PiHexapodStage } {
  const clock = new FastClock();
  const motion = new HexapodMotion(clock);
  return { clock, motion, hex: new PiHexapodStage(motion) };
}

describe('simulated PI C-887 hexapod (GCS)', () => {
  it('identifies as a C-887 and lists its six axes', async () => {
    const { hex } = hexapod();
    expect(await send(hex, '*IDN?')).toMatch(/Physik Instrumente.*C-887/);
    expect(await send(hex, 'SAI?')).toBe('X \nY \nZ \nU \nV \nW\n');
  });

  it('moves all six axes together: ONT? waits the move out in fast mode, POS? reads mm and degrees', async () => {
    const { hex, clock } = hexapod();
    expect(await send(hex, 'MOV X 0.05 Y -0.02 W 0.3')).toBeUndefined();
    expect(await send(hex, 'ERR?')).toBe('0\n');
    const t0 = clock.now_s();
    expect(await send(hex, 'ONT? X')).toBe('X=1\n');
    expect(clock.now_s()).toBeGreaterThan(t0);
    expect(await send(hex, 'POS? X')).toBe('X=0.050000\n');
    expect(await send(hex, 'POS? W')).toBe('W=0.300000\n');
    expect(await send(hex, 'MOV? Y')).toBe('Y=-0.020000\n');
    await send(hex, 'MVR X 0.01');
    await send(hex, 'ONT?');
    expect(await send(hex, 'POS? X')).toBe('X=0.060000\n');
  });

  it('is mid-way while moving: #5 reports motion, STP stops it where it is with error 10', async () => {
    const { hex, motion, clock } = hexapod();
    await send(hex, 'MOV X 5');
    await clock.advance(0.2);
    expect(motion.isMoving()).toBe(true);
    await send(hex, 'STP');
    expect(await send(hex, 'ERR?')).toBe('10\n');
    const x = Number((await send(hex, 'POS? X'))?.split('=')[1]);
    expect(x).toBeGreaterThan(0);
    expect(x).toBeLessThan(5);
    expect(await send(hex, '#5')).toBe('0\n');
  });

  it('VMO? answers whether a pose is reachable without moving; MOV beyond travel or workspace gives error 7', async () => {
    const { hex, motion } = hexapod();
    expect(await send(hex, 'VMO? X 1 U 2')).toBe('1\n');
    expect(await send(hex, 'VMO? X 18')).toBe('0\n'); // beyond ±17 mm travel
    expect(motion.target().x_um).toBe(0);
    await send(hex, 'MOV X 18');
    expect(await send(hex, 'ERR?')).toBe('7\n');
    expect(motion.isMoving()).toBe(false);
    // Every coordinate within its travel, but the legs cannot reach the combination.
    expect(await send(hex, 'VMO? X 15 Y 15 Z 6 U 9 V 9')).toBe('0\n');
  });

  it('a far pivot makes a small rotation unreachable; SPI only at U = V = W = 0 (error 9)', async () => {
    const { hex } = hexapod();
    expect(await send(hex, 'VMO? U 3')).toBe('1\n');
    await send(hex, 'SPI R 0 S 0 T -600');
    expect(await send(hex, 'ERR?')).toBe('0\n');
    expect(await send(hex, 'SPI? T')).toBe('T=-600.000000\n');
    expect(await send(hex, 'VMO? U 3')).toBe('0\n'); // swings the platform 31 mm sideways
    await send(hex, 'SPI T 0');
    await send(hex, 'MOV U 1');
    await send(hex, 'ONT?');
    await send(hex, 'SPI T -45');
    expect(await send(hex, 'ERR?')).toBe('9\n');
    expect(await send(hex, 'SPI? T')).toBe('T=0.000000\n');
  });

  it('refuses unknown axes (15), bad syntax (1), unknown commands (2) and velocities beyond 10 mm/s (8)', async () => {
    const { hex } = hexapod();
    await send(hex, 'MOV Q 1');
    expect(await send(hex, 'ERR?')).toBe('15\n');
    expect(await send(hex, 'POS? Q')).toBeUndefined();
    expect(await send(hex, 'ERR?')).toBe('15\n');
    await send(hex, 'MOV X');
    expect(await send(hex, 'ERR?')).toBe('1\n');
    await send(hex, 'ACC X 1');
    expect(await send(hex, 'ERR?')).toBe('2\n');
    await send(hex, 'VLS 20');
    expect(await send(hex, 'ERR?')).toBe('8\n');
    await send(hex, 'VLS 2.5');
    expect(await send(hex, 'VLS?')).toBe('2.500000\n');
    expect(await send(hex, 'TMX? W')).toBe('W=21.000000\n');
  });
});
