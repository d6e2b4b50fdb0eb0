// Serial over a real pty pair made by socat (no skip: CI has socat, and a missing socat fails loudly).
import { execFileSync } from 'node:child_process';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectError } from '../../../drivers/errors.ts';
import type { LinkLostError } from '../../../drivers/errors.ts';
import { SerialTransport } from '../../../drivers/transport/serial-transport.ts';
import { openSocatPair } from '../../helpers/socat-pair.ts';
import type { PtyPair } from '../../helpers/socat-pair.ts';

let pair: PtyPair;
let far: SerialPort | null;
let transports: SerialTransport[];

beforeEach(async () => {
  pair = await openSocatPair();
  transports = [];
  far = null;
});
afterEach(async () => {
  await Promise.all(transports.map((t) => t.close()));
  if (far?.isOpen) await new Promise<void>((r) => far?.close(() => r()));
  await pair.close();
});

function make(path = pair.a): SerialTransport {
  const t = new SerialTransport(`ASRL${path}::INSTR`, { path, baudRate: 921600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none' });
  transports.push(t);
  return t;
}

async function openFar(): Promise<SerialPort> {
  const port = new SerialPort({ path: pair.b, baudRate: 921600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  far = port;
  return port;
}

describe('SerialTransport over a socat pty pair', () => {
  it('moves bytes both ways with the line settings given', async () => {
    const t = make();
    await t.open();
    expect(t.settings).toEqual({ baudRate: 921600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none' });
    const port = await openFar();
    const got = new Promise<string>((r) => port.once('data', (d: Buffer) => r(d.toString('latin1'))));
    await t.write(Buffer.from('1TP?\r'));
    expect(await got).toBe('1TP?\r');
    const back = new Promise<string>((r) => t.on('data', (d) => r(d.toString('latin1'))));
    port.write('5.00000\r\n');
    expect(await back).toBe('5.00000\r\n');
  });

  it('hands the line settings to the tty itself (stty reads them back)', async () => {
    const flags = (): string => execFileSync('stty', ['-F', pair.a, '-a'], { encoding: 'utf8' });
    const t1 = new SerialTransport(`ASRL${pair.a}::INSTR`, { path: pair.a, baudRate: 19200, parity: 'odd', stopBits: 2, flowControl: 'rtscts' });
    transports.push(t1);
    await t1.open();
    // A pty forces 8 data bits and no parity enable, so parity shows only as PARODD there; a real port keeps both.
    expect(flags()).toMatch(/speed 19200 baud/);
    expect(flags().split(/[\s;]+/)).toEqual(expect.arrayContaining(['parodd', 'cstopb', 'crtscts', '-ixon', '-ixoff']));
    await t1.close();
    const t2 = new SerialTransport(`ASRL${pair.a}::INSTR`, { path: pair.a, baudRate: 921600, parity: 'even', stopBits: 1, flowControl: 'xonxoff' });
    transports.push(t2);
    await t2.open();
    expect(flags()).toMatch(/speed 921600 baud/);
    expect(flags().split(/[\s;]+/)).toEqual(expect.arrayContaining(['-parodd', '-cstopb', '-crtscts', 'ixon', 'ixoff']));
  });

  it('refuses a port that does not exist with ConnectError naming the resource and path', async () => {
    const t = make(`${pair.dir}/nope`);
    const err = await t.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot connect to ASRL${pair.dir}/nope::INSTR: serial port ${pair.dir}/nope: .*No such file or directory`));
  });

  it('reports the cable going away (socat killed) as one lost event', async () => {
    const t = make();
    await t.open();
    const lost: LinkLostError[] = [];
    const first = new Promise<LinkLostError>((r) => t.on('lost', (e) => {
      lost.push(e);
      r(e);
    }));
    await pair.close();
    const err = await first;
    expect(err.message).toMatch(new RegExp(`^link to ASRL${pair.a}::INSTR lost: serial port ${pair.a} `));
    await new Promise((r) => setTimeout(r, 50));
    expect(lost).toHaveLength(1);
    expect(t.isOpen).toBe(false);
  });

  it('does not report its own close as a loss', async () => {
    const t = make();
    await t.open();
    let lost = 0;
    t.on('lost', () => lost++);
    await t.close();
    await t.close();
    await new Promise((r) => setTimeout(r, 30));
    expect(lost).toBe(0);
  });
});
