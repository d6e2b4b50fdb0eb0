import { describe, expect, it } from 'vitest';
import { PiGcsStage } from '../../../../sim/instruments/stage-pi-gcs.ts';
import { PiGcsCommandError, piGcsErrorMessage } from '../../../../sim/instruments/pi-gcs-errors.ts';
import { fastMotion, send } from './helpers.ts';

async function setup(referenced = true) {
  const { clock, motion } = fastMotion({ referenced });
  const pi = new PiGcsStage({ motion });
  await send(pi, 'SVO 1 1 2 1 3 1');
  return { clock, motion, pi };
}

describe('PI GCS dialect: errors', () => {
  it('ERR? is 0 with nothing wrong', async () => {
    const { pi } = await setup();
    expect(await send(pi, 'ERR?')).toBe('0\n');
  });

  it.each([
    ['XYZ 1', 2],
    ['MOV 1', 1],
    ['MOV 1 abc', 1],
    ['MOV', 1],
    ['MOV 4 1.0', 15],
    ['MOV A 1.0', 15],
    ['POS? 7', 15],
    ['SVO 1 2', 17],
    ['VEL 1 -1', 17],
    ['VEL 1 50', 8],
    ['ACC 1 1e6', 17],
    ['DEC 1 201', 17],
    ['DEC 2 0', 17],
    ['DEC 2', 1],
    ['DEC 2 fast', 1],
    ['DEC 5 10', 15],
    ['DEC? 9', 15],
    ['STP 1', 1],
    ['MOV 1 25.5', 7],
    ['MOV 3 -0.001', 7],
    ['SPA? 1 0x49', 54],
    ['SPA? 1 velocity', 54],
    ['SPA? 1', 1],
    ['SPA? 4 0xA', 15],
  ])('%s → error %i, and no reply', async (command, code) => {
    const { pi } = await setup();
    expect(await send(pi, command)).toBeUndefined();
    expect(await send(pi, 'ERR?')).toBe(`${code}\n`);
  });

  it('a move out of limits is refused whole: no axis of the command moves', async () => {
    const { pi, motion, clock } = await setup();
    await send(pi, 'MOV 1 5 2 30');
    await clock.advance(5);
    expect(motion.target_um('X')).toBe(0);
    expect(motion.position_um('Y')).toBe(0);
    expect(await send(pi, 'ERR?')).toBe('7\n');
  });

  it('moves with the servo off are refused with error 5', async () => {
    const { pi, motion } = await setup();
    await send(pi, 'SVO 2 0');
    await send(pi, 'MOV 2 1');
    expect(motion.target_um('Y')).toBe(0);
    expect(await send(pi, 'ERR?')).toBe('5\n');
    await send(pi, 'SVO 2 0');
    await send(pi, 'FRF 2');
    expect(await send(pi, 'ERR?')).toBe('5\n');
  });

  it('moves on an unreferenced axis are refused with error 5 until FRF', async () => {
    const { pi, motion } = await setup(false);
    await send(pi, 'MOV 1 1');
    expect(await send(pi, 'ERR?')).toBe('5\n');
    await send(pi, 'FRF 1');
    await send(pi, 'ONT? 1');
    expect(await send(pi, 'FRF? 1')).toBe('1=1\n');
    await send(pi, 'MOV 1 1');
    expect(motion.target_um('X')).toBe(1000);
    expect(await send(pi, 'ERR?')).toBe('0\n');
  });

  it('keeps only the latest error', async () => {
    const { pi } = await setup();
    await send(pi, 'XYZ');
    await send(pi, 'MOV 9 1');
    expect(await send(pi, 'ERR?')).toBe('15\n');
    expect(await send(pi, 'ERR?')).toBe('0\n');
  });

  it('an overlong line is error 3', async () => {
    const { pi } = await setup();
    await send(pi, 'MOV ' + '1 1.0 '.repeat(200));
    expect(await send(pi, 'ERR?')).toBe('3\n');
  });

  it('pushError sets the register (fault injection); messages name the command', async () => {
    const { pi } = await setup();
    pi.pushError(10);
    expect(pi.queuedErrorCodes()).toEqual([10]);
    expect(await send(pi, 'ERR?')).toBe('10\n');
    expect(new PiGcsCommandError(7, 'MOV 1 99').message).toBe("PI GCS error 7 (Position out of limits) on command 'MOV 1 99'");
    expect(piGcsErrorMessage(555)).toBe('GCS error 555');
  });

  it('a stalled axis never comes on target until stopped', async () => {
    const { pi, motion } = await setup();
    motion.stall('X');
    await send(pi, 'MOV 1 3');
    expect(await send(pi, 'ONT? 1')).toBe('1=0\n');
    expect(await send(pi, 'ONT? 1')).toBe('1=0\n');
    await send(pi, 'HLT 1');
    expect(await send(pi, 'ONT? 1')).toBe('1=1\n');
  });
});
