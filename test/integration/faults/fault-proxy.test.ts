// The fault proxy over real sockets, between a real session and the simulator's TCP port: it passes
// traffic untouched, stalls (the session times out, then resynchronises and gets its own replies, never a
// stale one), drops (the session sees the loss and reopens through it), splits replies at any byte,
// corrupts a byte, delays and jitters — and records what the instrument was asked.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkLostError, TimeoutError } from '../../../drivers/errors.ts';
import { openResource } from '../../../drivers/open-resource.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';
import { FaultProxy } from '../../helpers/fault-proxy.ts';

let sim: VirtualBench;
let proxy: FaultProxy;
let session: ScpiSession | undefined;
let identity: string;

beforeEach(async () => {
  sim = new VirtualBench({ seed: 1, mode: 'fast' });
  const served = await sim.serveTcp({ portBase: 0 });
  const direct = await openResource(served.resource('laser'), { timeout_ms: 2000 });
  identity = await direct.query('*IDN?');
  await direct.close();
  let seed = 42;
  proxy = await FaultProxy.start(served.resource('laser'), { random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647) });
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await proxy.close();
  await sim.close();
});

async function open(timeout_ms = 2000): Promise<ScpiSession> {
  session = await openResource(proxy.resource, { timeout_ms });
  return session;
}

describe('the fault proxy', () => {
  it('passes traffic untouched and records each command', async () => {
    const s = await open();
    expect(await s.query('*IDN?')).toBe(identity);
    await s.write(':SOUR0:WAV 1551NM');
    expect(await s.queryNumber(':SOUR0:WAV?')).toBeCloseTo(1551e-9, 15);
    expect(proxy.asked).toEqual(['*IDN?', ':SOUR0:WAV 1551NM', ':SOUR0:WAV?']);
  });

  it('a stall times the reply out; afterwards the session resynchronises and gets its own replies', async () => {
    const s = await open(300);
    await s.write(':SOUR0:WAV 1552NM');
    proxy.stall(1.2);
    await expect(s.query(':SOUR0:WAV?')).rejects.toBeInstanceOf(TimeoutError);
    // The next call resynchronises first (its wait, 5 × the timeout, outlasts the stall): the late reply
    // to the timed-out query is got past, not taken for this one.
    expect(await s.query('*IDN?')).toBe(identity);
    expect(proxy.stalled).toBe(false);
    expect(await s.queryNumber(':SOUR0:WAV?')).toBeCloseTo(1552e-9, 15);
  });

  it('a drop loses the link; the session reopens through the proxy', async () => {
    const s = await open();
    expect(await s.query('*IDN?')).toBe(identity);
    const lost = new Promise<LinkLostError>((resolve) => s.on('lost', resolve));
    expect(proxy.drop()).toBe(1);
    expect(await lost).toBeInstanceOf(LinkLostError);
    await expect(s.query('*IDN?')).rejects.toBeInstanceOf(LinkLostError);
    await s.reopen();
    expect(await s.query('*IDN?')).toBe(identity);
    expect(proxy.accepted).toBe(2);
  });

  it('replies split at fixed or random bytes still frame into the same replies', async () => {
    const s = await open();
    proxy.split = [1, 5, 6];
    expect(await s.query('*IDN?')).toBe(identity);
    proxy.split = 'random';
    for (let i = 0; i < 30; i++) expect(await s.query('*IDN?')).toBe(identity);
    const block = await s.queryBlock(':SOUR0:READ:DATA? LLOG').catch((e: unknown) => e);
    expect(block instanceof Error ? block.message : 'a block').not.toMatch(/truncated/);
  });

  it('corrupts one byte of the next reply, keeping its terminator', async () => {
    const s = await open();
    proxy.corruptLeft = 1;
    const garbled = await s.query('*IDN?');
    expect(garbled).not.toBe(identity);
    expect(garbled).toHaveLength(identity.length);
    expect([...garbled].filter((c, i) => c !== identity[i])).toHaveLength(1);
    expect(await s.query('*IDN?')).toBe(identity);
  });

  it('delay and jitter hold every chunk back, in order', async () => {
    const s = await open();
    proxy.delay_ms = 40;
    proxy.jitter_ms = 30;
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: 5 }, () => s.query('*IDN?')));
    expect(replies).toEqual(Array(5).fill(identity));
    // Each exchange crosses the proxy twice, each crossing at least the delay.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(5 * 2 * 40 - 5);
    proxy.clear();
    expect(await s.query('*IDN?')).toBe(identity);
  });
});
