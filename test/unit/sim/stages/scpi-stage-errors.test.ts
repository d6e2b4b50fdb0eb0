import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { RealtimeClock } from '../../../../sim/clock.ts';
import { ScpiStage } from '../../../../sim/instruments/stage-scpi.ts';
import { fastMotion, send } from './helpers.ts';

function setup() {
  const { clock, motion } = fastMotion();
  return { clock, motion, stage: new ScpiStage({ motion }) };
}

describe('SCPI stage: errors', () => {
  it('a target outside the travel → -222 with detail, and the axis does not move', async () => {
    const { stage, motion, clock } = setup();
    expect(await send(stage, ':AXIS3:POS 10001')).toBeUndefined();
    await clock.advance(1);
    expect(motion.target_um('Z')).toBe(10_000);
    expect(motion.isMoving('Z')).toBe(false);
    expect(await send(stage, 'SYST:ERR?')).toBe('-222,"Data out of range;AXIS3:POS 10001: target 10001 um is outside the travel 0 to 10000 um"\n');
  });

  it('a relative move past the travel → -222 too', async () => {
    const { stage, motion } = setup();
    await send(stage, ':AXIS1:MOVE:REL -1');
    expect(motion.target_um('X')).toBe(0);
    expect(await send(stage, 'SYST:ERR?')).toMatch(/^-222,"Data out of range;.*outside the travel 0 to 25000 um"\n$/);
  });

  it.each([
    [':AXIS4:POS 10', -114],
    [':AXIS0:POS?', -114],
    [':AXIS4:MOT?', -114],
    [':AXIS1:FOO 1', -113],
    [':AXIS1:POS', -109],
    [':AXIS1:POS abc', -104],
    [':AXIS1:POS 5S', -131],
    [':AXIS1:POS 1,2', -108],
    [':AXIS1:POS? 3', -108],
    [':AXIS1:VEL 0', -222],
    [':AXIS1:VEL 1E5', -222],
    [':AXIS1:ACC -1', -222],
    [':STOP 1', -108],
  ])('%s → %i in the error queue', async (message, code) => {
    const { stage } = setup();
    expect(await send(stage, message)).toBeUndefined();
    const reply = await send(stage, 'SYST:ERR?');
    expect(reply?.startsWith(`${code},"`)).toBe(true);
    expect(await send(stage, 'SYST:ERR?')).toBe('0,"No error"\n');
  });

  it('a stalled axis reports MOT? 1 until stopped; *OPC? does not hang on it', async () => {
    const { stage, motion, clock } = setup();
    motion.stall('X');
    await send(stage, ':AXIS1:POS 8000');
    expect(await send(stage, ':AXIS1:MOT?')).toBe('1\n');
    expect(await send(stage, '*OPC?')).toBe('1\n');
    expect(Number.isFinite(clock.now_s())).toBe(true);
    expect(await send(stage, ':AXIS1:MOT?')).toBe('1\n');
    await send(stage, ':AXIS1:STOP');
    expect(await send(stage, ':AXIS1:MOT?')).toBe('0\n');
    expect(Number(await send(stage, ':AXIS1:POS?'))).toBeLessThan(8000);
  });

  it('pushError queues any error (fault injection)', async () => {
    const { stage } = setup();
    stage.pushError(-240, 'encoder');
    expect(await send(stage, 'SYST:ERR?')).toBe('-240,"Hardware error;encoder"\n');
  });

  it('in real time a move takes its time: MOT? reports the truth now', async () => {
    const clock = new RealtimeClock();
    const { motion } = fastMotion({ clock, axes: { Y: { velocity_um_s: 10_000, acceleration_um_s2: 200_000 } } });
    const stage = new ScpiStage({ motion });
    await send(stage, ':AXIS2:POS 100'); // ≈ 55 ms
    expect(await send(stage, ':AXIS2:MOT?')).toBe('1\n');
    await sleep(250);
    expect(await send(stage, ':AXIS2:MOT?')).toBe('0\n');
  });
});
