// The bounds of a recovery after a stall: one reconnect attempt (connect + identify) is held to
// min(left, max(2 × reply timeout, 5 s)), not to the whole deadline, so a hung attempt is followed by
// another; the re-read's wait for a move is bounded by the move's expected time, capped by the deadline.
import { describe, expect, it } from 'vitest';
import type { Bench } from '../../../sequences/bench-port.ts';
import { attemptBound_s, reconnect } from '../../../sequences/engine/link-loss.ts';
import { moveWaitBound_s } from '../../../sequences/engine/stall-state.ts';

describe('attemptBound_s', () => {
  it('is twice the reply timeout, at least 5 s, never past what is left', () => {
    expect(attemptBound_s(2000, 28)).toBe(5);
    expect(attemptBound_s(4000, 28)).toBe(8);
    expect(attemptBound_s(4000, 3)).toBe(3);
    expect(attemptBound_s(undefined, 28)).toBe(5);
    expect(attemptBound_s(2000, 0)).toBe(0.2);
  });
});

describe('moveWaitBound_s', () => {
  it('is the expected time × 1.5 + 2 s, capped by what is left of the deadline', () => {
    expect(moveWaitBound_s(4, 28)).toBe(8);
    expect(moveWaitBound_s(40, 28)).toBe(28);
    expect(moveWaitBound_s(0, 28)).toBe(2);
  });
  it('a stage that cannot tell waits 30 s at most, still capped by the deadline', () => {
    expect(moveWaitBound_s(undefined, 60)).toBe(30);
    expect(moveWaitBound_s(undefined, 10)).toBe(10);
  });
});

/** A bench of one role whose first identify hangs for good (the stall came back) and whose second answers. */
function hangingOnce() {
  let identifies = 0;
  const log: string[] = [];
  const session = {
    resource: 'TCPIP0::h::5025::SOCKET', isOpen: true, options: { timeout_ms: 500 },
    reopen: async () => { log.push('reopen'); },
    renew: async (reason: string) => { log.push(`renew: ${reason}`); },
  };
  const driver = {
    session,
    identify: () => {
      identifies++;
      log.push(`identify ${identifies}`);
      return identifies === 1 ? new Promise<string>(() => {}) : Promise.resolve('ACME,BOX');
    },
  };
  const bench = { get: () => driver } as unknown as Bench;
  return { bench, log };
}

describe('reconnect: one attempt is bounded, then tried again', () => {
  it('an identify that never answers costs its attempt (5 s), not the 30 s deadline; the next attempt renews and succeeds', async () => {
    const { bench, log } = hangingOnce();
    const failures: string[] = [];
    const t0 = Date.now();
    const result = await reconnect(bench, 'box', { deadline_s: 30, backoff_s: 0.05, maxBackoff_s: 0.1 }, {
      now_ms: () => Date.now(), sleep_ms: (ms) => new Promise((r) => setTimeout(r, ms)), signal: new AbortController().signal,
      onAttemptFailed: (_n, e) => failures.push(String(e)),
    });
    expect(result).toMatchObject({ ok: true, identity: 'ACME,BOX', attempts: 2 });
    expect(failures).toEqual(['Error: no answer within 5 s']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4900);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(log).toEqual(['reopen', 'identify 1', 'renew: no answer on the old connection; reconnecting', 'reopen', 'identify 2']);
  }, 20_000);

  it('the re-read after the identity is held to what is left of the deadline, not to the attempt bound', async () => {
    const { bench } = hangingOnce();
    let given = 0;
    const result = await reconnect(bench, 'box', { deadline_s: 30, backoff_s: 0.05, maxBackoff_s: 0.1 }, {
      now_ms: () => Date.now(), sleep_ms: (ms) => new Promise((r) => setTimeout(r, ms)), signal: new AbortController().signal,
      afterIdentify: async (left_s) => {
        given = left_s;
        return 'read back';
      },
    });
    expect(result).toMatchObject({ ok: true, state: 'read back' });
    expect(given).toBeGreaterThan(20);
    expect(given).toBeLessThanOrEqual(25.1);
  }, 20_000);
});
