// The ESP301 driver's wire protocol, exchange by exchange: mm on the wire, µm at the interface, the error
// buffer read after every command, and refusals that send nothing.
import { describe, expect, it } from 'vitest';
import { InstrumentError } from '../../../../drivers/errors.ts';
import { ESP301_DRIVER_NAME, newportEsp301 } from '../../../../drivers/instruments/newport-esp301.ts';
import { InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { SafeStateError } from '../../../../drivers/properties/safe-state.ts';
import { HomingRefusedError, MotionArgumentError, SoftLimitError, UnknownAxisError } from '../../../../drivers/roles/stage.ts';
import type { Stage } from '../../../../drivers/roles/stage.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const OK: Exchange = ['TB?', '0, 0, NO ERROR'];
const AXES = {
  X: { axis: 1, min_um: 0, max_um: 25_000, home_um: 0 },
  Y: { axis: 2, min_um: 0, max_um: 25_000, home_um: 0 },
  Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 10_000 },
};
/** Each axis's displacement unit (2 = mm), as the ESP301 answers nSN?. */
const UNITS_MM: Exchange[] = [['1SN?', '2'], ['2SN?', '2'], ['3SN?', '2']];
/** Read at open, last: each axis's maximum velocity (VU), kept as Stage.rampLimits. */
const MAXIMA: Exchange[] = [['1VU?', '10.000000'], ['2VU?', '10.000000'], ['3VU?', '10.000000']];
const OPEN: Exchange[] = [...UNITS_MM, OK, ['1MO;2MO;3MO', null], OK, ...MAXIMA];

function create(session: ScpiSession, options: Record<string, unknown> = {}): Promise<Stage> {
  return newportEsp301.create({ session, role: 'stage', options, axes: AXES });
}

/** Runs `body` on a freshly opened ESP301 stage that must exchange exactly OPEN + `exchanges`. */
function withStage<T>(exchanges: Exchange[], body: (stage: Stage) => Promise<T>): Promise<T> {
  return expectProtocol([...OPEN, ...exchanges], async (session) => body(await create(session)), newportEsp301.sessionDefaults);
}

describe('newport-esp301 driver', () => {
  it('readErrors: one TB? (the exchange that confirms every command), an error in it thrown', async () => {
    await withStage([OK], (s) => s.readErrors!());
    const err = await withStage([['TB?', '108, 3921, MOTOR NOT ENABLED'], OK], (s) => s.readErrors!()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InstrumentError', code: 108 });
  });

  it('reads each axis\'s units with nSN? and speaks them: µm on axis 2, inches on axis 3', async () => {
    // ESP301 manual, SN: 2 millimetre, 3 micrometre, 4 inch. The Stage role stays in µm.
    await expectProtocol([
      ['1SN?', '2'], ['2SN?', '3'], ['3SN?', '4'], OK, ['1MO;2MO;3MO', null], OK,
      ['1VU?', '10.000000'], ['2VU?', '10000.000000'], ['3VU?', '0.393701'],
      ['1PA12.5;2PA850;3PA0.3', null], OK,
      ['2TP?', '849.990000'],
      ['3VA?', '0.010000'],
      ['2VA200', null], OK,
    ], async (session) => {
      const stage = await create(session);
      await stage.moveAbsolute_um({ X: 12_500, Y: 850, Z: 7_620 });
      expect(await stage.position_um('Y')).toBeCloseTo(849.99, 9);
      expect(await stage.velocity_um_s('Z')).toBeCloseTo(254, 9);
      // The maxima read at open, each in its axis's unit: 10 mm/s whatever the unit.
      for (const axis of ['X', 'Y', 'Z']) expect(stage.rampLimits?.[axis]?.maxVelocity_um_s).toBeCloseTo(10_000, 1);
      await stage.setVelocity_um_s('Y', 200);
    }, newportEsp301.sessionDefaults);
  });

  it('refuses an axis set up in counts, steps or a rotary unit, naming the axis, the unit and the fix', async () => {
    for (const [reply, what] of [['0', 'encoder counts \\(code 0\\)'], ['7', 'degrees \\(code 7\\)'], ['mm', "'mm'"]] as const) {
      await expect(expectProtocol([['1SN?', '2'], ['2SN?', reply]], (session) => create(session), newportEsp301.sessionDefaults))
        .rejects.toThrow(new RegExp(`stage: ESP301 axis 2 is set up in ${what} \\(2SN\\?\\); the driver needs a length unit: mm \\(2\\), µm \\(3\\).*e\\.g\\. 2SN2 for mm`));
    }
  });

  it('speaks CR-terminated ESP301 ASCII by default', () => {
    // RS-232 as it leaves the factory: 19200 baud, RTS/CTS (921600 is its USB port's, set in the bench file).
    expect(newportEsp301.sessionDefaults).toMatchObject({ writeTermination: '\r', readTermination: '\r\n', baudRate: 19200, flowControl: 'rtscts' });
    expect(newportEsp301.name).toBe(ESP301_DRIVER_NAME);
    expect(newportEsp301.kind).toBe('stage');
  });

  it('recognises the VE? reply of an ESP301 and nothing else', () => {
    expect(newportEsp301.matchesIdentity('ESP301 Version 3.0.2 03/26/12')).toBe(true);
    expect(newportEsp301.matchesIdentity('BENCHSIM,XYZ-25 Motion Controller,SIM00001,1.0.0')).toBe(false);
    expect(newportEsp301.matchesIdentity('(c)2015 Physik Instrumente (PI) GmbH & Co. KG, C-884.4DC, 1, 2')).toBe(false);
  });

  it('drains stale errors, then switches the motors of the bench-file axes on when it opens', async () => {
    await expectProtocol([
      ...UNITS_MM,
      ['TB?', '7, 120, PARAMETER OUT OF RANGE'],
      ['TB?', '6, 130, COMMAND DOES NOT EXIST'],
      OK,
      ['1MO;2MO;3MO', null],
      OK,
      ...MAXIMA,
    ], (session) => create(session), newportEsp301.sessionDefaults);
  });

  it('leaves the motors alone with options.enable false', async () => {
    await expectProtocol([...UNITS_MM, OK, ...MAXIMA], (session) => create(session, { enable: false }), newportEsp301.sessionDefaults);
  });

  it('refuses unknown driver options before sending anything', async () => {
    await expect(expectProtocol([], (session) => create(session, { speed: 3 }), newportEsp301.sessionDefaults))
      .rejects.toThrow(/speed/);
  });

  it('identifies with VE?', async () => {
    const id = await withStage([['VE?', 'ESP301 Version 3.0.2 03/26/12']], (s) => s.identify());
    expect(id).toBe('ESP301 Version 3.0.2 03/26/12');
  });

  it('writes absolute targets in mm, several axes on one line, then reads the error buffer', async () => {
    await withStage([['1PA12.5;2PA0.0005;3PA9.999999', null], OK], (s) => s.moveAbsolute_um({ X: 12_500, Y: 0.5, Z: 9_999.999 }));
  });

  it('reads positions in mm and returns µm', async () => {
    const p = await withStage([['1TP?', '12.500000'], ['2TP?', '0.000500'], ['3TP?', '9.999990']], (s) => s.positions_um());
    expect(p.X).toBeCloseTo(12_500, 9);
    expect(p.Y).toBeCloseTo(0.5, 9);
    expect(p.Z).toBeCloseTo(9_999.99, 9);
  });

  it('checks a relative move against the soft limits from the desired position, then sends PR in mm', async () => {
    await withStage([['3DP?', '9.500000'], ['3PR-0.25', null], OK], (s) => s.moveRelative_um('Z', -250));
  });

  it('refuses a relative move past a soft limit after reading the target, sending no move', async () => {
    const err = await withStage([['3DP?', '5.100000']], (s) => s.moveRelative_um('Z', -200)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SoftLimitError);
    expect((err as SoftLimitError).message).toMatch(/axis Z to 4900 µm .*\[5008, 10000\] µm/);
  });

  it('refuses absolute moves outside the soft limits, NaN targets and unknown axes with nothing on the wire', async () => {
    const below = await withStage([], (s) => s.moveAbsolute_um('Z', 5_000)).catch((e: unknown) => e);
    expect(below).toBeInstanceOf(SoftLimitError);
    expect(below).toMatchObject({ axis: 'Z', target_um: 5_000, min_um: 5_008, max_um: 10_000 });
    // One axis out of limits refuses the whole call, including the axes that were fine.
    await expect(withStage([], (s) => s.moveAbsolute_um({ X: 100, Y: 25_001 }))).rejects.toBeInstanceOf(SoftLimitError);
    await expect(withStage([], (s) => s.moveAbsolute_um('X', NaN))).rejects.toBeInstanceOf(MotionArgumentError);
    await expect(withStage([], (s) => s.moveAbsolute_um('W', 10))).rejects.toBeInstanceOf(UnknownAxisError);
    await expect(withStage([], (s) => s.moveRelative_um('X', Infinity))).rejects.toBeInstanceOf(MotionArgumentError);
  });

  it('polls MD? (1 = done) and waits until every axis is done', async () => {
    await withStage([
      ['1MD?', '0'], ['2MD?', '1'], ['3MD?', '1'],
      ['1MD?', '1'],
    ], (s) => s.waitForMotion({ timeout_s: 5, pollInterval_s: 0.001 }));
  });

  it('sets and reads velocity in mm/s, reads acceleration in mm/s²', async () => {
    const t = await withStage([['1VA2.5', null], OK, ['1VA?', '2.500000'], ['1AC?', '20.000000']], async (s) => {
      await s.setVelocity_um_s('X', 2500);
      return s.trajectory('X');
    });
    expect(t).toEqual({ velocity_um_s: 2500, acceleration_um_s2: 20_000 });
  });

  it('refuses a velocity ≤ 0 before sending it', async () => {
    await expect(withStage([], (s) => s.setVelocity_um_s('X', 0))).rejects.toBeInstanceOf(MotionArgumentError);
  });

  it('homes with OR and stops with ST per axis', async () => {
    await withStage([['2OR', null], OK, ['1ST;2ST;3ST', null], OK, ['3ST', null], OK], async (s) => {
      await s.home('Y');
      await s.stop();
      await s.stop('Z');
    });
  });

  it('refuses to home an axis whose switch lies below its soft floor, sending nothing', async () => {
    const axes = { ...AXES, Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 0 } };
    const err = await expectProtocol(OPEN, async (session) => {
      const s = await newportEsp301.create({ session, role: 'stage', options: {}, axes });
      return s.home('Z');
    }, newportEsp301.sessionDefaults).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HomingRefusedError);
    expect((err as Error).message).toMatch(/homing axis Z refused: it homes to 0 µm .*\[5008, 10000\] µm/);
  });

  it('safe(): ST (every axis), then nST for each bench-file axis, each checked', async () => {
    await withStage([['ST', null], OK, ['1ST', null], OK, ['2ST', null], OK, ['3ST', null], OK], (s) => s.safe());
  });

  it('safe() goes on after a refused stop and names it', async () => {
    const err = await withStage([
      ['ST', null], ['TB?', '37, 100, AXIS NUMBER MISSING'], OK,
      ['1ST', null], OK, ['2ST', null], OK, ['3ST', null], OK,
    ], (s) => s.safe()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafeStateError);
    expect((err as SafeStateError).failures.map((f) => f.step)).toEqual(['stop all axes']);
    expect((err as Error).message).toMatch(/stop all axes: .*AXIS NUMBER MISSING/);
  });

  it('surfaces an error-buffer entry as an InstrumentError with the ESP301 code and text', async () => {
    const err = await withStage([['1PA20', null], ['TB?', '108, 3921, MOTOR NOT ENABLED'], OK], (s) => s.moveAbsolute_um('X', 20_000))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 108, instrumentMessage: 'MOTOR NOT ENABLED', command: '1PA20' });
  });

  it('names the command when a position reply is not a number of mm', async () => {
    await expect(withStage([['1TP?', 'ABC']], (s) => s.position_um('X'))).rejects.toThrow(/1TP\?.*millimetres/);
  });

  it('flyMove sets the velocity, reads the start and the ramps, then starts the move without waiting', async () => {
    let t = 10;
    const fm = await withStage([
      ['1VA?', '2.000000'],
      ['1VA0.5', null], OK,
      ['1TP?', '1.000000'],
      ['1AC?', '20.000000'],
      ['1PA3', null], OK,
    ], (s) => s.flyMove('X', 3000, 500, { clock: () => (t += 1) }));
    expect(fm).toMatchObject({ axis: 'X', from_um: 1000, to_um: 3000, velocity_um_s: 500, acceleration_um_s2: 20_000 });
    // Read on the caller's clock just before the move command and once it was confirmed.
    expect(fm.commandedAt_s).toEqual({ earliest: 11, latest: 12 });
  });

  it('after a fly move, the earlier velocity (VA?) is put back once MD? says the axis is done', async () => {
    await withStage([
      ['1VA?', '2.000000'], ['1VA0.5', null], OK, ['1TP?', '1.000000'], ['1AC?', '20.000000'], ['1PA3', null], OK,
      ['1MD?', '0'], ['1MD?', '1'], ['1VA2', null], OK,
      ['1PA1', null], OK,
    ], async (s) => {
      await s.flyMove('X', 3000, 500);
      await s.waitForMotion({ axes: ['X'], pollInterval_s: 0.001 });
      await s.moveAbsolute_um('X', 1000);
    });
  });

  it('sets acceleration and deceleration (AC then AG) in mm/s², and reads AC? back', async () => {
    const a = await withStage([['1AC200', null], OK, ['1AG200', null], OK, ['1AC?', '200.000000']], async (s) => {
      await s.setAcceleration_um_s2('X', 200_000);
      return s.acceleration_um_s2('X');
    });
    expect(a).toBe(200_000);
  });

  it('takes COMMAND DOES NOT EXIST for AG as a controller with one ramp, once, and then sends only AC', async () => {
    await withStage([
      ['1AC200', null], OK,
      ['1AG200', null], ['TB?', '6, 2050, COMMAND DOES NOT EXIST'], OK,
      ['2AC150', null], OK,
    ], async (s) => {
      await s.setAcceleration_um_s2('X', 200_000);
      await s.setAcceleration_um_s2('Y', 150_000);
    });
  });

  it('surfaces an acceleration the controller refuses, naming AC, and sends no AG', async () => {
    const err = await withStage([['1AC500', null], ['TB?', '111, 3921, MAXIMUM ACCELERATION EXCEEDED'], OK],
      (s) => s.setAcceleration_um_s2('X', 500_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 111, command: '1AC500' });
  });

  it('surfaces any other refusal of AG', async () => {
    const err = await withStage([['1AC200', null], OK, ['1AG200', null], ['TB?', '7, 3921, PARAMETER OUT OF RANGE'], OK],
      (s) => s.setAcceleration_um_s2('X', 200_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 7, command: '1AG200' });
  });

  it('refuses an acceleration ≤ 0, NaN or on an unknown axis before sending it', async () => {
    await expect(withStage([], (s) => s.setAcceleration_um_s2('X', 0))).rejects.toThrow(/acceleration_um_s2 for axis X is 0; expected a finite acceleration > 0 in µm\/s²/);
    await expect(withStage([], (s) => s.setAcceleration_um_s2('X', NaN))).rejects.toBeInstanceOf(MotionArgumentError);
    await expect(withStage([], (s) => s.setAcceleration_um_s2('W', 1000))).rejects.toBeInstanceOf(UnknownAxisError);
  });

  it('rejects a velocity the property validator refuses even when called below the role', async () => {
    // The table's own validator guards the wire too (a negative velocity never reaches VA).
    await expectProtocol(OPEN, async (session) => {
      await create(session);
      const { Esp301Protocol } = await import('../../../../drivers/instruments/newport-esp301.ts');
      await expect(new Esp301Protocol(session).setVelocity_um_s(1, -1)).rejects.toBeInstanceOf(InvalidSettingError);
    }, newportEsp301.sessionDefaults);
  });
});
