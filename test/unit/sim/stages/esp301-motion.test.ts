import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { RealtimeClock } from '../../../../sim/clock.ts';
import { Esp301Stage } from '../../../../sim/instruments/stage-esp301.ts';
import { fastMotion, send } from './helpers.ts';

describe('ESP301 dialect: motion state over time', () => {
  it('a stalled axis answers MD? 0 for ever (bench time jumps once), until ST', async () => {
    const { motion, clock } = fastMotion();
    const esp = new Esp301Stage({ motion });
    motion.stall('Y');
    await send(esp, '2PA10');
    expect(await send(esp, '2MD?')).toBe('0\r\n');
    const t = clock.now_s();
    expect(await send(esp, '2MD?')).toBe('0\r\n');
    expect(clock.now_s() - t).toBeCloseTo(0.001, 9); // only the exchange: nothing left to wait for
    const stuck = Number(await send(esp, '2TP?'));
    expect(stuck).toBeGreaterThan(0);
    expect(stuck).toBeLessThan(10);
    await send(esp, '2ST');
    expect(await send(esp, '2MD?')).toBe('1\r\n');
    expect(Number(await send(esp, '2DP?'))).toBeCloseTo(stuck, 4);
  });

  it('TP? during a move reports the trajectory at that bench time (no jump)', async () => {
    const { motion, clock } = fastMotion();
    const esp = new Esp301Stage({ motion });
    await send(esp, '1PA4');
    await clock.advance(1.05);
    expect(Number(await send(esp, '1TP?'))).toBeCloseTo(2.002, 3);
    expect(motion.isMoving('X')).toBe(true);
  });

  it('in real time, a move really takes its time', async () => {
    const clock = new RealtimeClock();
    const { motion } = fastMotion({ clock, axes: { X: { velocity_um_s: 10_000, acceleration_um_s2: 200_000 } } });
    const esp = new Esp301Stage({ motion });
    await send(esp, '1PA0.1'); // ≈ 55 ms
    expect(await send(esp, '1MD?')).toBe('0\r\n');
    await sleep(250);
    expect(await send(esp, '1MD?')).toBe('1\r\n');
    expect(Number(await send(esp, '1TP?'))).toBeCloseTo(0.1, 4);
  });
});
