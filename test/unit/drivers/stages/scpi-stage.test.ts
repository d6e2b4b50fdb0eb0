// The SCPI motion controller's wire protocol: µm on the wire, `:AXIS<n>:` headers, SYST:ERR? after commands.
import { describe, expect, it } from 'vitest';
import { InstrumentError } from '../../../../drivers/errors.ts';
import { SCPI_STAGE_IDENTITIES, scpiStage } from '../../../../drivers/instruments/scpi-stage.ts';
import { SoftLimitError, UnknownAxisError } from '../../../../drivers/roles/stage.ts';
import type { Stage } from '../../../../drivers/roles/stage.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const AXES = {
  X: { axis: 1, min_um: 0, max_um: 25_000, home_um: 0 },
  Y: { axis: 2, min_um: 0, max_um: 25_000, home_um: 0 },
  Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 10_000 },
};

/** At open, after *CLS: each axis's maxima (`? MAX`), which the driver keeps as Stage.rampLimits. */
const MAXIMA: Exchange[] = [1, 2, 3].flatMap((n): Exchange[] => [[`:AXIS${n}:VEL? MAX`, '+1.00000000E+04'], [`:AXIS${n}:ACC? MAX`, '+2.00000000E+05']]);

function withStage<T>(exchanges: Exchange[], body: (stage: Stage) => Promise<T>): Promise<T> {
  return expectProtocol([['*CLS', null], ...MAXIMA, ...exchanges],
    async (session) => body(await scpiStage.create({ session, role: 'stage', options: {}, axes: AXES })));
}

describe('scpi-stage driver', () => {
  it('claims the identities known to speak its dialect: the simulator\'s XYZ motion controllers', () => {
    expect(scpiStage.matchesIdentity('BENCHSIM,XYZ-25 Motion Controller,SIM00001,1.0.0')).toBe(true);
    expect(scpiStage.matchesIdentity('benchsim,xyz-50 motion controller,SIM00002,2.1')).toBe(true);
    expect(SCPI_STAGE_IDENTITIES.length).toBeGreaterThan(0);
  });

  it('claims no other instrument, motion controllers of other makers and other BENCHSIM models included', () => {
    for (const identity of [
      'Keysight Technologies,N7744C,MY00000001,1.0',
      'ESP301 Version 3.0.2 03/26/12',
      '(c)2015 Physik Instrumente (PI) GmbH & Co. KG, C-884.4DC, SIM0000001, 2.0.1.3',
      'Newport Corporation,XPS-D Motion Controller,1234,2.0',
      'Thorlabs,BSC203 Stage Controller,70000001,1.0',
      'ACME,Linear Stage,1,1',
      'Aerotech,Ensemble Motion Controller,1,1',
      'BENCHSIM,XYZ-25 Motion Controller Emulator,1,1',
      'BENCHSIM,Rotation Stage,1,1',
      'XYZ-25 Motion Controller',
      '',
    ]) expect(scpiStage.matchesIdentity(identity), identity).toBe(false);
  });

  it('reads each axis\'s maxima at open (`:AXISn:VEL? MAX`, `:ACC? MAX`) into rampLimits', async () => {
    const limits = await withStage([], async (s) => s.rampLimits);
    expect(limits).toEqual(Object.fromEntries(['X', 'Y', 'Z'].map((a) => [a, { maxVelocity_um_s: 10_000, maxAcceleration_um_s2: 200_000 }])));
  });

  it('writes positions in µm, several axes in one program message', async () => {
    await withStage([[':AXIS1:POS 12500.25;:AXIS3:POS 9000', null], NO_ERROR], (s) => s.moveAbsolute_um({ X: 12_500.25, Z: 9_000 }));
  });

  it('reads positions (NR3, µm) per axis', async () => {
    const p = await withStage([[':AXIS1:POS?', '+1.25000000E+04'], [':AXIS2:POS?', '+0.00000000E+00'], [':AXIS3:POS?', '+9.99999000E+03']],
      (s) => s.positions_um());
    expect(p).toEqual({ X: 12_500, Y: 0, Z: 9_999.99 });
  });

  it('relative moves: target query, limit check, MOVE:REL', async () => {
    await withStage([[':AXIS2:POS:TARG?', '+1.00000000E+03'], [':AXIS2:MOVE:REL -500', null], NO_ERROR], (s) => s.moveRelative_um('Y', -500));
    await expect(withStage([[':AXIS2:POS:TARG?', '+1.00000000E+02']], (s) => s.moveRelative_um('Y', -500))).rejects.toBeInstanceOf(SoftLimitError);
  });

  it('polls :AXISn:MOT? (1 while moving), velocity and acceleration in µm/s and µm/s²', async () => {
    const t = await withStage([
      [':AXIS1:MOT?', '1'], [':AXIS1:MOT?', '0'],
      [':AXIS1:VEL 500', null], NO_ERROR,
      [':AXIS1:VEL?', '+5.00000000E+02'], [':AXIS1:ACC?', '+2.00000000E+04'],
    ], async (s) => {
      await s.waitForMotion({ axes: ['X'], pollInterval_s: 0.001 });
      await s.setVelocity_um_s('X', 500);
      return s.trajectory('X');
    });
    expect(t).toEqual({ velocity_um_s: 500, acceleration_um_s2: 20_000 });
  });

  it('homes and stops per axis', async () => {
    await withStage([[':AXIS2:HOME', null], NO_ERROR, [':AXIS1:STOP;:AXIS2:STOP;:AXIS3:STOP', null], NO_ERROR], async (s) => {
      await s.home('Y');
      await s.stop();
    });
  });

  it('safe(): :STOP, then :AXISn:STOP for each bench-file axis, each checked', async () => {
    await withStage([
      [':STOP', null], NO_ERROR,
      [':AXIS1:STOP', null], NO_ERROR, [':AXIS2:STOP', null], NO_ERROR, [':AXIS3:STOP', null], NO_ERROR,
    ], (s) => s.safe());
  });

  it('sets the one ramp with :AXISn:ACC in µm/s² and reads it back', async () => {
    const a = await withStage([[':AXIS2:ACC 200000', null], NO_ERROR, [':AXIS2:ACC?', '+2.00000000E+05']], async (s) => {
      await s.setAcceleration_um_s2('Y', 200_000);
      return s.acceleration_um_s2('Y');
    });
    expect(a).toBe(200_000);
  });

  it('surfaces an acceleration beyond the controller\'s maximum (-222) naming the command', async () => {
    const err = await withStage([[':AXIS1:ACC 500000', null], ['SYST:ERR?', '-222,"Data out of range"'], NO_ERROR],
      (s) => s.setAcceleration_um_s2('X', 500_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: -222, command: ':AXIS1:ACC 500000' });
  });

  it('refuses an unknown axis and a limit violation before the wire', async () => {
    await expect(withStage([], (s) => s.moveAbsolute_um('x', 10))).rejects.toBeInstanceOf(UnknownAxisError);
    await expect(withStage([], (s) => s.position_um('A'))).rejects.toThrow(/unknown axis 'A'.*X, Y, Z/);
    await expect(withStage([], (s) => s.moveAbsolute_um({ X: 26_000 }))).rejects.toThrow(/axis X to 26000 µm.*\[0, 25000\]/);
  });

  it('surfaces -222 from the queue as an InstrumentError naming the command', async () => {
    const err = await withStage([[':AXIS1:POS 20000', null], ['SYST:ERR?', '-222,"Data out of range"'], NO_ERROR],
      (s) => s.moveAbsolute_um('X', 20_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: -222, command: ':AXIS1:POS 20000' });
  });
});
