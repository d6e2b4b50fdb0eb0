// The PI GCS driver's wire protocol: mm on the wire, one axis per query so each reply is one `axis=value`
// line, ERR? after every command, and error 10 after a halt taken as what it is.
import { describe, expect, it } from 'vitest';
import { InstrumentError, ReplyFormatError } from '../../../../drivers/errors.ts';
import { DriverOptionError } from '../../../../drivers/properties/errors.ts';
import { SafeStateError } from '../../../../drivers/properties/safe-state.ts';
import { gcsAxisValue, piGcs } from '../../../../drivers/instruments/pi-gcs.ts';
import { UM_VIA_MM } from '../../../../drivers/roles/stage-units.ts';
import { SoftLimitError } from '../../../../drivers/roles/stage.ts';
import type { Stage } from '../../../../drivers/roles/stage.ts';
import { expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const OK: Exchange = ['ERR?', '0'];
const AXES = { X: { axis: 1, min_um: 0, max_um: 25_000, home_um: 0 }, Z: { axis: 3, min_um: 5_008, max_um: 10_000, home_um: 10_000 } };
/** Read at open, after the servos: each axis's maxima (parameters 0xA and 0x4A), kept as Stage.rampLimits. */
const MAXIMA: Exchange[] = [1, 3].flatMap((n): Exchange[] => [[`SPA? ${n} 0xA`, `${n} 0xA=10.000000`], [`SPA? ${n} 0x4A`, `${n} 0x4A=200.000000`]]);
const OPEN: Exchange[] = [['ERR?', '0'], ['SVO 1 1 3 1', null], OK, ...MAXIMA];

function withStage<T>(exchanges: Exchange[], body: (stage: Stage) => Promise<T>): Promise<T> {
  return expectProtocol([...OPEN, ...exchanges],
    async (session) => body(await piGcs.create({ session, role: 'stage', options: {}, axes: AXES })), piGcs.sessionDefaults);
}

describe('pi-gcs driver', () => {
  it('reads each axis\'s maxima at open (SPA? parameters 0xA and 0x4A, mm) into rampLimits, and names a reply it cannot read', async () => {
    const limits = await withStage([], async (s) => s.rampLimits);
    expect(limits).toEqual({ X: { maxVelocity_um_s: 10_000, maxAcceleration_um_s2: 200_000 }, Z: { maxVelocity_um_s: 10_000, maxAcceleration_um_s2: 200_000 } });
    const err = await expectProtocol([...OPEN.slice(0, 3), ['SPA? 1 0xA', '1=10.000000']],
      (session) => piGcs.create({ session, role: 'stage', options: {}, axes: AXES }), piGcs.sessionDefaults).catch((e: unknown) => e);
    expect(String(err)).toMatch(/SPA\? 1 0xA/);
  });

  it('opens a controller without the acceleration parameter (no answer, error 54): that maximum is unknown, the velocity kept', async () => {
    // The error is read once at the end: GCS keeps it until ERR?, and the next checked command would take it for its own.
    const open: Exchange[] = [...OPEN.slice(0, 3), ['SPA? 1 0xA', '1 0xA=10.000000'], ['SPA? 1 0x4A', null],
      ['SPA? 3 0xA', '3 0xA=10.000000'], ['SPA? 3 0x4A', null], ['ERR?', '54'], ['MOV 1 12.5', null], OK];
    const limits = await expectProtocol(open, async (session) => {
      const stage = await piGcs.create({ session, role: 'stage', options: {}, axes: AXES });
      await stage.moveAbsolute_um('X', 12_500);
      return stage.rampLimits;
    }, { ...piGcs.sessionDefaults, timeout_ms: 50 });
    expect(limits).toEqual({ X: { maxVelocity_um_s: 10_000 }, Z: { maxVelocity_um_s: 10_000 } });
  });

  it('recognises a PI controller by its *IDN? reply', () => {
    expect(piGcs.matchesIdentity('(c)2015 Physik Instrumente (PI) GmbH & Co. KG, C-884.4DC, SIM0000001, 2.0.1.3')).toBe(true);
    expect(piGcs.matchesIdentity('ESP301 Version 3.0.2 03/26/12')).toBe(false);
    expect(piGcs.matchesIdentity('KEYSIGHT,N7744C,MY1,1.0')).toBe(false);
  });

  it('clears the error register and switches the servos of the bench-file axes on when it opens', async () => {
    await withStage([], async () => undefined);
  });

  it('refuses a non-boolean enable option, naming it', async () => {
    const err = await expectProtocol([], (session) => piGcs.create({ session, role: 'stage', options: { enable: 'yes' }, axes: AXES }), piGcs.sessionDefaults)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverOptionError);
    expect((err as Error).message).toMatch(/enable.*true or false/);
  });

  it('identifies with *IDN?', async () => {
    expect(await withStage([['*IDN?', 'PI, C-884, 1, 2']], (s) => s.identify())).toBe('PI, C-884, 1, 2');
  });

  it('moves several axes with one MOV in mm', async () => {
    await withStage([['MOV 1 12.5 3 9.5', null], OK], (s) => s.moveAbsolute_um({ X: 12_500, Z: 9_500 }));
  });

  it('reads every axis in one POS? (one line per axis, all but the last ending in a space) and converts mm to µm', async () => {
    const p = await withStage([['POS? 1 3', '1=12.500000 \n3=9.999990']], (s) => s.positions_um());
    expect(p.X).toBeCloseTo(12_500, 9);
    expect(p.Z).toBeCloseTo(9_999.99, 9);
    const one = await withStage([['POS? 3', '3=9.999990']], (s) => s.positions_um(['Z']));
    expect(one).toEqual({ Z: expect.closeTo(9_999.99, 9) as number });
  });

  it('a POS? reply missing an axis, or a line that is not <axis>=<value>, is a ReplyFormatError naming the command', async () => {
    await expect(withStage([['POS? 1 3', '1=12.500000']], (s) => s.positions_um())).rejects.toThrow(/POS\? 1 3.*a line '3=<value>' for axis 3/);
    await expect(withStage([['POS? 1 3', '1=12.5 \nnonsense']], (s) => s.positions_um())).rejects.toThrow(/POS\? 1 3.*'<axis>=<value>' lines/);
  });

  it('reads several axes\' trajectories in one VEL? and one ACC? (mm → µm), the velocity a fly move owes back in place of the fly one', async () => {
    const t = await withStage([['VEL? 1 3', '1=10.000000 \n3=2.500000'], ['ACC? 1 3', '1=200.000000 \n3=50.000000']], (s) => s.trajectories!(['X', 'Z']));
    expect(t).toEqual({ X: { velocity_um_s: 10_000, acceleration_um_s2: 200_000 }, Z: { velocity_um_s: 2_500, acceleration_um_s2: 50_000 } });
    const owed = await withStage([
      ['VEL? 1', '1=2.000000'], ['VEL 1 0.5', null], OK, ['POS? 1', '1=1.000000'], ['ACC? 1', '1=20.000000'], ['MOV 1 3', null], OK,
      ['VEL? 1 3', '1=0.500000 \n3=2.500000'], ['ACC? 1 3', '1=20.000000 \n3=50.000000'],
    ], async (s) => {
      await s.flyMove('X', 3000, 500);
      return s.trajectories!(['X', 'Z']);
    });
    expect(owed['X']).toEqual({ velocity_um_s: 2_000, acceleration_um_s2: 20_000 });
    await expect(withStage([['VEL? 1 3', '1=10.000000']], (s) => s.trajectories!(['X', 'Z']))).rejects.toThrow(/VEL\? 1 3.*a line '3=<value>' for axis 3/);
  });

  it('sets several velocities in one VEL with its error check', async () => {
    await withStage([['VEL 1 10 3 2.5', null], OK], (s) => s.setVelocities_um_s!({ X: 10_000, Z: 2_500 }));
    await expect(withStage([], (s) => s.setVelocities_um_s!({ X: 10_000, Z: -1 }))).rejects.toThrow(/velocity_um_s/);
  });

  it('checks MVR against the limits from MOV?', async () => {
    await withStage([['MOV? 3', '3=9.500000'], ['MVR 3 -0.25', null], OK], (s) => s.moveRelative_um('Z', -250));
    await expect(withStage([['MOV? 3', '3=5.100000']], (s) => s.moveRelative_um('Z', -200))).rejects.toBeInstanceOf(SoftLimitError);
  });

  it('refuses a move below the Z soft limit without sending it', async () => {
    await expect(withStage([], (s) => s.moveAbsolute_um('Z', 5_007.9))).rejects.toBeInstanceOf(SoftLimitError);
  });

  it('polls ONT? (1 = on target)', async () => {
    await withStage([['ONT? 1', '1=0'], ['ONT? 3', '3=1'], ['ONT? 1', '1=1']], (s) => s.waitForMotion({ pollInterval_s: 0.001 }));
  });

  it('sets VEL in mm/s and reads VEL?/ACC?', async () => {
    const t = await withStage([['VEL 1 2', null], OK, ['VEL? 1', '1=2.000000'], ['ACC? 1', '1=20.000000']], async (s) => {
      await s.setVelocity_um_s('X', 2000);
      return s.trajectory('X');
    });
    expect(t).toEqual({ velocity_um_s: 2000, acceleration_um_s2: 20_000 });
  });

  it('sets ACC then DEC in mm/s² and reads ACC? back', async () => {
    const a = await withStage([['ACC 1 200', null], OK, ['DEC 1 200', null], OK, ['ACC? 1', '1=200.000000']], async (s) => {
      await s.setAcceleration_um_s2('X', 200_000);
      return s.acceleration_um_s2('X');
    });
    expect(a).toBe(200_000);
  });

  it('takes "Unknown command" for DEC as a controller with one ramp, once, and then sends only ACC', async () => {
    await withStage([
      ['ACC 1 100', null], OK, ['DEC 1 100', null], ['ERR?', '2'], OK,
      ['ACC 3 50', null], OK,
    ], async (s) => {
      await s.setAcceleration_um_s2('X', 100_000);
      await s.setAcceleration_um_s2('Z', 50_000);
    });
  });

  it('once DEC was accepted, a later refusal of it is surfaced', async () => {
    const err = await withStage([
      ['ACC 1 100', null], OK, ['DEC 1 100', null], OK,
      ['ACC 3 50', null], OK, ['DEC 3 50', null], ['ERR?', '2'], OK,
    ], async (s) => {
      await s.setAcceleration_um_s2('X', 100_000);
      await s.setAcceleration_um_s2('Z', 50_000);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 2, command: 'DEC 3 50' });
  });

  it('surfaces an acceleration beyond the controller\'s limit as its GCS error', async () => {
    const err = await withStage([['ACC 1 900', null], ['ERR?', '17'], OK], (s) => s.setAcceleration_um_s2('X', 900_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 17, command: 'ACC 1 900' });
  });

  it('homes with FRF', async () => {
    await withStage([['FRF 3', null], OK], (s) => s.home('Z'));
  });

  it('halts with HLT and accepts the error 10 that a halt leaves', async () => {
    await withStage([['HLT 1 3', null], ['ERR?', '10'], OK], (s) => s.stop());
  });

  it('safe(): HLT for every axis, then HLT per bench-file axis, error 10 taken as the halt it is', async () => {
    await withStage([
      ['HLT', null], ['ERR?', '10'], OK,
      ['HLT 1', null], ['ERR?', '10'], OK,
      ['HLT 3', null], ['ERR?', '10'], OK,
    ], (s) => s.safe());
  });

  it('safe() halts the other axes after one halt is refused, and names the refused one', async () => {
    const err = await withStage([
      ['HLT', null], ['ERR?', '10'], OK,
      ['HLT 1', null], ['ERR?', '15'], OK,
      ['HLT 3', null], ['ERR?', '10'], OK,
    ], (s) => s.safe()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafeStateError);
    expect((err as SafeStateError).failures.map((f) => f.step)).toEqual(['stop axis X']);
  });

  it('a fly move owes VEL back: sent before the next MOV of that axis', async () => {
    await withStage([
      ['VEL? 1', '1=2.000000'], ['VEL 1 0.5', null], OK, ['POS? 1', '1=1.000000'], ['ACC? 1', '1=20.000000'], ['MOV 1 3', null], OK,
      ['VEL 1 2', null], OK, ['MOV 1 1 3 9', null], OK,
    ], async (s) => {
      await s.flyMove('X', 3000, 500);
      await s.moveAbsolute_um({ X: 1000, Z: 9000 });
    });
  });

  it('still reports other errors after a halt', async () => {
    const err = await withStage([['HLT 1', null], ['ERR?', '15'], OK], (s) => s.stop('X')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 15, instrumentMessage: 'Invalid axis identifier' });
  });

  it('surfaces a refused move (servo off) as an InstrumentError with the GCS code', async () => {
    const err = await withStage([['MOV 1 1', null], ['ERR?', '5'], OK], (s) => s.moveAbsolute_um('X', 1000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 5, command: 'MOV 1 1' });
  });

  it('names the command when a reply is not axis=value', async () => {
    const err = await withStage([['POS? 1', '12.5']], (s) => s.position_um('X')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyFormatError);
    expect((err as Error).message).toMatch(/POS\? 1/);
  });

  it('parses axis=value replies with the inner codec', () => {
    const c = gcsAxisValue(UM_VIA_MM);
    expect(c.parse('2=0.001000')).toBeCloseTo(1, 12);
    expect(c.parse(' 1 = -3.5 ')).toBe(-3500);
    expect(() => c.parse('garbage')).toThrow(/<axis>=<value>/);
  });
});
