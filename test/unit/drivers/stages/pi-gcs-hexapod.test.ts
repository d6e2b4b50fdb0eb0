// The PI hexapod driver's wire protocol (replayed): the pose in one query of all six axes, X Y Z in mm,
// U V W in degrees, the pivot set at open, soft limits in pose space and VMO? asked before every pose
// move, refusals naming the axis and the limit with nothing sent.
import { describe, expect, it } from 'vitest';
import { DriverOptionError } from '../../../../drivers/properties/errors.ts';
import { piGcsHexapod } from '../../../../drivers/instruments/pi-gcs-hexapod.ts';
import { PoseLimitError, UnreachablePoseError } from '../../../../drivers/roles/hexapod.ts';
import type { Hexapod } from '../../../../drivers/roles/hexapod.ts';
import { SoftLimitError } from '../../../../drivers/roles/stage.ts';
import { expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const OK: Exchange = ['ERR?', '0'];
const AXES = { X: { axis: 1, min_um: -300, max_um: 300 }, Y: { axis: 2, min_um: -300, max_um: 300 }, Z: { axis: 3, min_um: -5, max_um: 300 } };
const OPTIONS = { pivot_um: [0, 0, -45000], rotation_limits_deg: { U: [-1, 1], V: [-1, 1], W: [-1.5, 1.5] } };
const OPEN: Exchange[] = [['ERR?', '0'], ['SPI R 0 S 0 T -45', null], OK];
/** A GCS reply of several lines: every line but the last ends with a space (more follows). */
const lines = (...l: string[]): string => l.join(' \n');
const TARGET_ZERO: Exchange[] = [['MOV? X Y Z U V W', lines(...['X', 'Y', 'Z', 'U', 'V', 'W'].map((a) => `${a}=0.000000`))]];

function withHexapod<T>(exchanges: Exchange[], body: (h: Hexapod) => Promise<T>, options: Record<string, unknown> = OPTIONS): Promise<T> {
  return expectProtocol([...OPEN, ...exchanges],
    async (session) => body(await piGcsHexapod.create({ session, role: 'stage', options, axes: AXES })), piGcsHexapod.sessionDefaults);
}

describe('pi-gcs-hexapod driver', () => {
  it('recognises a C-887 by its *IDN? reply (and leaves other PI controllers to pi-gcs)', () => {
    expect(piGcsHexapod.matchesIdentity('Physik Instrumente (PI) GmbH & Co. KG, C-887.52, 118012345, 3.3.0.7')).toBe(true);
    expect(piGcsHexapod.matchesIdentity('(c)2015 Physik Instrumente (PI) GmbH & Co. KG, C-884.4DC, SIM0000001, 2.0.1.3')).toBe(false);
  });

  it('sets the pivot at open, then reads the pose in one exchange, all six axes, in mm and degrees', async () => {
    const pose = await withHexapod([
      ['POS? X Y Z U V W', lines('X=0.012500', 'Y=-0.003000', 'Z=0.001000', 'U=0.100000', 'V=0.000000', 'W=-0.250000')],
    ], (h) => h.pose());
    expect(pose).toEqual({ X: 12.5, Y: -3, Z: 1, U: 0.1, V: 0, W: -0.25 });
  });

  it('a pose reply short of an axis, or naming another, is refused naming what was expected', async () => {
    await withHexapod([
      ['POS? X Y Z U V W', lines('X=0.012500', 'Y=-0.003000', 'Z=0.001000', 'U=0.100000', 'V=0.000000')],
    ], async (h) => {
      await expect(h.pose()).rejects.toThrow(/6 lines '<axis>=<value>'.*POS\? X Y Z U V W/);
    });
    await withHexapod([
      ['POS? X Y Z U V W', lines('X=0.012500', 'Y=-0.003000', 'Z=0.001000', 'U=0.100000', 'W=0.000000', 'V=-0.250000')],
    ], async (h) => {
      await expect(h.pose()).rejects.toThrow(/'V=<decimal>'/);
    });
  });

  it('asks VMO? with the whole pose before the MOV, which names only the axes that change', async () => {
    await withHexapod([
      ...TARGET_ZERO,
      ['VMO? X 0.0125 Y 0 Z 0 U 0 V 0 W 0.3', '1'],
      ['MOV X 0.0125 W 0.3', null], OK,
    ], (h) => h.movePose({ X: 12.5, W: 0.3 }));
  });

  it('a pose asked ahead with isReachable is moved to without a second VMO?; any other pose, or after a pivot change, asks again', async () => {
    await withHexapod([
      ...TARGET_ZERO,
      ['VMO? X 0.0125 Y 0 Z 0 U 0 V 0 W 0', '1'], ['MOV X 0.0125', null], OK,
      // Asked while that move runs (from the cached target: no MOV?), then moved to with no VMO? of its own.
      ['VMO? X 0.0125 Y 0.002 Z 0 U 0 V 0 W 0', '1'],
      ['MOV Y 0.002', null], OK,
      // The check is spent by that move: the same pose again is asked again; another pose is asked for itself.
      ['VMO? X 0.0125 Y 0.002 Z 0 U 0 V 0 W 0', '1'],
      ['VMO? X 0.0125 Y 0.003 Z 0 U 0 V 0 W 0', '1'], ['MOV Y 0.003', null], OK,
      ['VMO? X 0.0125 Y 0.004 Z 0 U 0 V 0 W 0', '1'],
      ['SPI R 0 S 0 T -40', null], OK,
      ['MOV? X Y Z U V W', lines('X=0.012500', 'Y=0.003000', 'Z=0.000000', 'U=0.000000', 'V=0.000000', 'W=0.000000')],
      ['VMO? X 0.0125 Y 0.004 Z 0 U 0 V 0 W 0', '1'], ['MOV Y 0.004', null], OK,
    ], async (h) => {
      await h.movePose({ X: 12.5 });
      expect(await h.isReachable({ Y: 2 })).toBe(true);
      await h.movePose({ Y: 2 });
      expect(await h.isReachable({ Y: 2 })).toBe(true);
      await h.movePose({ Y: 3 });
      expect(await h.isReachable({ Y: 4 })).toBe(true);
      await h.setPivot_um([0, 0, -40000]);
      await h.movePose({ Y: 4 });
    });
  });

  it("keeps the last move's target for the next pose move, but reads MOV? again after the link was lost or resynchronised", async () => {
    await withHexapod([
      ...TARGET_ZERO,
      ['VMO? X 0.0125 Y 0 Z 0 U 0 V 0 W 0', '1'], ['MOV X 0.0125', null], OK,
      ['VMO? X 0.0125 Y 0.002 Z 0 U 0 V 0 W 0', '1'], ['MOV Y 0.002', null], OK,
      // A stall held the last MOV; after the resync the controller's target is what it says, not the cache.
      ['MOV? X Y Z U V W', lines('X=0.013000', 'Y=0.002000', 'Z=0.000000', 'U=0.000000', 'V=0.000000', 'W=0.000000')],
      ['VMO? X 0.013 Y 0.002 Z 0.001 U 0 V 0 W 0', '1'], ['MOV Z 0.001', null], OK,
    ], async (h) => {
      await h.movePose({ X: 12.5 });
      await h.movePose({ Y: 2 });
      (h as unknown as { session: { emit(e: string): void } }).session.emit('recovered');
      await h.movePose({ Z: 1 });
    });
  });

  it('refuses a pose beyond a soft limit before anything is sent, naming the axis and the limit', async () => {
    const err = await withHexapod([], (h) => h.movePose({ X: 10, W: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PoseLimitError);
    expect((err as Error).message).toBe('stage: pose move refused: W = 2 ° is outside its soft limits [-1.5, 1.5] ° (bench file); nothing was sent');
    const z = await withHexapod([], (h) => h.moveAbsolute_um('Z', -10)).catch((e: unknown) => e);
    expect(z).toBeInstanceOf(SoftLimitError);
  });

  it('refuses a rotation that has no limits in the bench file', async () => {
    const err = await withHexapod([], (h) => h.movePose({ U: 0.1 }), { pivot_um: [0, 0, -45000] }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/U = 0.1 ° is outside its soft limits \[0, 0\]/);
  });

  it('refuses an unreachable pose (VMO? 0) with no MOV sent, naming the axis that alone is out of reach and the pivot', async () => {
    const err = await withHexapod([
      ...TARGET_ZERO,
      ['VMO? X 0 Y 0 Z 0 U 0.9 V 0 W 0', '0'],
      ['VMO? X 0 Y 0 Z 0 U 0.9 V 0 W 0', '0'],
      ['SPI? R', 'R=0.000000'], ['SPI? S', 'S=0.000000'], ['SPI? T', 'T=-900.000000'],
    ], (h) => h.movePose({ U: 0.9 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachablePoseError);
    expect((err as Error).message).toMatch(/workspace \(VMO\?\) does not hold X 0 µm, Y 0 µm, Z 0 µm, U 0.9 °.*about the pivot R 0 S 0 T -900000 µm; moving U to 0.9 ° alone is already out of reach; nothing was sent/);
  });

  it('refuses non-finite or unknown pose axes, and bad options, naming them', async () => {
    expect(await withHexapod([], (h) => h.movePose({ X: Number.NaN })).catch((e: unknown) => (e as Error).message)).toMatch(/pose axis X must be a finite number \(µm\), got NaN/);
    expect(await withHexapod([], (h) => h.movePose({ Q: 1 } as never)).catch((e: unknown) => (e as Error).message)).toMatch(/unknown pose axis 'Q'/);
    const bad = await expectProtocol([], (session) => piGcsHexapod.create({ session, role: 'stage', options: { pivot: 1 }, axes: AXES }), piGcsHexapod.sessionDefaults)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DriverOptionError);
    expect((bad as Error).message).toMatch(/option 'pivot' is unknown; pi-gcs-hexapod takes enable, pivot_um, loopbacks, trigger_output, rotation_limits_deg/);
    expect(() => piGcsHexapod.checkOptions?.({ rotation_limits_deg: { U: [1, -1] } })).toThrow(/rotation_limits_deg.U: expected \[min, max\] with min < max/);
  });

  it('moves X Y Z as a Stage (MOV with X Y Z identifiers), sets the system velocity with VLS, stops with HLT', async () => {
    await withHexapod([
      ['MOV X 0.1 Z 0.02', null], OK,
      ['ONT? X', 'X=1'],
      ['VLS 2', null], OK,
      ['HLT', null], ['ERR?', '10'], OK,
    ], async (h) => {
      await h.moveAbsolute_um({ X: 100, Z: 20 });
      await h.waitForMotion();
      await h.setVelocity_um_s('X', 2000);
      await h.stop();
    });
  });
});
