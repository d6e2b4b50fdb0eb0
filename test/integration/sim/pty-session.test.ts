// A pulled serial cable on the simulated ESP301, as the drivers see it: the sim restarts socat on the same
// path, the session's SerialTransport sees the pty hang up and reports the loss at once (a raw handle would
// just go silent), and reopen() works once the line is back.
import { afterEach, describe, expect, it } from 'vitest';
import { LinkLostError } from '../../../drivers/errors.ts';
import { openResource } from '../../../drivers/open-resource.ts';
import { ESP301_DIALECT } from '../../../drivers/session/dialect.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';

describe('session over the simulated ESP301 pty: dropped connection', () => {
  let bench: VirtualBench | undefined;
  let session: ScpiSession | undefined;
  afterEach(async () => {
    await session?.close();
    await bench?.close();
    session = undefined;
    bench = undefined;
  });

  it('reports the loss at once (pending query rejected, lost event), and reopen() works after the replug', async () => {
    bench = new VirtualBench({ seed: 3 });
    const pty = await bench.servePty('stage-esp');
    const s = await openResource(pty.resource, {
      baudRate: 921600, writeTermination: '\r', readTermination: '\r\n', dialect: ESP301_DIALECT, timeout_ms: 5000,
    });
    session = s;
    expect(await s.query('1MD?')).toBe('1');
    const lost = new Promise<LinkLostError>((resolve) => s.on('lost', resolve));
    // Sent with a long timeout: only the hang-up detection can end it early.
    const pending = s.query('1TP?');
    const t0 = performance.now();
    expect(bench.faults.dropConnection('stage-esp')).toBe(1);
    const err = await pending.then(() => null, (e: unknown) => e);
    // It either went through before the cable was pulled, or the loss rejected it well before its timeout.
    if (err !== null) {
      expect(err).toBeInstanceOf(LinkLostError);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
    expect((await lost).reason).toMatch(/esp301-client hung up \(the far end of the line went away\)/);
    await expect(s.query('1TP?')).rejects.toThrow(/reopen\(\) the session to reconnect/);

    // socat comes back on the same path after a moment; retry as the sequencer's reconnect does.
    let reopened = false;
    for (let i = 0; i < 100 && !reopened; i++) {
      reopened = await s.reopen().then(() => true, () => false);
      if (!reopened) await new Promise((r) => setTimeout(r, 20));
    }
    expect(reopened, 'the pty path came back after the replug').toBe(true);
    expect(await s.query('1MD?')).toBe('1');
  });
});
