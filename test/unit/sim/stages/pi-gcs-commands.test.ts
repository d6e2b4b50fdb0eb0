import { describe, expect, it } from 'vitest';
import { PI_GCS_FRAMING, PiGcsStage } from '../../../../sim/instruments/stage-pi-gcs.ts';
import { fastMotion, send } from './helpers.ts';

async function setup(servoOn = true) {
  const { clock, motion } = fastMotion();
  const pi = new PiGcsStage({ motion });
  if (servoOn) await send(pi, 'SVO 1 1 2 1 3 1');
  return { clock, motion, pi };
}

describe('PI GCS dialect: commands and replies', () => {
  it('is LF framed and identifies as a PI controller', async () => {
    const { pi } = await setup(false);
    expect(PI_GCS_FRAMING).toEqual({ inputTerminator: '\n', outputTerminator: '\n' });
    expect(await send(pi, '*IDN?')).toMatch(/^\(c\)\d{4} Physik Instrumente \(PI\) GmbH & Co\. KG, C-884[^\n]*\n$/);
  });

  it('servos power up off; SVO switches them, SVO? reports them', async () => {
    const { pi } = await setup(false);
    expect(await send(pi, 'SVO? 1')).toBe('1=0\n');
    expect(await send(pi, 'SVO 1 1')).toBeUndefined();
    expect(await send(pi, 'SVO?')).toBe('1=1 \n2=0 \n3=0\n');
  });

  it('MOV moves in mm (several pairs at once), POS? answers 1=10.000000', async () => {
    const { pi, motion } = await setup();
    expect(await send(pi, 'MOV 1 10.0 2 5')).toBeUndefined();
    expect(motion.target_um('X')).toBe(10_000);
    expect(motion.target_um('Y')).toBe(5000);
    expect(await send(pi, 'ONT? 1 2')).toBe('1=1 \n2=1\n');
    const pos = await send(pi, 'POS? 1');
    expect(pos).toMatch(/^1=\d+\.\d{6}\n$/);
    expect(Number(pos?.slice(2))).toBeCloseTo(10, 4);
    expect(await send(pi, 'MOV? 2')).toBe('2=5.000000\n');
  });

  it('MVR moves relative to the target', async () => {
    const { pi, motion } = await setup();
    await send(pi, 'MOV 3 8');
    await send(pi, 'MVR 3 -0.5');
    expect(motion.target_um('Z')).toBe(7500);
  });

  it('ONT? is 0 while moving; in fast mode the poll waits the move out', async () => {
    const { pi, motion, clock } = await setup();
    await send(pi, 'MOV 1 4');
    expect(motion.isMoving('X')).toBe(true);
    const t0 = clock.now_s();
    expect(await send(pi, 'ONT? 1')).toBe('1=1\n');
    expect(clock.now_s() - t0).toBeGreaterThan(2);
  });

  it('POS? with no axis lists every axis, GCS multi-line style', async () => {
    const { pi } = await setup();
    const reply = await send(pi, 'POS?');
    expect(reply).toMatch(/^1=0\.\d{6} \n2=0\.\d{6} \n3=10\.\d{6}\n$/);
  });

  it('VEL sets mm/s and applies to the next move; VEL? reports it', async () => {
    const { pi, motion } = await setup();
    await send(pi, 'VEL 1 1.0 2 0.5');
    expect(await send(pi, 'VEL? 1 2')).toBe('1=1.000000 \n2=0.500000\n');
    expect(motion.velocity_um_s('X')).toBe(1000);
  });

  it('ACC sets mm/s²; ACC? reports it', async () => {
    const { pi } = await setup();
    await send(pi, 'ACC 2 40');
    expect(await send(pi, 'ACC? 2')).toBe('2=40.000000\n');
  });

  it('DEC sets mm/s² apart from ACC; DEC? reports it (powering up equal to the acceleration)', async () => {
    const { pi, motion } = await setup();
    expect(await send(pi, 'DEC? 1 3')).toBe('1=20.000000 \n3=20.000000\n');
    await send(pi, 'DEC 1 150 3 60.25');
    expect(await send(pi, 'DEC? 1 3')).toBe('1=150.000000 \n3=60.250000\n');
    expect(await send(pi, 'ACC? 1')).toBe('1=20.000000\n');
    expect(motion.acceleration_um_s2('X')).toBe(20_000);
    expect(await send(pi, 'ERR?')).toBe('0\n');
  });

  it('FRF references (homes) the axis, FRF? reports it', async () => {
    const { pi, clock } = await setup();
    await send(pi, 'MOV 1 1');
    await send(pi, 'ONT? 1');
    await send(pi, 'FRF 1');
    expect(await send(pi, 'FRF? 1')).toBe('1=0\n'); // referencing in progress
    await clock.advance(10);
    expect(await send(pi, 'FRF? 1')).toBe('1=1\n');
    expect(Number((await send(pi, 'POS? 1'))?.slice(2))).toBeCloseTo(0, 4);
  });

  it('TMN? / TMX? report the travel', async () => {
    const { pi } = await setup();
    expect(await send(pi, 'TMN? 1 3')).toBe('1=0.000000 \n3=0.000000\n');
    expect(await send(pi, 'TMX? 1 3')).toBe('1=25.000000 \n3=10.000000\n');
  });

  it('SPA? answers the maximum closed-loop velocity (0xA, mm/s) and acceleration (0x4A, mm/s²), the ids as written', async () => {
    const { pi } = await setup();
    expect(await send(pi, 'SPA? 1 0xA 3 0x4a')).toBe('1 0xA=10.000000 \n3 0x4a=200.000000\n');
    expect(await send(pi, 'ERR?')).toBe('0\n');
  });

  it('STP stops every axis on the spot and sets error 10', async () => {
    const { pi, clock, motion } = await setup();
    await send(pi, 'MOV 1 20 2 20');
    await clock.advance(1.05);
    expect(await send(pi, 'STP')).toBeUndefined();
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.position_um('Y')).toBeLessThan(2100);
    expect(await send(pi, 'ERR?')).toBe('10\n');
    expect(await send(pi, 'ERR?')).toBe('0\n');
  });

  it('HLT brakes the given axes only, and sets error 10', async () => {
    const { pi, clock, motion } = await setup();
    await send(pi, 'MOV 1 20 2 20');
    await clock.advance(1.05);
    await send(pi, 'HLT 2');
    expect(motion.target_um('X')).toBe(20_000);
    expect(motion.target_um('Y')).toBeCloseTo(2100, -1);
    expect(await send(pi, 'ERR?')).toBe('10\n');
  });

  it('#5 (0x05) answers a hex mask of moving axes; #24 (0x18) stops', async () => {
    const { pi, motion } = await setup();
    await send(pi, 'MOV 1 5 3 5');
    expect(await send(pi, '\x05')).toBe('0\n'); // a poll: fast mode waits the motion out
    motion.stall('Z');
    await send(pi, 'MOV 3 8');
    expect(await send(pi, '\x05')).toBe('4\n');
    await send(pi, '\x18');
    expect(await send(pi, '\x05')).toBe('0\n');
    expect(await send(pi, 'ERR?')).toBe('10\n');
  });

  it('SAI? lists the axis identifiers', async () => {
    const { pi } = await setup();
    expect(await send(pi, 'SAI?')).toBe('1 \n2 \n3\n');
  });
});
