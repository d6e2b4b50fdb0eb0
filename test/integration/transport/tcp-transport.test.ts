import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectError, LinkLostError } from '../../../drivers/errors.ts';
import { TcpTransport } from '../../../drivers/transport/tcp-transport.ts';

// A bare server that hands each accepted socket to the test.
let server: net.Server;
let accepted: net.Socket[];
let transports: TcpTransport[];

beforeEach(async () => {
  accepted = [];
  transports = [];
  server = net.createServer((s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  await Promise.all(transports.map((t) => t.close()));
  for (const s of accepted) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

function make(port = (server.address() as net.AddressInfo).port): TcpTransport {
  const t = new TcpTransport(`TCPIP0::127.0.0.1::${port}::SOCKET`, { host: '127.0.0.1', port, connectTimeout_ms: 2000 });
  transports.push(t);
  return t;
}

async function peer(): Promise<net.Socket> {
  while (accepted.length === 0) await new Promise((r) => setTimeout(r, 2));
  return accepted[accepted.length - 1] as net.Socket;
}

const lostOnce = (t: TcpTransport): Promise<LinkLostError> => new Promise((r) => t.on('lost', r));

describe('TcpTransport', () => {
  it('moves bytes both ways', async () => {
    const t = make();
    await t.open();
    expect(t.isOpen).toBe(true);
    const p = await peer();
    const got = new Promise<string>((r) => p.once('data', (d: Buffer) => r(d.toString())));
    await t.write(Buffer.from('*IDN?\n'));
    expect(await got).toBe('*IDN?\n');
    const back = new Promise<string>((r) => t.on('data', (d) => r(d.toString())));
    p.write('X,Y,Z,1\n');
    expect(await back).toBe('X,Y,Z,1\n');
  });

  it('connects with Nagle off and keep-alive on (short queries go out at once; a dead peer is noticed when idle)', async () => {
    const connect = vi.spyOn(net, 'connect');
    try {
      const t = make();
      await t.open();
      expect(connect).toHaveBeenCalledTimes(1);
      expect(connect.mock.calls[0]?.[0]).toMatchObject({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 5000 });
    } finally {
      connect.mockRestore();
    }
  });

  it('reports the peer closing as one lost event with the reason', async () => {
    const t = make();
    await t.open();
    const lost: LinkLostError[] = [];
    t.on('lost', (e) => lost.push(e));
    const first = lostOnce(t);
    (await peer()).end();
    const err = await first;
    expect(err).toBeInstanceOf(LinkLostError);
    expect(err.message).toMatch(/^link to TCPIP0::127\.0\.0\.1::\d+::SOCKET lost: the peer closed the connection$/);
    await new Promise((r) => setTimeout(r, 30));
    expect(lost).toHaveLength(1);
    expect(t.isOpen).toBe(false);
    await expect(t.write(Buffer.from('x'))).rejects.toThrow(/lost: the link is not open/);
  });

  it('reports a reset with ECONNRESET', async () => {
    const t = make();
    await t.open();
    const lost = lostOnce(t);
    (await peer()).resetAndDestroy();
    expect((await lost).reason).toMatch(/ECONNRESET/);
  });

  it('does not report its own close as a loss; close is idempotent; it can open again', async () => {
    const t = make();
    await t.open();
    let lost = 0;
    t.on('lost', () => lost++);
    await t.close();
    await t.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(lost).toBe(0);
    expect(t.isOpen).toBe(false);
    await t.open();
    expect(t.isOpen).toBe(true);
    expect(accepted).toHaveLength(2);
  });

  it('refuses to connect with ConnectError naming the resource and the errno', async () => {
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const t = make(port);
    const err = await t.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).reason).toMatch(/ECONNREFUSED/);
    expect((err as Error).message).toContain(`TCPIP0::127.0.0.1::${port}::SOCKET`);
    expect(t.isOpen).toBe(false);
  });

  it('names an unknown host', async () => {
    const t = new TcpTransport('TCPIP0::no-such-host.invalid::5025::SOCKET', { host: 'no-such-host.invalid', port: 5025, connectTimeout_ms: 2000 });
    transports.push(t);
    await expect(t.open()).rejects.toThrow(/cannot connect to TCPIP0::no-such-host\.invalid::5025::SOCKET: .*(ENOTFOUND|EAI_AGAIN)/);
  });
});
