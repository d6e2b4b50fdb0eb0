// The PI GCS stage with a trigger output cabled to the meter: the first arming checks CTO and TRO at
// once (one ERR? after both); a re-arm for the other axis leaves its ERR? to the next checked command (GCS keeps one error
// register until ERR? reads it), which then names both commands and makes the next arm start over.
import { describe, expect, it } from 'vitest';
import { InstrumentError } from '../../../../drivers/errors.ts';
import { piGcs } from '../../../../drivers/instruments/pi-gcs.ts';
import { motionStartTrigger } from '../../../../drivers/roles/motion-trigger.ts';
import type { MotionStartTrigger } from '../../../../drivers/roles/motion-trigger.ts';
import type { Stage } from '../../../../drivers/roles/stage.ts';
import { expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const OK: Exchange = ['ERR?', '0'];
const AXES = { X: { axis: 1, min_um: 0, max_um: 25_000 }, Y: { axis: 2, min_um: 0, max_um: 25_000 } };
/** Read at open, after the servos: each axis's maxima (parameters 0xA and 0x4A), kept as Stage.rampLimits. */
const MAXIMA: Exchange[] = [1, 2].flatMap((n): Exchange[] => [[`SPA? ${n} 0xA`, `${n} 0xA=10.000000`], [`SPA? ${n} 0x4A`, `${n} 0x4A=200.000000`]]);
const OPEN: Exchange[] = [['ERR?', '0'], ['SVO 1 1 2 1', null], OK, ...MAXIMA];
// TRO's ERR? answers for the CTO before it.
const ARM_X: Exchange[] = [['CTO 1 2 1 1 3 6', null], ['TRO 1 1', null], OK];

function withTriggeredStage<T>(exchanges: Exchange[], body: (stage: Stage & MotionStartTrigger) => Promise<T>): Promise<T> {
  return expectProtocol([...OPEN, ...exchanges], async (session) => {
    const stage = await piGcs.create({ session, role: 'stage', options: { trigger_output: 1 }, axes: AXES });
    const trigger = motionStartTrigger(stage);
    if (!trigger) throw new Error('pi-gcs with trigger_output should offer a motion-start trigger');
    return body(stage as Stage & MotionStartTrigger);
  }, piGcs.sessionDefaults);
}

describe('pi-gcs motion-start trigger', () => {
  it('checks the first arming at once, re-arms for another axis without an ERR? of its own, and sends nothing for the armed axis', async () => {
    await withTriggeredStage([
      ...ARM_X,
      ['CTO 1 2 2 1 3 6', null],
      // The move's ERR? answers for the re-arm too.
      ['MOV 2 1', null], OK,
    ], async (s) => {
      await s.armMotionStartTrigger('X');
      await s.armMotionStartTrigger('Y');
      await s.armMotionStartTrigger('Y');
      await s.moveAbsolute_um({ Y: 1000 });
    });
  });

  it('a re-arm the controller refused surfaces at the next move, naming both commands, and the next arm is checked at once', async () => {
    await withTriggeredStage([
      ...ARM_X,
      ['CTO 1 2 2 1 3 6', null],
      ['MOV 2 1', null], ['ERR?', '17'], OK,
      ['CTO 1 2 2 1 3 6', null], ['TRO 1 1', null], OK,
    ], async (s) => {
      await s.armMotionStartTrigger('X');
      await s.armMotionStartTrigger('Y');
      const err = await s.moveAbsolute_um({ Y: 1000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InstrumentError);
      expect(err).toMatchObject({ code: 17, command: "CTO 1 2 2 1 3 6' then 'MOV 2 1" });
      expect((err as Error).message).toMatch(/after 'CTO 1 2 2 1 3 6' then 'MOV 2 1'/);
      // Not taken as armed: armed again, checked at once.
      await s.armMotionStartTrigger('Y');
    });
  });

  it('a setting after an unchecked re-arm reads ERR? first, so the re-arm\'s error is not taken as the setting\'s', async () => {
    const err = await withTriggeredStage([
      ...ARM_X,
      ['CTO 1 2 2 1 3 6', null],
      ['ERR?', '17'], OK,
    ], async (s) => {
      await s.armMotionStartTrigger('X');
      await s.armMotionStartTrigger('Y');
      await s.setVelocity_um_s('Y', 2000);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 17, command: 'CTO 1 2 2 1 3 6' });
  });

  it('the first arming refused (no such output) fails at once, before any move', async () => {
    const err = await withTriggeredStage([['CTO 1 2 1 1 3 6', null], ['TRO 1 1', null], ['ERR?', '17'], OK], (s) => s.armMotionStartTrigger('X')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 17, command: "CTO 1 2 1 1 3 6' then 'TRO 1 1" });
  });
});
