// The session over real loopback TCP against the scripted test instrument: every bad-input path of issue 2.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectError, InstrumentError, LinkLostError, ReplyFormatError, SessionOptionError, TimeoutError, TruncatedBlockError,
} from '../../../drivers/errors.ts';
import { openResource } from '../../../drivers/open-resource.ts';
import { ResourceStringError, UnsupportedResourceError } from '../../../drivers/resource.ts';
import { encodeFloats } from '../../../drivers/scpi/block.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { answer } from '../../helpers/scripted-instrument.ts';
import { TestInstrumentServer } from '../../helpers/test-instrument-server.ts';

let server: TestInstrumentServer;
const sessions: ScpiSession[] = [];

beforeEach(async () => {
  server = await TestInstrumentServer.start();
  server.instrument.on('MEAS:POW?', '+1.23400000E-03').on('WAV?', '+1.55000000E-06');
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await server.close();
});

async function open(options: Parameters<typeof openResource>[1] = {}): Promise<ScpiSession> {
  const s = await openResource(server.resource, { timeout_ms: 1000, ...options });
  sessions.push(s);
  return s;
}

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe('session over TCP: normal exchanges', () => {
  it('queries, reads numbers, and keeps concurrent callers in order', async () => {
    const s = await open();
    await expect(s.query('*IDN?')).resolves.toBe('Bench Test Instruments,TI-1,0001,1.0');
    await expect(s.queryNumber(':MEAS:POW?')).resolves.toBeCloseTo(1.234e-3, 12);
    server.instrument.on('ECHO?', (cmd) => cmd.params[0] ?? '');
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => s.query(`ECHO? ${i}`)));
    expect(replies).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  it('reads a chained query as one reply', async () => {
    const s = await open();
    await expect(s.query(':MEAS:POW?;:WAV?')).resolves.toBe('+1.23400000E-03;+1.55000000E-06');
  });

  it('reads definite blocks binary-safe, indefinite blocks, and float arrays', async () => {
    const s = await open();
    const payload = Buffer.from('line one\nline two\n\n#3\r\n', 'latin1');
    const powers_W = Array.from({ length: 1000 }, (_, i) => 1e-3 * Math.exp(-i / 300));
    server.instrument
      .on('BIN?', answer.block(payload))
      .on('IND?', answer.indefiniteBlock(Buffer.from('abc;def')))
      .on(':SENS1:CHAN1:FUNC:RES?', answer.block(encodeFloats(powers_W, 'float32', 'little')))
      .on(':SOUR0:READ:DATA?', answer.block(encodeFloats([1.52e-6, 1.53e-6], 'float64', 'big')));
    expect(Buffer.from(await s.queryBlock('BIN?')).toString('latin1')).toBe(payload.toString('latin1'));
    expect(Buffer.from(await s.queryBlock('IND?')).toString('latin1')).toBe('abc;def');
    const got = await s.queryFloats(':SENS1:CHAN1:FUNC:RES?', { type: 'float32' });
    expect(got).toHaveLength(1000);
    expect(got.every((v, i) => Math.abs(v - (powers_W[i] ?? 0)) <= 1e-7 * (powers_W[i] ?? 0))).toBe(true);
    await expect(s.queryFloats(':SOUR0:READ:DATA?', { type: 'float64', byteOrder: 'big' })).resolves.toEqual([1.52e-6, 1.53e-6]);
    await expect(s.query('*OPC?')).resolves.toBe('1');
  });

  it('turns queued instrument errors into InstrumentError with code, message, command and resource', async () => {
    const s = await open({ checkErrors: true });
    await expect(s.write('*CLS')).resolves.toBeUndefined();
    const err = await s.write(':FOO:BAR 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: -113, command: ':FOO:BAR 1', resource: server.resource });
    expect((err as InstrumentError).instrumentMessage).toMatch(/^Undefined header/);
    server.instrument.pushError(-222, 'Data out of range').pushError(-221, 'Settings conflict');
    await expect(s.queryNumber('WAV?')).rejects.toThrow(/2 errors after 'WAV\?': -222 "Data out of range"; -221 "Settings conflict"/);
    await expect(s.queryNumber('WAV?')).resolves.toBe(1.55e-6);
  });
});

describe('session over TCP: bad input', () => {
  it('malformed resource string: ResourceStringError quoting it and naming the wrong part', async () => {
    const err = await openResource('TCPIP0::127.0.0.1::abc::SOCKET').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceStringError);
    expect((err as ResourceStringError).part).toBe('port');
    expect((err as Error).message).toContain('"TCPIP0::127.0.0.1::abc::SOCKET"');
    await expect(openResource('GPIB0::22::INSTR')).rejects.toThrow(UnsupportedResourceError);
  });

  it('connection refused: ConnectError naming the resource and the cause, well within the connect timeout', async () => {
    const resource = `TCPIP0::127.0.0.1::${await closedPort()}::SOCKET`;
    const t0 = performance.now();
    const err = await openResource(resource, { connectTimeout_ms: 3000 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot connect to ${resource.replace(/[.*?]/g, '\\$&')}: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+$`));
  });

  it('a host that does not answer: ConnectError by the connect timeout, not later', async () => {
    // TEST-NET-1 is never routed: either the network refuses at once or nothing answers until the timeout.
    const t0 = performance.now();
    const err = await openResource('TCPIP0::192.0.2.1::5025::SOCKET', { connectTimeout_ms: 300 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(/^cannot connect to TCPIP0::192\.0\.2\.1::5025::SOCKET: /);
  });

  it('a reply that never comes: TimeoutError naming the command; the next query still gets its own reply', async () => {
    const s = await open({ timeout_ms: 150 });
    server.instrument.on('STUCK?', answer.never());
    const err = await s.query('STUCK?').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe(`timeout after 150 ms waiting for the reply to 'STUCK?' from ${server.resource}`);
    await expect(s.query('WAV?')).resolves.toBe('+1.55000000E-06');
  });

  it('a reply that comes late is never returned for the next query', async () => {
    const s = await open({ timeout_ms: 100 });
    server.instrument.on('SLOW?', answer.late('late-reply', 300));
    await expect(s.query('SLOW?')).rejects.toThrow(TimeoutError);
    await expect(s.query('WAV?')).resolves.toBe('+1.55000000E-06');
    await expect(s.query(':MEAS:POW?')).resolves.toBe('+1.23400000E-03');
    expect(server.instrument.received.slice(-4)).toEqual(['SYST:ERR?;*OPC?', '*CLS', 'WAV?', ':MEAS:POW?']);
  });

  it('an unknown query times out, and the -113 that explains it survives the resynchronisation', async () => {
    const s = await open({ timeout_ms: 150 });
    await expect(s.query(':NOSUCH?')).rejects.toThrow(TimeoutError);
    await expect(s.query('WAV?')).resolves.toBe('+1.55000000E-06');
    expect(server.instrument.queuedErrors).toEqual([]);
    expect(s.recoveredErrors).toMatchObject([{ code: -113, afterTimeout: ':NOSUCH?' }]);
    const err = await s.checkErrors().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect((err as Error).message).toMatch(/-113 "Undefined header;:NOSUCH\?" \(found in the queue after ':NOSUCH\?' timed out\)/);
  });

  it('garbage where a number was expected: ReplyFormatError quoting the command and the reply', async () => {
    const s = await open();
    server.instrument.on('MEAS:POW?', 'OVERLOAD\u0007');
    const err = await s.queryNumber('MEAS:POW?').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyFormatError);
    expect((err as Error).message).toBe(`reply to 'MEAS:POW?' from ${server.resource} was "OVERLOAD\\x07"; expected a number (NR1/NR2/NR3, e.g. +1.55000000E-06)`);
    expect(err).toMatchObject({ command: 'MEAS:POW?', reply: 'OVERLOAD\u0007' });
  });

  it('the peer closing mid-query: the pending and queued calls reject at once, later ones fail fast', async () => {
    const s = await open({ timeout_ms: 5000 });
    server.instrument.on('DIE?', answer.closeMidQuery('+1.2'));
    const lost = new Promise<LinkLostError>((r) => s.on('lost', r));
    const t0 = performance.now();
    const results = await Promise.allSettled([s.query('DIE?'), s.query('WAV?'), s.queryNumber(':MEAS:POW?')]);
    expect(performance.now() - t0).toBeLessThan(2000);
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : null));
    expect(reasons.every((e) => e instanceof LinkLostError)).toBe(true);
    expect(reasons[0]?.message).toBe(`link to ${server.resource} lost: the peer closed the connection ('DIE?' was not completed)`);
    expect(reasons[2]?.message).toMatch(/':MEAS:POW\?' was not completed/);
    expect((await lost).reason).toBe('the peer closed the connection');
    await expect(s.query('WAV?')).rejects.toThrow(LinkLostError);

    await s.reopen();
    await expect(s.query('WAV?')).resolves.toBe('+1.55000000E-06');
    expect(server.connectionCount).toBe(2);
  });

  it('a connection reset mid-query names ECONNRESET', async () => {
    const s = await open();
    server.instrument.on('RST?', answer.resetMidQuery());
    const err = await s.query('RST?').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkLostError);
    expect((err as Error).message).toMatch(/lost: .*ECONNRESET/);
  });

  it('a truncated binary block, link closed: TruncatedBlockError, never partial data', async () => {
    const s = await open();
    server.instrument.on('DATA?', answer.truncatedBlock(new Uint8Array(4000).fill(0x0a), 1500, 'close'));
    const err = await s.queryBlock('DATA?').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TruncatedBlockError);
    expect((err as Error).message).toBe(
      `bad binary block in the reply to 'DATA?' from ${server.resource}: truncated block: 1506 of 4006 bytes received, then the peer closed the connection`);
    expect((err as TruncatedBlockError).cause).toBeInstanceOf(LinkLostError);
  });

  it('a truncated binary block, instrument silent: TruncatedBlockError by the timeout; the session recovers', async () => {
    const s = await open({ timeout_ms: 150 });
    server.instrument.on('DATA?', answer.truncatedBlock(new Uint8Array(4000), 10));
    const err = await s.queryFloats('DATA?', { type: 'float32' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TruncatedBlockError);
    expect((err as Error).message).toMatch(/truncated block: 16 of 4006 bytes received, then no more data within 150 ms/);
    await expect(s.query('WAV?')).resolves.toBe('+1.55000000E-06');
  });

  it('SIM:: without an in-process endpoint: SessionOptionError saying what is missing', async () => {
    const err = await openResource('SIM::laser').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionOptionError);
    expect((err as Error).message).toBe(
      "option 'inProcess' for SIM::laser: SIM::laser is an in-process simulated instrument and needs the simulator's endpoint; none was given (pass options.inProcess)");
  });

  it('bad options are refused before any connection is made', async () => {
    await expect(openResource(server.resource, { timeout_ms: -1 })).rejects.toThrow(/option 'timeout_ms' for TCPIP0::127\.0\.0\.1::\d+::SOCKET/);
    expect(server.connectionCount).toBe(0);
  });
});
