import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkHub, type ServedBench } from '../../../sim/link/link-hub.ts';
import { listenTcp, LinkServeError } from '../../../sim/link/tcp-server.ts';
import { InstrumentHost } from '../../../sim/link/instrument-host.ts';
import { createJunkSource } from '../../../sim/link/junk.ts';
import { encodeDefiniteBlock } from '../../../drivers/scpi/block.ts';
import { FakeInstrument } from '../../unit/sim/link/fake-instrument.ts';
import type { LineClient } from '../../unit/sim/link/line-client.ts';
import { dial } from './probes.ts';

describe('TCP serving', () => {
  let hub: LinkHub | undefined;
  const sockets: net.Socket[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const c of cleanups.splice(0)) await c();
    await hub?.close();
    hub = undefined;
  });

  async function serve(): Promise<{ served: ServedBench; meter: FakeInstrument }> {
    const meter = new FakeInstrument('meter');
    hub = new LinkHub([meter, new FakeInstrument('laser'), new FakeInstrument('voa')]);
    return { served: await hub.serveTcp({ portBase: 0 }), meter };
  }

  async function client(port: number): Promise<LineClient> {
    const c = await dial(port);
    sockets.push(c.stream as net.Socket);
    return c;
  }

  it('serves one loopback server per role on ephemeral ports with SOCKET resource strings', async () => {
    const { served } = await serve();
    expect(served.endpoints.map((e) => e.role)).toEqual(['meter', 'laser', 'voa']);
    const ports = new Set(served.endpoints.map((e) => e.port));
    expect(ports.size).toBe(3);
    for (const e of served.endpoints) {
      expect(e.host).toBe('127.0.0.1');
      expect(e.resource).toBe(`TCPIP0::127.0.0.1::${e.port}::SOCKET`);
      const c = await client(e.port);
      expect(await c.query('*IDN?\n')).toBe(`FAKE,${e.role},0,1`);
    }
    expect(served.resource('laser')).toBe(served.endpoints[1]?.resource);
    expect(() => served.port('bert')).toThrow(/known roles: meter, laser, voa/);
  });

  it('carries a block with terminators inside it intact over TCP', async () => {
    const { served } = await serve();
    const c = await client(served.port('meter'));
    const block = Buffer.from(encodeDefiniteBlock(Buffer.from('x\ny\nz\n', 'latin1')));
    c.write(Buffer.concat([Buffer.from('LEN? ', 'latin1'), block, Buffer.from('\n')]));
    expect(await c.next()).toBe(String(block.length));
  });

  it('takes consecutive ports from portBase in role order', async () => {
    // Find a free run of three ports by letting the OS pick one and trying from there.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const base = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    hub = new LinkHub([new FakeInstrument('meter'), new FakeInstrument('laser'), new FakeInstrument('voa')]);
    // Another process may grab a port of the run between probe and listen: try a few runs, but one must work.
    let served: ServedBench | undefined;
    let lastError: unknown;
    let first = base;
    for (let attempt = 0; attempt < 5 && !served; attempt++) {
      first = base + 7 * attempt;
      try {
        served = await hub.serveTcp({ portBase: first });
      } catch (err) {
        expect(err).toBeInstanceOf(LinkServeError);
        lastError = err;
      }
    }
    expect(served, `no run of three free ports from ${base}: ${String(lastError)}`).toBeDefined();
    expect(served!.endpoints.map((e) => e.port)).toEqual([first, first + 1, first + 2]);
  });

  it('refuses a taken port naming the role and the port, and leaves nothing listening', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as net.AddressInfo).port;
    const single = new LinkHub([new FakeInstrument('laser')]);
    await expect(single.serveTcp({ portBase: port })).rejects.toThrow(`serving 'laser' on 127.0.0.1:${port}: the port is already in use`);
    hub = new LinkHub([new FakeInstrument('meter'), new FakeInstrument('laser')]);
    // meter takes port-1 first, then laser collides with the blocker: meter's server must be closed again.
    const err: unknown = await hub.serveTcp({ portBase: port - 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkServeError);
    if (String(err).includes("'laser'")) await expect(dial(port - 1)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses to bind anything but loopback, and bad ports', async () => {
    const host = new InstrumentHost(new FakeInstrument('meter'), createJunkSource(1));
    await expect(listenTcp(host, { host: '0.0.0.0', port: 0 })).rejects.toThrow("serving 'meter': the simulator binds 127.0.0.1 only, not '0.0.0.0'");
    await expect(listenTcp(host, { port: 70000 })).rejects.toThrow('port must be an integer 0-65535, got 70000');
    hub = new LinkHub([new FakeInstrument('meter')]);
    await expect(hub.serveTcp({ portBase: -5 })).rejects.toThrow(/portBase must be 0 \(ephemeral\)/);
  });

  it('dropConnection closes the TCP connections of the role; the server still accepts new ones', async () => {
    const { served } = await serve();
    const c = await client(served.port('meter'));
    await c.query('*IDN?\n');
    expect(hub?.dropConnection('meter')).toBe(1);
    await c.waitClosed();
    const again = await client(served.port('meter'));
    expect(await again.query('ECHO? back\n')).toBe('back');
  });

  it('serialises two TCP connections through one parser', async () => {
    const { served, meter } = await serve();
    const a = await client(served.port('meter'));
    const b = await client(served.port('meter'));
    a.write('SLOW? 40\n');
    await new Promise((r) => setTimeout(r, 10));
    expect(await b.query('ECHO? b\n')).toBe('b');
    expect(await a.next()).toBe('slow 40');
    expect(meter.maxRunning).toBe(1);
  });

  it('close() stops every server and closes open connections', async () => {
    const { served } = await serve();
    const c = await client(served.port('meter'));
    await c.query('*IDN?\n');
    await hub?.close();
    await c.waitClosed();
    for (const e of served.endpoints) await expect(dial(e.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
