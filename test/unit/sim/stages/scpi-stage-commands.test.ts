import { describe, expect, it } from 'vitest';
import { SCPI_STAGE_IDENTITY, ScpiStage } from '../../../../sim/instruments/stage-scpi.ts';
import { fastMotion, send } from './helpers.ts';

function setup() {
  const { clock, motion } = fastMotion();
  return { clock, motion, stage: new ScpiStage({ motion }) };
}

describe('SCPI stage: commands and replies', () => {
  it('answers *IDN? and the IEEE 488.2 common commands from the SCPI base', async () => {
    const { stage } = setup();
    expect(stage.role).toBe('stage');
    expect(await send(stage, '*IDN?')).toBe(`${SCPI_STAGE_IDENTITY}\n`);
    expect(await send(stage, 'SYST:ERR?')).toBe('0,"No error"\n');
  });

  it(':AXISn:POS moves in µm, :POS? reads the encoder (NR3, µm)', async () => {
    const { stage, motion } = setup();
    expect(await send(stage, ':AXIS1:POS 12500')).toBeUndefined();
    expect(motion.target_um('X')).toBe(12_500);
    expect(await send(stage, ':AXIS1:MOT?')).toBe('0\n');
    const reply = await send(stage, ':AXIS1:POS?');
    expect(reply).toMatch(/^\+1\.250\d{5}E\+04\n$/);
    expect(Number(reply)).toBeCloseTo(12_500, 1);
  });

  it('accepts length units with SI prefixes, long forms and lower case', async () => {
    const { stage, motion } = setup();
    await send(stage, ':axis2:position 5MM');
    expect(motion.target_um('Y')).toBeCloseTo(5000, 9);
    await send(stage, ':AXIS2:POSITION 2500UM');
    expect(motion.target_um('Y')).toBeCloseTo(2500, 9);
    await send(stage, ':AXIS2:POS MAX');
    expect(motion.target_um('Y')).toBe(25_000);
  });

  it(':AXISn:POS:TARG? reports the target while the axis still moves', async () => {
    const { stage } = setup();
    await send(stage, ':AXIS3:POS 9000');
    expect(Number(await send(stage, ':AXIS3:POS:TARG?'))).toBe(9000);
  });

  it(':AXISn:MOVE:REL moves relative to the target', async () => {
    const { stage, motion } = setup();
    await send(stage, ':AXIS1:POS 100;:AXIS1:MOVE:REL -25.5');
    expect(motion.target_um('X')).toBeCloseTo(74.5, 9);
  });

  it(':AXISn:MOT? is 1 while moving; in fast mode the poll jumps to the end of the move', async () => {
    const { stage, motion, clock } = setup();
    await send(stage, ':AXIS1:POS 1000');
    expect(motion.isMoving('X')).toBe(true);
    const t0 = clock.now_s();
    expect(await send(stage, ':AXIS1:MOT?')).toBe('0\n');
    expect(clock.now_s() - t0).toBeCloseTo(0.6 + 0.01, 3); // 1000 µm at 2000 µm/s, 20000 µm/s², 10 ms settle
  });

  it(':AXISn:VEL / :ACC set the rates in µm/s and µm/s²; queries report them', async () => {
    const { stage, motion } = setup();
    await send(stage, ':AXIS1:VEL 500;:AXIS1:ACC 1E4');
    expect(await send(stage, ':AXIS1:VEL?;:AXIS1:ACC?')).toBe('+5.00000000E+02;+1.00000000E+04\n');
    await send(stage, ':AXIS2:VEL 1MM/S');
    expect(motion.velocity_um_s('Y')).toBeCloseTo(1000, 9);
  });

  it(':AXISn:VEL? MAX / :ACC? MAX report the most the axis accepts (MIN the least); other words are -224', async () => {
    const { stage } = setup();
    expect(await send(stage, ':AXIS1:VEL? MAX;:AXIS3:ACC? MAXIMUM;:AXIS2:VEL? MIN')).toBe('+1.00000000E+04;+2.00000000E+05;+1.00000000E+00\n');
    expect(await send(stage, ':AXIS1:VEL? FAST')).toBeUndefined();
    expect(await send(stage, 'SYST:ERR?')).toMatch(/^-224,/);
  });

  it(':AXISn:HOME homes the axis and takes bench time; :HOME:STAT? says when it is referenced', async () => {
    const { stage, clock } = setup();
    await send(stage, ':AXIS1:POS 3000;*WAI');
    const t0 = clock.now_s();
    await send(stage, ':AXIS1:HOME');
    expect(await send(stage, ':AXIS1:HOME:STAT?')).toBe('0\n');
    await send(stage, ':AXIS1:MOT?');
    expect(clock.now_s() - t0).toBeGreaterThan(3);
    expect(await send(stage, ':AXIS1:HOME:STAT?;:AXIS1:POS?')).toMatch(/^1;[+-]\d\.\d{8}E[+-]\d\d\n$/);
  });

  it(':AXISn:LIM:LOW? / :HIGH? report the hardware travel', async () => {
    const { stage } = setup();
    expect(await send(stage, ':AXIS1:LIM:LOW?;:AXIS1:LIM:HIGH?;:AXIS3:LIM:HIGH?')).toBe('+0.00000000E+00;+2.50000000E+04;+1.00000000E+04\n');
  });

  it(':AXISn:STOP stops one axis; :STOP stops all, decelerating from where they are', async () => {
    const { stage, motion, clock } = setup();
    await send(stage, ':AXIS1:POS 20000;:AXIS2:POS 20000');
    await clock.advance(1.05);
    await send(stage, ':AXIS1:STOP');
    expect(motion.target_um('X')).toBeLessThan(2200);
    expect(motion.target_um('Y')).toBe(20_000);
    await send(stage, ':STOP');
    expect(await send(stage, ':AXIS2:MOT?')).toBe('0\n');
    expect(Number(await send(stage, ':AXIS2:POS?'))).toBeLessThan(2200);
  });

  it('*OPC? waits for every move to finish (bench time)', async () => {
    const { stage, clock, motion } = setup();
    await send(stage, ':AXIS1:POS 2000;:AXIS2:POS 4000');
    expect(await send(stage, '*OPC?')).toBe('1\n');
    expect(motion.isMoving('X') || motion.isMoving('Y')).toBe(false);
    expect(clock.now_s()).toBeCloseTo(2.1 + 0.01 + 0.0002, 6);
  });

  it('*RST stops the axes and restores the default rates', async () => {
    const { stage, motion } = setup();
    await send(stage, ':AXIS1:VEL 100;:AXIS1:POS 20000');
    await send(stage, '*RST');
    expect(motion.velocity_um_s('X')).toBe(2000);
    expect(motion.target_um('X')).toBeLessThan(20_000);
  });
});
