import { describe, expect, it } from 'vitest';
import { SessionOptionError } from '../../../drivers/errors.ts';
import { ESP301_DIALECT, SCPI_DIALECT } from '../../../drivers/session/dialect.ts';
import type { SessionDialect } from '../../../drivers/session/dialect.ts';
import { checkPerCall, resolveSessionOptions } from '../../../drivers/session/session-options.ts';
import type { SessionOptions } from '../../../drivers/session/session-options.ts';

const R = 'ASRL/dev/ttyUSB0::INSTR';

describe('resolveSessionOptions', () => {
  it('fills in the VISA-like defaults', () => {
    expect(resolveSessionOptions(R)).toEqual({
      timeout_ms: 2000, connectTimeout_ms: 3000, readTermination: '\n', writeTermination: '\n',
      queryDelay_ms: 0, checkErrors: false, dialect: SCPI_DIALECT, resyncQuiet_ms: 100, resyncTimeout_ms: 10000,
    });
  });

  it('keeps what is given', () => {
    const o = resolveSessionOptions(R, { timeout_ms: 500, readTermination: '\r\n', writeTermination: '\r', dialect: ESP301_DIALECT, checkErrors: true });
    expect(o).toMatchObject({ timeout_ms: 500, readTermination: '\r\n', writeTermination: '\r', dialect: ESP301_DIALECT, checkErrors: true });
  });

  const bad: [string, SessionOptions, RegExp][] = [
    ['timeout_ms', { timeout_ms: 0 }, /'timeout_ms'.*> 0, got 0/],
    ['timeout_ms', { timeout_ms: Infinity }, /'timeout_ms'.*finite/],
    ['connectTimeout_ms', { connectTimeout_ms: -1 }, /'connectTimeout_ms'/],
    ['queryDelay_ms', { queryDelay_ms: Number.NaN }, /'queryDelay_ms'.*>= 0/],
    ['readTermination', { readTermination: '' }, /'readTermination'.*non-empty/],
    ['baudRate', { baudRate: 96.5 }, /'baudRate'.*positive integer.*96.5/],
    ['dataBits', { dataBits: 9 as 8 }, /'dataBits'.*5, 6, 7 or 8, got 9/],
    ['parity', { parity: 'sometimes' as 'odd' }, /'parity'.*none, even, odd, mark, space, got sometimes/],
    ['stopBits', { stopBits: 3 as 2 }, /'stopBits'.*1, 1.5 or 2/],
    ['flowControl', { flowControl: 'dtr' as 'none' }, /'flowControl'.*none, rtscts, xonxoff/],
    ['dialect', { dialect: {} as SessionDialect }, /'dialect'.*SessionDialect/],
    ['checkErrors', { checkErrors: true, dialect: { ...SCPI_DIALECT, name: 'Mute', errorQuery: null } }, /'checkErrors'.*Mute dialect has no error query/],
  ];
  for (const [option, given, message] of bad) {
    it(`refuses a bad ${option}, naming the option, the resource and what it takes`, () => {
      let err: unknown;
      try {
        resolveSessionOptions(R, given);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SessionOptionError);
      expect((err as SessionOptionError).option).toBe(option);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(R);
    });
  }

  it('checks a per-call timeout the same way', () => {
    expect(checkPerCall(R, undefined, 2000)).toBe(2000);
    expect(checkPerCall(R, { timeout_ms: 50 }, 2000)).toBe(50);
    expect(() => checkPerCall(R, { timeout_ms: -5 }, 2000)).toThrow(SessionOptionError);
  });
});
