// SIM:: resources: the same session over the simulator's in-process duplex, no sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError, LinkLostError, TimeoutError } from '../../../drivers/errors.ts';
import { openResource } from '../../../drivers/open-resource.ts';
import { encodeFloats } from '../../../drivers/scpi/block.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { scriptedEndpoint } from '../../helpers/scripted-endpoint.ts';
import { ScriptedInstrument, answer } from '../../helpers/scripted-instrument.ts';

const sessions: ScpiSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function bench(): { endpoint: ReturnType<typeof scriptedEndpoint>; meter: ScriptedInstrument } {
  const meter = new ScriptedInstrument()
    .on(':FETC1:CHAN1:POW?', '-1.00000000E+01')
    .on(':SENS1:CHAN1:FUNC:RES?', answer.block(encodeFloats([1e-3, 2e-3], 'float32')))
    .on('SLOW?', answer.late('late', 200));
  return { endpoint: scriptedEndpoint({ meter }), meter };
}

async function open(endpoint: ReturnType<typeof scriptedEndpoint>, role = 'meter'): Promise<ScpiSession> {
  const s = await openResource(`SIM::${role}`, { inProcess: endpoint, timeout_ms: 80, checkErrors: true });
  sessions.push(s);
  return s;
}

describe('session over the in-process endpoint', () => {
  it('queries, reads blocks and checks errors as over TCP', async () => {
    const { endpoint } = bench();
    const s = await open(endpoint);
    await expect(s.queryNumber(':FETC1:CHAN1:POW?')).resolves.toBe(-10);
    const got = await s.queryFloats(':SENS1:CHAN1:FUNC:RES?', { type: 'float32' });
    expect(got.map((v) => Math.fround(v))).toEqual([Math.fround(1e-3), Math.fround(2e-3)]);
    await expect(s.write(':NOPE')).rejects.toMatchObject({ code: -113, command: ':NOPE', resource: 'SIM::meter' });
  });

  it('recovers from a late reply', async () => {
    const { endpoint } = bench();
    const s = await open(endpoint);
    await expect(s.query('SLOW?')).rejects.toThrow(TimeoutError);
    await expect(s.queryNumber(':FETC1:CHAN1:POW?')).resolves.toBe(-10);
  });

  it('refuses a role the endpoint does not serve', async () => {
    const { endpoint } = bench();
    await expect(openResource('SIM::laser', { inProcess: endpoint })).rejects.toThrow(ConnectError);
  });

  it('rejects the pending query when the simulator drops the link', async () => {
    const { endpoint, meter } = bench();
    meter.on('HANG?', answer.never());
    const s = await openResource('SIM::meter', { inProcess: endpoint, timeout_ms: 5000 });
    sessions.push(s);
    const pending = s.query('HANG?');
    setTimeout(() => endpoint.serverEnds[0]?.destroy(), 10);
    await expect(pending).rejects.toThrow(LinkLostError);
    await expect(pending).rejects.toThrow("link to SIM::meter lost: the simulated 'meter' ended its stream ('HANG?' was not completed)");
  });
});
