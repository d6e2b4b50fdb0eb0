// The hexapod driver's fly-scan commands (replayed): the cabled trigger output armed with CTO (axis,
// mode 6 InMotion) and enabled once with TRO; the data recorder pointed at an axis with DRC and read
// with DRR? (a multi-line GCS array reply); refusals that name what was wrong.
import { describe, expect, it } from 'vitest';
import { piGcsHexapod } from '../../../../drivers/instruments/pi-gcs-hexapod.ts';
import { parseRecorded } from '../../../../drivers/instruments/pi-gcs-recorder.ts';
import type { Hexapod } from '../../../../drivers/roles/hexapod.ts';
import { expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const OK: Exchange = ['ERR?', '0'];
const AXES = { X: { axis: 1, min_um: -300, max_um: 300 }, Y: { axis: 2, min_um: -300, max_um: 300 }, Z: { axis: 3, min_um: -5, max_um: 300 } };
const OPTIONS = { rotation_limits_deg: { U: [-1, 1], V: [-1, 1], W: [-1.5, 1.5] }, trigger_output: 2 };

function withHexapod<T>(exchanges: Exchange[], body: (h: Hexapod) => Promise<T>, options: Record<string, unknown> = OPTIONS): Promise<T> {
  return expectProtocol([['ERR?', '0'], ...exchanges],
    async (session) => body(await piGcsHexapod.create({ session, role: 'stage-hexapod', options, axes: AXES })), piGcsHexapod.sessionDefaults);
}

describe('pi-gcs-hexapod: trigger output and data recorder', () => {
  it('arms the cabled output on an axis (CTO … 3 6), enables it once (TRO), and re-arms only for another axis', async () => {
    await withHexapod([['CTO 2 2 1 2 3 6', null], OK, ['TRO 2 1', null], OK, ['CTO 2 2 5 2 3 6', null], OK], async (h) => {
      expect(h.triggerOutput).toBe(2);
      await h.armMotionStartTrigger('X');
      await h.armMotionStartTrigger('X');
      await h.armMotionStartTrigger('V');
    });
  });

  it('an arm that failed leaves nothing assumed: the next arm, even for the axis armed before, configures in full', async () => {
    await withHexapod([['CTO 2 2 1 2 3 6', null], OK, ['TRO 2 1', null], OK, ['CTO 2 2 5 2 3 6', null], ['ERR?', '10'], OK,
      ['CTO 2 2 1 2 3 6', null], OK, ['TRO 2 1', null], OK], async (h) => {
      await h.armMotionStartTrigger('X');
      // Its outcome unknown (a CTO held by a stall may yet be carried out): the output may follow V now.
      await expect(h.armMotionStartTrigger('V')).rejects.toThrow();
      await h.armMotionStartTrigger('X');
    });
  });

  it('forgetArming: the next arm sends the axis and the enable again (after a fault the controller may have lost them)', async () => {
    await withHexapod([['CTO 2 2 1 2 3 6', null], OK, ['TRO 2 1', null], OK, ['CTO 2 2 1 2 3 6', null], OK, ['TRO 2 1', null], OK], async (h) => {
      await h.armMotionStartTrigger('X');
      (h as Hexapod & { forgetArming(): void }).forgetArming();
      await h.armMotionStartTrigger('X');
    });
  });

  it('without a cabled output, arming is refused naming the bench-file option; nothing is sent', async () => {
    const { trigger_output: _t, ...none } = OPTIONS;
    await withHexapod([], async (h) => {
      expect(h.triggerOutput).toBeUndefined();
      await expect(h.armMotionStartTrigger('X')).rejects.toThrow(/no trigger output is cabled \(bench file options.trigger_output\)/);
    }, none);
  });

  it('points record table 1 at the axis, then reads its points (mm → µm) with the sample time from the header', async () => {
    const reply = '# TYPE = 1 \n# SAMPLE_TIME = 0.001000 \n# NDATA = 3 \n# END_HEADER \n0.0000000 \n0.0005000 \n0.0010000';
    await withHexapod([['DRC 1 Y 2', null], OK, ['DRR? 1 10 1', reply]], async (h) => {
      const r = await h.recordedLine('Y', 10);
      expect(r.sampleTime_s).toBe(0.001);
      expect(r.values).toEqual([0, 0.5, 1]);
    });
  });

  it('a DRR? reply without its header, or with a word among the data, is a format error naming what was expected', () => {
    expect(() => parseRecorded(['0.1', '0.2'], 'DRR? 1 2 1')).toThrow(/GCS data recorder reply .*END_HEADER/);
    expect(() => parseRecorded(['# SAMPLE_TIME = 0.001', '# END_HEADER', 'abc'], 'DRR? 1 2 1')).toThrow(/numbers separated by spaces/);
    expect(() => parseRecorded(['# END_HEADER', '1'], 'DRR? 1 1 1')).toThrow(/SAMPLE_TIME > 0/);
  });

  it('refuses a bad trigger_output option naming it', () => {
    expect(() => piGcsHexapod.checkOptions?.({ trigger_output: 9 })).toThrow(/trigger_output.*expected an output number 1-4/);
  });
});
