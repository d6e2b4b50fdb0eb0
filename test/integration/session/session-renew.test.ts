// ScpiSession.renew(): a fresh connection for a link a resynchronisation could not bring back — the
// exchange in flight (here a query with a long per-call timeout that the instrument never answers) and
// the ones queued behind it fail at once with LinkLostError, and the next exchange goes over a new
// connection without waiting for any of them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkLostError, SessionClosedError } from '../../../drivers/errors.ts';
import { openResource } from '../../../drivers/open-resource.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { answer } from '../../helpers/scripted-instrument.ts';
import { TestInstrumentServer } from '../../helpers/test-instrument-server.ts';

let server: TestInstrumentServer;
let session: ScpiSession | undefined;

beforeEach(async () => {
  server = await TestInstrumentServer.start();
  server.instrument.on('HANG?', answer.never()).on('MEAS:POW?', '+1.0E-03');
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await server.close();
});

describe('session renew', () => {
  it('fails the hanging exchange and the queued ones at once, then answers on a new connection', async () => {
    session = await openResource(server.resource, { timeout_ms: 1000 });
    const s = session;
    const hanging = s.query('HANG?', { timeout_ms: 60_000 });
    const queued = s.query('MEAS:POW?');
    hanging.catch(() => undefined);
    queued.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await s.renew('no answer on the old connection; reconnecting');
    await expect(hanging).rejects.toBeInstanceOf(LinkLostError);
    await expect(hanging).rejects.toThrow(/no answer on the old connection/);
    await expect(queued).rejects.toBeInstanceOf(LinkLostError);
    await expect(s.queryNumber('MEAS:POW?')).resolves.toBeCloseTo(1e-3, 12);
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(server.connectionCount).toBe(2);
    expect(s.isOpen).toBe(true);
  });

  it('refuses on a closed session, naming it', async () => {
    session = await openResource(server.resource, { timeout_ms: 1000 });
    await session.close();
    await expect(session.renew('x')).rejects.toBeInstanceOf(SessionClosedError);
  });
});
