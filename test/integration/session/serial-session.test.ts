// The session over a real serial path (socat pty pair), ESP301-style: CR-terminated commands, CR LF replies,
// its own error buffer (TB?), and no sync query, so timeouts are recovered by waiting for a quiet line.
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstrumentError, LinkLostError, TimeoutError } from '../../../drivers/errors.ts';
import { openResource } from '../../../drivers/open-resource.ts';
import { ESP301_DIALECT } from '../../../drivers/session/dialect.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import type { SessionOptions } from '../../../drivers/session/session-options.ts';
import { openSocatPair } from '../../helpers/socat-pair.ts';
import type { PtyPair } from '../../helpers/socat-pair.ts';

const BAUD = 921600;

/** A tiny ESP301 on the far end of the line: one axis, an error buffer, and a query that answers late. */
class FakeEsp301 {
  position_mm = 0;
  readonly errors: string[] = [];
  readonly received: string[] = [];
  /** Resolves when the late reply to VE? has been written to the line. */
  lateSent: Promise<void> = new Promise(() => undefined);
  private pending = '';

  constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.pending += chunk.toString('latin1');
      let cr = this.pending.indexOf('\r');
      while (cr >= 0) {
        this.handle(this.pending.slice(0, cr));
        this.pending = this.pending.slice(cr + 1);
        cr = this.pending.indexOf('\r');
      }
    });
  }

  private reply(text: string, delay_ms = 0): void {
    if (delay_ms === 0) {
      this.port.write(`${text}\r\n`);
      return;
    }
    this.lateSent = new Promise((resolve) => setTimeout(() => {
      if (this.port.isOpen) this.port.write(`${text}\r\n`, () => resolve());
    }, delay_ms));
  }

  private handle(cmd: string): void {
    this.received.push(cmd);
    let m: RegExpExecArray | null;
    if ((m = /^1PA(-?[\d.]+)$/.exec(cmd))) this.position_mm = Number(m[1]);
    else if (cmd === '1TP?') this.reply(this.position_mm.toFixed(5));
    else if (cmd === '1MD?') this.reply('1');
    else if (cmd === 'VE?') this.reply('ESP301 Version 3.0.1 1/1/2010', 300);
    else if (cmd === 'CR?') this.port.write('only-cr\r');
    else if (cmd === 'TB?') this.reply(this.errors.shift() ?? '0, 0, NO ERROR');
    else this.errors.push('6, 1234, COMMAND DOES NOT EXIST');
  }
}

let pair: PtyPair;
let far: SerialPort;
let esp: FakeEsp301;
const sessions: ScpiSession[] = [];

beforeEach(async () => {
  pair = await openSocatPair();
  far = new SerialPort({ path: pair.b, baudRate: BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) => far.open((err) => (err ? reject(err) : resolve())));
  esp = new FakeEsp301(far);
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  if (far.isOpen) await new Promise<void>((r) => far.close(() => r()));
  await pair.close();
});

async function open(options: SessionOptions = {}): Promise<ScpiSession> {
  const s = await openResource(`ASRL${pair.a}::INSTR`, {
    baudRate: BAUD, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none',
    writeTermination: '\r', readTermination: '\r\n', dialect: ESP301_DIALECT, timeout_ms: 500, resyncQuiet_ms: 50,
    ...options,
  });
  sessions.push(s);
  return s;
}

describe('session over a serial pty pair (ESP301 style)', () => {
  it('writes with CR, reads CR LF replies and parses numbers', async () => {
    const s = await open();
    expect(s.resource).toBe(`ASRL${pair.a}::INSTR`);
    await s.write('1PA5.25');
    await expect(s.queryNumber('1TP?')).resolves.toBe(5.25);
    await expect(s.queryBoolean('1MD?')).resolves.toBe(true);
    expect(esp.received).toEqual(['1PA5.25', '1TP?', '1MD?']);
  });

  it("checks the ESP301 error buffer with TB? and reports the controller's error", async () => {
    const s = await open({ checkErrors: true });
    const err = await s.write('1XX9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err).toMatchObject({ code: 6, instrumentMessage: 'COMMAND DOES NOT EXIST', command: '1XX9', resource: `ASRL${pair.a}::INSTR` });
    await expect(s.queryNumber('1TP?')).resolves.toBe(0);
  });

  it('after a timeout, drains the late reply (no sync query in this dialect) so it is not the next answer', async () => {
    const s = await open({ timeout_ms: 100 });
    await expect(s.query('VE?')).rejects.toThrow(TimeoutError);
    // Let the late reply land; without recovery it would be read as the answer to 1TP? below.
    await esp.lateSent;
    await new Promise((r) => setTimeout(r, 100));
    await s.write('1PA1.5');
    await expect(s.query('1TP?')).resolves.toBe('1.50000');
  });

  it('applies the query delay and still reads the reply', async () => {
    const s = await open({ queryDelay_ms: 20 });
    await expect(s.query('1MD?')).resolves.toBe('1');
  });

  it('a reply with the wrong terminator times out saying bytes came without it', async () => {
    const s = await open({ timeout_ms: 100 });
    await expect(s.query('CR?')).rejects.toThrow(/'CR\?'.*\(8 bytes arrived without the read terminator\)/);
  });

  it('the line going away mid-query rejects the query with LinkLostError', async () => {
    const s = await open({ timeout_ms: 5000 });
    const pending = s.query('VE?');
    setTimeout(() => void pair.close(), 20);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkLostError);
    expect((err as Error).message).toMatch(/hung up .*'VE\?' was not completed/);
  });
});
