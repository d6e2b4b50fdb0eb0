import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError, LinkLostError } from '../../../drivers/errors.ts';
import { InProcessTransport } from '../../../drivers/transport/in-process-transport.ts';
import { scriptedEndpoint } from '../../helpers/scripted-endpoint.ts';
import { ScriptedInstrument } from '../../helpers/scripted-instrument.ts';

const transports: InProcessTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

function make(role = 'meter'): { t: InProcessTransport; endpoint: ReturnType<typeof scriptedEndpoint> } {
  const endpoint = scriptedEndpoint({ meter: new ScriptedInstrument().on('FETC:POW?', '-1.0E+01') });
  const t = new InProcessTransport(`SIM::${role}`, endpoint, role);
  transports.push(t);
  return { t, endpoint };
}

describe('InProcessTransport', () => {
  it('carries program messages in and replies out, with no socket', async () => {
    const { t } = make();
    await t.open();
    const reply = new Promise<string>((r) => t.on('data', (d) => r(d.toString())));
    await t.write(Buffer.from('FETC:POW?\n'));
    expect(await reply).toBe('-1.0E+01\n');
  });

  it('refuses a role the endpoint does not serve with ConnectError', async () => {
    const { t } = make('laser');
    await expect(t.open()).rejects.toThrow(ConnectError);
    await expect(t.open()).rejects.toThrow(/cannot connect to SIM::laser: the in-process endpoint refused role 'laser': no scripted instrument plays 'laser'/);
  });

  it('reports the simulator ending its side as one lost event', async () => {
    const { t, endpoint } = make();
    await t.open();
    const lost: LinkLostError[] = [];
    t.on('lost', (e) => lost.push(e));
    endpoint.serverEnds[0]?.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(lost).toHaveLength(1);
    expect(lost[0]?.message).toBe("link to SIM::meter lost: the simulated 'meter' ended its stream");
    await expect(t.write(Buffer.from('x\n'))).rejects.toThrow(LinkLostError);
  });

  it('closes its end without reporting a loss, and the simulator sees the end', async () => {
    const { t, endpoint } = make();
    await t.open();
    let lost = 0;
    t.on('lost', () => lost++);
    const ended = new Promise<void>((r) => endpoint.serverEnds[0]?.once('end', () => r()));
    endpoint.serverEnds[0]?.resume();
    await t.close();
    await ended;
    await t.close();
    expect(lost).toBe(0);
  });
});
