import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queryChained } from '../../../../drivers/properties/chain.ts';
import { DriverOptionError, InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { isKeysightFamily, parseIdentity } from '../../../../drivers/properties/identity.ts';
import { formatDecimal } from '../../../../drivers/properties/number-text.ts';
import { parseDriverOptions } from '../../../../drivers/properties/options.ts';
import { runSafeSteps, SafeStateError, writeTolerant } from '../../../../drivers/properties/safe-state.ts';
import { WaitTimeoutError, pollUntil, pollUntilOrStop } from '../../../../drivers/properties/wait.ts';
import { readingToDbm, readingToW } from '../../../../drivers/roles/units.ts';
import { stepWavelengths_nm } from '../../../../drivers/roles/tunable-laser.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';

describe('driver helpers', () => {
  it('formats numbers readably and exactly to 12 digits', () => {
    expect(formatDecimal(1550)).toBe('1550');
    expect(formatDecimal(1550.000000000002)).toBe('1550');
    expect(formatDecimal(-0)).toBe('0');
    expect(formatDecimal(25.78125)).toBe('25.78125');
    expect(formatDecimal(1e17)).toBe('100000000000000000');
    expect(formatDecimal(1e-7)).toBe('1E-7');
    expect(() => formatDecimal(Number.NaN)).toThrow(/cannot send NaN/);
  });

  it('converts readings: W ≤ 0 → -Infinity dBm, -Infinity dBm → 0 W, NaN stays NaN', () => {
    expect(readingToDbm(1e-3)).toBeCloseTo(0, 12);
    expect(readingToDbm(0)).toBe(-Infinity);
    expect(readingToDbm(-1e-12)).toBe(-Infinity);
    expect(readingToDbm(Number.NaN)).toBeNaN();
    expect(readingToW(-30)).toBeCloseTo(1e-6, 18);
    expect(readingToW(-Infinity)).toBe(0);
    expect(readingToW(Number.NaN)).toBeNaN();
  });

  it('parses identities and recognises the Keysight family under its old names', () => {
    expect(parseIdentity(' Keysight Technologies,N7744A,MY1, 1.2 \n')).toEqual({ manufacturer: 'Keysight Technologies', model: 'N7744A', serial: 'MY1', firmware: '1.2' });
    expect(parseIdentity('ACME')).toEqual({ manufacturer: 'ACME', model: '', serial: '', firmware: '' });
    for (const m of ['Keysight Technologies', 'Agilent Technologies', 'Hewlett-Packard', 'HP']) expect(isKeysightFamily(m)).toBe(true);
    expect(isKeysightFamily('Santec')).toBe(false);
  });

  it('step-sweep wavelengths include both ends without accumulating rounding; bad plans are refused', () => {
    const w = stepWavelengths_nm({ start_nm: 1500, stop_nm: 1600, step_nm: 0.01 });
    expect(w).toHaveLength(10001);
    expect(w[5000]).toBe(1550);
    expect(w.at(-1)).toBe(1600);
    expect(stepWavelengths_nm({ start_nm: 1550, stop_nm: 1550, step_nm: 1 })).toEqual([1550]);
    expect(() => stepWavelengths_nm({ start_nm: 1560, stop_nm: 1550, step_nm: 1 })).toThrow(/start_nm \(1560\) must be .* ≤ stop_nm/);
    expect(() => stepWavelengths_nm({ start_nm: 1550, stop_nm: 1560, step_nm: 0 })).toThrow(/step_nm must be/);
  });

  it('chained queries split at ; outside quotes and insist on one reply per query', async () => {
    await expectProtocol([[':A?;:B?', '"x;y";2'], [':A?;:B?', '1'], NO_ERROR], async (s) => {
      expect(await queryChained(s, [':A?', ':B?'])).toEqual(['"x;y"', '2']);
      await expect(queryChained(s, [':A?', ':B?'])).rejects.toThrow(/expected 2 replies separated by ';'/);
    });
  });

  it('pollUntil: done at the first poll, a timeout error naming what was awaited, a bad timeout refused', async () => {
    let polls = 0;
    await pollUntil({ resource: 'R', what: 'x', timeout_s: 1, done: async () => ++polls > 0 });
    expect(polls).toBe(1);
    await expect(pollUntil({ resource: 'R', what: 'the sweep', timeout_s: 0.03, done: async () => false }))
      .rejects.toThrow(new WaitTimeoutError('R', 'the sweep', 0.03));
    await expect(pollUntil({ resource: 'R', what: 'x', timeout_s: 0, done: async () => true })).rejects.toThrow(InvalidSettingError);
  });

  it('pollUntilOrStop stops what it waited for on a timeout only, and a failing stop does not hide the timeout', async () => {
    const stops: string[] = [];
    await pollUntilOrStop({ resource: 'R', what: 'x', timeout_s: 1, done: async () => true, stop: async () => stops.push('early') });
    await expect(pollUntilOrStop({ resource: 'R', what: 'x', timeout_s: 1, done: async () => { throw new RangeError('bad reply'); }, stop: async () => stops.push('error') }))
      .rejects.toThrow('bad reply');
    expect(stops).toEqual([]);
    await expect(pollUntilOrStop({ resource: 'R', what: 'the gate', timeout_s: 0.02, done: async () => false, stop: async () => stops.push('timeout') }))
      .rejects.toThrow(WaitTimeoutError);
    await expect(pollUntilOrStop({ resource: 'R', what: 'the gate', timeout_s: 0.02, done: async () => false, stop: async () => { throw new Error('link lost'); } }))
      .rejects.toThrow(WaitTimeoutError);
    expect(stops).toEqual(['timeout']);
  });

  it('runSafeSteps tries every step and reports each failure; writeTolerant swallows only instrument refusals', async () => {
    const ran: string[] = [];
    const err = await runSafeSteps('R', [
      ['one', async () => { ran.push('one'); throw new Error('boom'); }],
      ['two', async () => { ran.push('two'); }],
    ]).catch((e: unknown) => e);
    expect(ran).toEqual(['one', 'two']);
    expect(err).toBeInstanceOf(SafeStateError);
    expect((err as Error).message).toBe('R: could not complete the safe state: one: boom');
    await expectProtocol([[':STOP', null], ['SYST:ERR?', '-221,"Settings conflict"'], NO_ERROR], (s) => writeTolerant(s, ':STOP'));
  });

  it('option errors name the driver and the option', () => {
    const err = new DriverOptionError('keysight-n774x', 'channels', 'must be a list');
    expect(err.message).toBe("driver 'keysight-n774x': option 'channels' must be a list");
    expect([err.option, err.problem]).toEqual(['channels', 'must be a list']);
    const schema = z.object({ channel: z.number().int().min(1) }).strict();
    expect(parseDriverOptions('d', schema, { channel: 2 })).toEqual({ channel: 2 });
    expect(() => parseDriverOptions('d', schema, { chanel: 2 })).toThrow("driver 'd': option 'chanel' is unknown; d takes channel");
    expect(() => parseDriverOptions('d', schema, { channel: 0 })).toThrow(/^driver 'd': option 'channel' Too small/);
  });
});
