import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkHub } from '../../../sim/link/link-hub.ts';
import { socatAvailable } from '../../../sim/link/pty-server.ts';
import { FakeInstrument } from '../../unit/sim/link/fake-instrument.ts';
import { LineClient } from '../../unit/sim/link/line-client.ts';
import { alive } from './probes.ts';

const ESP_FRAMING = { inputTerminator: '\r', outputTerminator: '\r\n' };

async function openClient(path: string): Promise<{ port: SerialPort; client: LineClient }> {
  const port = new SerialPort({ path, baudRate: 921600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return { port, client: new LineClient(port, '\r\n') };
}

async function closePort(port: SerialPort): Promise<void> {
  if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
}

describe('serial pty serving (socat)', () => {
  let hub: LinkHub | undefined;
  const ports: SerialPort[] = [];
  afterEach(async () => {
    for (const p of ports.splice(0)) await closePort(p);
    await hub?.close();
    hub = undefined;
  });

  it('socat is installed (CI installs it; these tests must not silently skip)', () => {
    expect(socatAvailable(), 'socat is missing: apt-get install socat').toBe(true);
  });

  it('serves the instrument on the client end of a pty pair, in its own framing', async () => {
    const esp = new FakeInstrument('stage-esp', 'ESP301 Version 3.0.2', ESP_FRAMING);
    hub = new LinkHub([esp]);
    const pty = await hub.servePty('stage-esp', { name: 'esp301' });
    expect(pty.path).toMatch(/benchctl-sim-[^/]+\/esp301-client$/);
    expect(pty.resource).toBe(`ASRL${pty.path}::INSTR`);
    const { port, client } = await openClient(pty.path);
    ports.push(port);
    expect(await client.query('*IDN?\r')).toBe('ESP301 Version 3.0.2');
    client.write('SET 1\rECHO? 1\rECHO? 2\r');
    expect([await client.next(), await client.next()]).toEqual(['1', '2']);
  });

  // A raw handle just goes silent; the drivers' SerialTransport sees the hang-up (pty-session.test.ts).
  it('dropConnection replugs the line: the open handle goes dead, a reopen on the same path works', async () => {
    hub = new LinkHub([new FakeInstrument('stage-esp', 'ESP301', ESP_FRAMING)]);
    const pty = await hub.servePty('stage-esp');
    const first = await openClient(pty.path);
    ports.push(first.port);
    expect(await first.client.query('ECHO? a\r')).toBe('a');
    const oldPid = pty.pid;
    expect(hub.dropConnection('stage-esp')).toBe(1);
    // The old handle's other side is gone: no reply comes back on it.
    await expect(first.client.query('ECHO? lost\r', 300)).rejects.toThrow(/no reply/);
    await closePort(first.port);
    let second: Awaited<ReturnType<typeof openClient>> | undefined;
    for (let i = 0; i < 100 && !second; i++) {
      second = await openClient(pty.path).catch(() => undefined);
      if (!second) await new Promise((r) => setTimeout(r, 20));
    }
    expect(second, 'the pty path came back after the replug').toBeDefined();
    if (!second) return;
    ports.push(second.port);
    expect(await second.client.query('ECHO? again\r', 2000)).toBe('again');
    expect(pty.pid).not.toBe(oldPid);
    expect(alive(oldPid)).toBe(false);
  });

  it('close() kills socat and removes the pty links and their directory', async () => {
    hub = new LinkHub([new FakeInstrument('stage-esp', 'ESP301', ESP_FRAMING)]);
    const pty = await hub.servePty('stage-esp');
    const pid = pty.pid;
    expect(alive(pid)).toBe(true);
    expect(existsSync(pty.path)).toBe(true);
    await hub.close();
    expect(alive(pid)).toBe(false);
    expect(existsSync(pty.path)).toBe(false);
    expect(existsSync(dirname(pty.path))).toBe(false);
  });

  it('servePty of an unknown role names the known roles', async () => {
    hub = new LinkHub([new FakeInstrument('meter')]);
    await expect(hub.servePty('stage-esp')).rejects.toThrow("servePty: no simulated instrument has the role 'stage-esp'; known roles: meter");
  });
});
