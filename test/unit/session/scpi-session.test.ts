import { afterEach, describe, expect, it } from 'vitest';
import { encodeDefiniteBlock, encodeFloats } from '../../../drivers/scpi/block.ts';
import {
  BlockFormatError, InstrumentError, LinkLostError, ReplyFormatError, SessionClosedError, TimeoutError, TruncatedBlockError,
} from '../../../drivers/errors.ts';
import { ESP301_DIALECT, SCPI_GATED_DIALECT } from '../../../drivers/session/dialect.ts';
import { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { resolveSessionOptions } from '../../../drivers/session/session-options.ts';
import type { SessionOptions } from '../../../drivers/session/session-options.ts';
import { FakeTransport } from '../../helpers/fake-transport.ts';

const sessions: ScpiSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

async function make(options: SessionOptions = {}, transport = new FakeTransport()): Promise<{ s: ScpiSession; t: FakeTransport }> {
  await transport.open();
  const s = new ScpiSession(transport, resolveSessionOptions(transport.resource, { timeout_ms: 200, resyncQuiet_ms: 20, resyncTimeout_ms: 300, ...options }));
  sessions.push(s);
  return { s, t: transport };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A SCPI box's side of recovery: `*OPC?` → 1, an error queue read by `SYST:ERR?` (alone or chained with
 * `*OPC?`, one reply line) and cleared by `*CLS`; `replies` answers everything else.
 */
function scpiResponder(replies: Record<string, string>, queue: string[] = []): (m: string) => string | undefined {
  const nextError = (): string => queue.shift() ?? '0,"No error"';
  return (m) => {
    if (m === '*OPC?') return '1\n';
    if (m === 'SYST:ERR?') return `${nextError()}\n`;
    if (m === 'SYST:ERR?;*OPC?') return `${nextError()};1\n`;
    if (m === '*CLS') {
      queue.length = 0;
      return undefined;
    }
    return replies[m];
  };
}

describe('ScpiSession: exchanges', () => {
  it('writes the command with its terminator and returns the reply without it', async () => {
    const { s, t } = await make();
    t.responder = (m) => (m === '*IDN?' ? 'Keysight,N7744C,MY123,1.0\n' : undefined);
    await expect(s.query('*IDN?')).resolves.toBe('Keysight,N7744C,MY123,1.0');
    expect(t.writes).toEqual(['*IDN?']);
  });

  it('queues concurrent callers FIFO and never has two exchanges on the wire', async () => {
    const { s, t } = await make();
    const calls = ['A?', 'B?', 'C?', 'D?'].map((c) => s.query(c));
    await tick();
    expect(t.writes).toEqual(['A?']);
    for (const [i, c] of ['A?', 'B?', 'C?', 'D?'].entries()) {
      expect(t.writes).toHaveLength(i + 1);
      expect(t.writes[i]).toBe(c);
      t.feed(`${c.toLowerCase()}\n`);
      await tick();
    }
    await expect(Promise.all(calls)).resolves.toEqual(['a?', 'b?', 'c?', 'd?']);
  });

  it('reads replies that came together in one chunk one per read()', async () => {
    const { s, t } = await make();
    await s.write('A?');
    await s.write('B?');
    t.feed('first\nsecond\n');
    await expect(s.read()).resolves.toBe('first');
    await expect(s.read()).resolves.toBe('second');
  });

  it('waits queryDelay_ms between the write and the read', async () => {
    const { s, t } = await make({ queryDelay_ms: 30 });
    t.responder = () => '42\n';
    const t0 = performance.now();
    await expect(s.queryInteger('COUNT?')).resolves.toBe(42);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('decodes typed replies and wraps a garbled one with the command and the reply', async () => {
    const { s, t } = await make();
    const replies: Record<string, string> = { 'POW?': '-3.5E+00', 'STAT?': 'ON', 'LIST?': '1,2.5,-3', 'NAME?': '"a ""q"""', 'BAD?': 'ERR!', 'HALF?': '1.5' };
    t.responder = (m) => `${replies[m] ?? ''}\n`;
    await expect(s.queryNumber('POW?')).resolves.toBe(-3.5);
    await expect(s.queryBoolean('STAT?')).resolves.toBe(true);
    await expect(s.queryNumbers('LIST?')).resolves.toEqual([1, 2.5, -3]);
    await expect(s.queryString('NAME?')).resolves.toBe('a "q"');
    const err = await s.queryNumber('BAD?').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyFormatError);
    expect((err as ReplyFormatError).message).toMatch(/reply to 'BAD\?' from TCPIP0::fake::5025::SOCKET was "ERR!"; expected a number/);
    await expect(s.queryInteger('HALF?')).rejects.toThrow(/'HALF\?'.*"1.5".*integer/);
  });

  it('reads blocks and decodes floats in either byte order', async () => {
    const { s, t } = await make();
    const values = [1.5, -2.25, 1e-9];
    t.responder = (m) => {
      if (m === 'LE?') return Buffer.concat([Buffer.from(encodeDefiniteBlock(encodeFloats(values, 'float64', 'little'))), Buffer.from('\n')]);
      if (m === 'BE?') return Buffer.concat([Buffer.from(encodeDefiniteBlock(encodeFloats(values, 'float32', 'big'))), Buffer.from('\n')]);
      if (m === 'ODD?') return Buffer.from('#15abcde\n');
      return 'not a block\n';
    };
    await expect(s.queryFloats('LE?', { type: 'float64' })).resolves.toEqual(values);
    const be = await s.queryFloats('BE?', { type: 'float32', byteOrder: 'big' });
    expect(be.map((v) => Math.fround(v))).toEqual(values.map((v) => Math.fround(v)));
    await expect(s.queryFloats('ODD?', { type: 'float32' })).rejects.toThrow(/'ODD\?'.*5 bytes is not a whole number of float32/);
    await expect(s.queryBlock('TEXT?')).rejects.toThrow(BlockFormatError);
    await expect(s.queryBlock('TEXT?')).rejects.toThrow(/'TEXT\?'.*expected a block starting with '#<digit>', got "not a block"/);
    await expect(s.query('ODD?')).resolves.toBe('#15abcde');
    // The terminator after each block was owed, not stale: no resynchronisation was needed.
    expect(t.writes).not.toContain('*OPC?');
  });

  it('reads a compound reply of several blocks joined by semicolons in one exchange', async () => {
    const { s, t } = await make();
    const block = (v: number[]): Buffer => Buffer.from(encodeDefiniteBlock(encodeFloats(v, 'float32', 'little')));
    t.responder = (m) => {
      if (m === 'A?;B?;C?') return Buffer.concat([block([1, 2]), Buffer.from(';'), block([3]), Buffer.from(';'), block([4, 5, 6]), Buffer.from('\n')]);
      if (m === 'A?;T?') return Buffer.concat([block([1]), Buffer.from(';text\n')]);
      return undefined;
    };
    const payloads = await s.queryBlocks('A?;B?;C?', 3);
    expect(payloads.map((p) => p.length)).toEqual([8, 4, 12]);
    expect(new Float32Array(Uint8Array.from(payloads[2] as Uint8Array).buffer)[2]).toBe(6);
    await expect(s.queryBlocks('A?;T?', 2)).rejects.toThrow(/'A\?;T\?'.*expected block 2 of 2 starting with '#<digit>', got "text"/);
    expect(t.writes.filter((w) => w.startsWith('A?;B?;C?'))).toHaveLength(1);
  });
});

describe('ScpiSession: read timeouts', () => {
  it('times each read from its own start, even when reads follow each other near the deadline', async () => {
    const { s, t } = await make({ timeout_ms: 60 });
    t.responder = () => undefined;
    const answerAfter = (ms: number): void => {
      setTimeout(() => t.feed('ok\n'), ms);
    };
    for (let i = 0; i < 3; i++) {
      const q = s.query(`Q${i}?`);
      answerAfter(45);
      await expect(q).resolves.toBe('ok');
    }
    const q = s.query('SHORT?', { timeout_ms: 20 });
    answerAfter(45);
    await expect(q).rejects.toThrow(/timeout after 20 ms/);
  });

  it('an idle session is not marked stale by the read timer of a finished query', async () => {
    const { s, t } = await make({ timeout_ms: 20 });
    t.responder = (m) => `${m.toLowerCase()}\n`;
    await expect(s.query('A?')).resolves.toBe('a?');
    await new Promise((r) => setTimeout(r, 50));
    await expect(s.query('B?')).resolves.toBe('b?');
    expect(t.writes).toEqual(['A?', 'B?']);
  });
});

describe('ScpiSession: timeout recovery', () => {
  it("names the command and timeout, then resynchronises so the late reply is not the next query's", async () => {
    const { s, t } = await make();
    t.responder = scpiResponder({ 'NEXT?': 'next\n' });
    const err = await s.query('SLOW?', { timeout_ms: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("timeout after 30 ms waiting for the reply to 'SLOW?' from TCPIP0::fake::5025::SOCKET");
    t.feed('late\n');
    await expect(s.query('NEXT?')).resolves.toBe('next');
    // The error queue is read (chained with the sync query) before *CLS clears it.
    expect(t.writes).toEqual(['SLOW?', 'SYST:ERR?;*OPC?', '*CLS', 'NEXT?']);
    expect(s.recoveredErrors).toEqual([]);
  });

  it('a gated box (a BERT) resynchronises on *IDN?, never *OPC?, which would wait for its gate to end', async () => {
    const { s, t } = await make({ dialect: SCPI_GATED_DIALECT });
    const idn = 'ANRITSU,MP1900A,6201900123,2.05.00';
    // *OPC? is held while the gate counts, as a box that treats its measurement as a pending operation does.
    const queue = ['-113,"Undefined header;X"'];
    t.responder = (m) => (m === 'SYST:ERR?;*IDN?' ? `${queue.shift() ?? '0,"No error"'};${idn}\n` : m === 'NEXT?' ? 'next\n' : undefined);
    await s.query('SLOW?', { timeout_ms: 30 }).catch(() => undefined);
    // A stale reply of four numbers (a gate period, `0,0,0,20`) is not taken for the identity.
    t.feed('0,0,0,20\n');
    await expect(s.query('NEXT?')).resolves.toBe('next');
    expect(t.writes).toEqual(['SLOW?', 'SYST:ERR?;*IDN?', 'SYST:ERR?;*IDN?', '*CLS', 'NEXT?']);
    expect(s.recoveredErrors.map((e) => e.code)).toEqual([-113]);
  });

  it('watchAnswer: says whether the watched command got through since, not another command, nor a timeout of it', async () => {
    const { s, t } = await make();
    const replies: Record<string, string> = { 'OTHER?': 'o\n' };
    t.responder = scpiResponder(replies);
    const answered = s.watchAnswer('POW?');
    await s.query('POW?', { timeout_ms: 30 }).catch(() => undefined);
    await s.query('OTHER?');
    expect(answered()).toBe(false);
    replies['POW?'] = '-3.2\n';
    await expect(s.query('POW?')).resolves.toBe('-3.2');
    expect(answered()).toBe(true);
  });

  it('keeps the error that explains a timeout: read before *CLS, reported by the next checkErrors()', async () => {
    const { s, t } = await make();
    const queue: string[] = [];
    t.responder = scpiResponder({ 'NEXT?': 'next\n' }, queue);
    const recoveries: unknown[] = [];
    s.on('recovered', (r) => recoveries.push(r));
    // A real box queues -113 for an unknown query and never answers it.
    queue.push('-113,"Undefined header;:NOSUCH?"', '-222,"Data out of range"');
    await expect(s.query(':NOSUCH?', { timeout_ms: 30 })).rejects.toThrow(TimeoutError);
    await expect(s.query('NEXT?')).resolves.toBe('next');
    expect(t.writes).toEqual([':NOSUCH?', 'SYST:ERR?;*OPC?', 'SYST:ERR?;*OPC?', 'SYST:ERR?;*OPC?', '*CLS', 'NEXT?']);
    const expected = [
      { code: -113, message: 'Undefined header;:NOSUCH?', afterTimeout: ':NOSUCH?' },
      { code: -222, message: 'Data out of range', afterTimeout: ':NOSUCH?' },
    ];
    expect(s.recoveredErrors).toEqual(expected);
    expect(recoveries).toEqual([{ afterTimeout: ':NOSUCH?', errors: expected }]);

    queue.push('-221,"Settings conflict"');
    const err = await s.checkErrors().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect((err as InstrumentError).errors.map((e) => e.code)).toEqual([-113, -222, -221]);
    expect((err as Error).message).toContain(`-113 "Undefined header;:NOSUCH?" (found in the queue after ':NOSUCH?' timed out)`);
    expect((err as Error).message).toMatch(/-221 "Settings conflict"$/);
    // Reported once: the session's copy is gone, as a read entry leaves an instrument's queue.
    expect(s.recoveredErrors).toEqual([]);
    await expect(s.checkErrors()).resolves.toBeUndefined();
  });

  it('recovered errors survive a checkErrors() that fails, and clear() discards them unread', async () => {
    const { s, t } = await make();
    const queue = ['-113,"Undefined header"'];
    const respond = scpiResponder({}, queue);
    t.responder = respond;
    await expect(s.query('BAD?', { timeout_ms: 30 })).rejects.toThrow(TimeoutError);
    t.responder = (m) => (m === 'SYST:ERR?' ? undefined : respond(m));
    await expect(s.checkErrors({ timeout_ms: 30 })).rejects.toThrow(TimeoutError);
    expect(s.recoveredErrors.map((e) => e.code)).toEqual([-113]);
    t.responder = respond;
    await s.clear();
    expect(s.recoveredErrors).toEqual([]);
    await expect(s.checkErrors()).resolves.toBeUndefined();
  });

  it('gets past a late reply that looks exactly like the sync reply', async () => {
    const { s, t } = await make();
    let probes = 0;
    const respond = scpiResponder({ 'X?': 'x\n' });
    t.responder = (m) => {
      if (m === 'SYST:ERR?;*OPC?') return ++probes === 1 ? undefined : respond(m);
      return respond(m);
    };
    await expect(s.query('SYST:ERR?;*OPC?', { timeout_ms: 30 })).rejects.toThrow(TimeoutError);
    t.feed('0,"No error";1\n'); // the late answer to the first one
    await expect(s.query('X?')).resolves.toBe('x');
    // The sync reply that followed the late one was drained too: nothing is left over for later.
    t.feed('y\n');
    await expect(s.read()).resolves.toBe('y');
  });

  it('says so when the resynchronisation itself times out, and tries again next time', async () => {
    const { s, t } = await make();
    await expect(s.query('SLOW?', { timeout_ms: 20 })).rejects.toThrow(TimeoutError);
    await expect(s.query('NEXT?')).rejects.toThrow(/reply to 'SYST:ERR\?;\*OPC\? \(resynchronising before 'NEXT\?'\)'/);
    t.responder = scpiResponder({ 'NEXT?': 'n\n' });
    await expect(s.query('NEXT?')).resolves.toBe('n');
  });

  it('recovers a dialect without a sync query by waiting for the line to go quiet', async () => {
    const { s, t } = await make({ dialect: ESP301_DIALECT, readTermination: '\r\n', writeTermination: '\r' }, new FakeTransport('ASRL/dev/ttyUSB0::INSTR', '\r'));
    t.responder = (m) => (m === '1TP?' ? '5.00000\r\n' : undefined);
    await expect(s.query('1MD?', { timeout_ms: 20 })).rejects.toThrow(TimeoutError);
    setTimeout(() => t.feed('1\r\n'), 5);
    await expect(s.query('1TP?')).resolves.toBe('5.00000');
    expect(t.writes).toEqual(['1MD?', '1TP?']);
  });

  it('treats bytes that arrived before a query was sent as stale', async () => {
    const { s, t } = await make();
    t.responder = scpiResponder({ 'Q?': 'mine\n' });
    t.feed('unsolicited\npart');
    await expect(s.query('Q?')).resolves.toBe('mine');
  });

  it('reports bytes that came without the terminator', async () => {
    const { s, t } = await make();
    t.responder = () => '5.0\r';
    await expect(s.query('V?', { timeout_ms: 20 })).rejects.toThrow(/'V\?'.*\(4 bytes arrived without the read terminator\)/);
  });

  it('never hands out part of a block that stopped short', async () => {
    const { s, t } = await make();
    t.responder = () => '#210abcd';
    const err = await s.queryBlock('DATA?', { timeout_ms: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TruncatedBlockError);
    expect((err as Error).message).toMatch(/'DATA\?'.*truncated block: 8 of 14 bytes received, then no more data within 20 ms/);
    expect((err as TruncatedBlockError).cause).toBeInstanceOf(TimeoutError);
  });
});

describe('ScpiSession: error queue', () => {
  function withQueue(t: FakeTransport, errors: string[]): void {
    t.responder = (m) => {
      if (m === 'SYST:ERR?') return `${errors.shift() ?? '0,"No error"'}\n`;
      if (m === 'VAL?') return '7\n';
      return undefined;
    };
  }

  it('drains SYST:ERR? after a command and throws every error with the command that caused it', async () => {
    const { s, t } = await make({ checkErrors: true });
    withQueue(t, ['-222,"Data out of range;1700NM"', '-113,"Undefined header"']);
    const err = await s.write(':SOUR0:WAV 1700NM').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    const ie = err as InstrumentError;
    expect(ie).toMatchObject({ code: -222, instrumentMessage: 'Data out of range;1700NM', command: ':SOUR0:WAV 1700NM', resource: t.resource });
    expect(ie.errors).toHaveLength(2);
    expect(ie.message).toMatch(/reported 2 errors after ':SOUR0:WAV 1700NM': -222 "Data out of range;1700NM"; -113 "Undefined header"/);
    expect(t.writes).toEqual([':SOUR0:WAV 1700NM', 'SYST:ERR?', 'SYST:ERR?', 'SYST:ERR?']);
  });

  it('returns the reply of a query when the queue is empty', async () => {
    const { s, t } = await make({ checkErrors: true });
    withQueue(t, []);
    await expect(s.queryInteger('VAL?')).resolves.toBe(7);
  });

  it('checkErrors() attributes queued errors to the last command sent', async () => {
    const { s, t } = await make();
    withQueue(t, []);
    await s.write('*RST');
    withQueue(t, ['-221,"Settings conflict"']);
    await expect(s.checkErrors()).rejects.toMatchObject({ code: -221, command: '*RST' });
  });

  it('says which reply it could not read as an error-queue entry', async () => {
    const { s, t } = await make({ checkErrors: true });
    t.responder = (m) => (m === 'SYST:ERR?' ? 'garbage\n' : undefined);
    await expect(s.write('X')).rejects.toThrow(/reply to 'SYST:ERR\?' .* was "garbage"; expected an error queue entry/);
  });

  it('a corrupted digit in "No error" is a garbled reply (an instrument fault to resynchronise), not an instrument error', async () => {
    const { s, t } = await make({ checkErrors: true });
    withQueue(t, ['2,"No error"']);
    const err = await s.write(':INP1:ATT 7DB').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyFormatError);
    expect(err).not.toBeInstanceOf(InstrumentError);
    expect((err as Error).message).toMatch(/reply to 'SYST:ERR\?' .* was "2,\\"No error\\""|"No error" goes only with 0/);
  });

  it('clear() drops stale input, sends *CLS and resynchronises', async () => {
    const { s, t } = await make();
    t.responder = (m) => (m === '*OPC?' ? '1\n' : m === 'Q?' ? 'q\n' : undefined);
    t.feed('junk\n#15ab');
    await s.clear();
    expect(t.writes).toEqual(['*CLS', '*OPC?']);
    await expect(s.query('Q?')).resolves.toBe('q');
    expect(t.writes).toEqual(['*CLS', '*OPC?', 'Q?']);
  });

  it('opc() waits for *OPC? → 1', async () => {
    const { s, t } = await make();
    t.responder = (m) => (m === '*OPC?' ? '1\n' : undefined);
    await expect(s.opc()).resolves.toBeUndefined();
    t.responder = () => '0\n';
    await expect(s.opc()).rejects.toThrow(ReplyFormatError);
  });
});

describe('ScpiSession: link loss and close', () => {
  it('rejects the pending and every queued call at once, then fails fast until reopened', async () => {
    const { s, t } = await make();
    const lost: LinkLostError[] = [];
    s.on('lost', (e) => lost.push(e));
    const pending = s.query('A?');
    const queued = s.query('B?');
    await tick();
    t.lose('the peer closed the connection');
    const [e1, e2] = await Promise.all([pending.catch((e: unknown) => e), queued.catch((e: unknown) => e)]);
    expect(e1).toBeInstanceOf(LinkLostError);
    expect((e1 as Error).message).toBe("link to TCPIP0::fake::5025::SOCKET lost: the peer closed the connection ('A?' was not completed)");
    expect((e2 as Error).message).toMatch(/'B\?' was not completed/);
    expect(lost).toHaveLength(1);
    expect(s.isOpen).toBe(false);
    await expect(s.query('C?')).rejects.toThrow(/lost: the peer closed the connection; reopen\(\) the session/);

    await s.reopen();
    t.responder = scpiResponder({ 'C?': 'again\n' });
    await expect(s.query('C?')).resolves.toBe('again');
    expect(t.writes.slice(-3)).toEqual(['SYST:ERR?;*OPC?', '*CLS', 'C?']);
  });

  it('a block cut off by the loss is reported as truncated, naming the loss', async () => {
    const { s, t } = await make();
    const p = s.queryBlock('DATA?');
    await tick();
    t.feed('#3100abc');
    t.lose('ECONNRESET: read ECONNRESET');
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TruncatedBlockError);
    expect((err as Error).message).toMatch(/truncated block: 8 of 105 bytes received, then ECONNRESET/);
  });

  it('close() rejects pending and queued calls, and later ones, with SessionClosedError; twice is fine', async () => {
    const { s } = await make();
    const a = s.query('A?');
    const b = s.query('B?');
    await tick();
    await s.close();
    await s.close();
    await expect(a).rejects.toThrow(SessionClosedError);
    await expect(b).rejects.toThrow(/session to TCPIP0::fake::5025::SOCKET is closed; 'B\?' was not completed/);
    await expect(s.write('C')).rejects.toThrow(SessionClosedError);
  });
});
