// sendChained: commands and queries in one program message with the error query chained last where the
// dialect chains with ';' and has an error query, and each fallback where it does not (no chaining: the
// error query as its own exchange; no error query: nothing checked; a session that checks every call
// itself: nothing added), replayed byte for byte.
import { describe, expect, it } from 'vitest';
import { InstrumentError, ReplyFormatError } from '../../../../drivers/errors.ts';
import { sendChained } from '../../../../drivers/properties/chain.ts';
import { ESP301_DIALECT, SCPI_DIALECT } from '../../../../drivers/session/dialect.ts';
import type { SessionDialect } from '../../../../drivers/session/dialect.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const TB_OK: Exchange = ['TB?', '0, 0, NO ERROR'];
/** SCPI framing and chaining, but no error queue to read. */
const NO_ERROR_QUEUE: SessionDialect = { ...SCPI_DIALECT, name: 'no error queue', errorQuery: null };

describe('sendChained, chained', () => {
  it('sends the units and the rooted error query in one message and returns the queries\' replies', async () => {
    expect(await expectProtocol([[':A 1;:B?;:C?;:SYST:ERR?', '2;"x;y";+0,"No error"']], (s) => sendChained(s, [':A 1', ':B?', ':C?']))).toEqual(['2', '"x;y"']);
    expect(await expectProtocol([[':A 1;:B 2;:SYST:ERR?', '+0,"No error"']], (s) => sendChained(s, [':A 1', ':B 2']))).toEqual([]);
  });

  it('an error in the reply is reported with the rest of the queue, naming the message', async () => {
    const err = await expectProtocol([
      [':A 1;:B?;:SYST:ERR?', '2;-222,"Data out of range"'], ['SYST:ERR?', '-113,"Undefined header"'], NO_ERROR,
    ], (s) => sendChained(s, [':A 1', ':B?'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ command: ':A 1;:B?', errors: [{ code: -222 }, { code: -113 }] });
  });

  it('a reply short of one part per query plus the error query\'s reads the queue, then is a ReplyFormatError', async () => {
    const short = await expectProtocol([[':A 1;:B?;:SYST:ERR?', '+0,"No error"'], NO_ERROR], (s) => sendChained(s, [':A 1', ':B?'])).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(ReplyFormatError);
    expect((short as Error).message).toMatch(/2 replies separated by ';' \(the last the error query's\)/);
    // The queue holds why a query went unanswered: that error, not the count, is what the caller gets.
    const refused = await expectProtocol([[':A 1;:B?;:SYST:ERR?', '+0,"No error"'], ['SYST:ERR?', '-113,"Undefined header"'], NO_ERROR],
      (s) => sendChained(s, [':A 1', ':B?'])).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InstrumentError);
    expect(refused).toMatchObject({ code: -113 });
  });

  it('an error-query part the dialect cannot read is a ReplyFormatError naming the error query', async () => {
    const err = await expectProtocol([[':B?;:SYST:ERR?', '2;garbage']], (s) => sendChained(s, [':B?'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyFormatError);
    expect((err as Error).message).toMatch(/SYST:ERR\?.*an error-queue reply in the SCPI dialect/);
  });
});

describe('sendChained, fallbacks', () => {
  it('a dialect that does not chain with ";" (ESP301): commands in one message, the error query as its own exchange after it', async () => {
    expect(await expectProtocol([['1PA5;2PA3', null], TB_OK], (s) => sendChained(s, ['1PA5', '2PA3']), { dialect: ESP301_DIALECT })).toEqual([]);
    const err = await expectProtocol([['1PA5;2PA3', null], ['TB?', '108, 3921, MOTOR NOT ENABLED'], TB_OK],
      (s) => sendChained(s, ['1PA5', '2PA3']), { dialect: ESP301_DIALECT }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 108, instrumentMessage: 'MOTOR NOT ENABLED' });
  });

  it('unchained, commands mixed with queries: the queries\' replies, the error query after; a reply count off is a ReplyFormatError', async () => {
    expect(await expectProtocol([['1PA5;1TP?', '5.00000'], TB_OK], (s) => sendChained(s, ['1PA5', '1TP?']), { dialect: ESP301_DIALECT })).toEqual(['5.00000']);
    const err = await expectProtocol([['1PA5;1TP?', '5.0;6.0'], TB_OK], (s) => sendChained(s, ['1PA5', '1TP?']), { dialect: ESP301_DIALECT }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyFormatError);
    expect((err as Error).message).toMatch(/1PA5;1TP\?.*1 replies separated by ';'/);
  });

  it('unchained, queries only: one message, one reply per query, no error query unless a reply is missing', async () => {
    expect(await expectProtocol([['1TP?;2TP?', '1.0;2.0']], (s) => sendChained(s, ['1TP?', '2TP?']), { dialect: ESP301_DIALECT })).toEqual(['1.0', '2.0']);
    const err = await expectProtocol([['1TP?;2TP?', '1.0'], ['TB?', '6, 100, COMMAND DOES NOT EXIST'], TB_OK],
      (s) => sendChained(s, ['1TP?', '2TP?']), { dialect: ESP301_DIALECT }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 6 });
  });

  it('a dialect without an error query: the message and nothing else', async () => {
    expect(await expectProtocol([[':A 1;:B 2', null]], (s) => sendChained(s, [':A 1', ':B 2']), { dialect: NO_ERROR_QUEUE })).toEqual([]);
    expect(await expectProtocol([[':A 1;:B?', '3']], (s) => sendChained(s, [':A 1', ':B?']), { dialect: NO_ERROR_QUEUE })).toEqual(['3']);
  });

  it('a session that checks errors after every call itself: its own error query only, none chained or added', async () => {
    expect(await expectProtocol([[':A 1;:B 2', null], NO_ERROR], (s) => sendChained(s, [':A 1', ':B 2']), { checkErrors: true })).toEqual([]);
    expect(await expectProtocol([[':A 1;:B?', '7'], NO_ERROR], (s) => sendChained(s, [':A 1', ':B?']), { checkErrors: true })).toEqual(['7']);
    const err = await expectProtocol([[':A 1;:B 2', null], ['SYST:ERR?', '-222,"Data out of range"'], NO_ERROR],
      (s) => sendChained(s, [':A 1', ':B 2']), { checkErrors: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: -222 });
  });
});
