// The lan profile over a real socket in real time: every exchange really takes its drawn round trip, and
// the OS's own latency comes on top (never below the profile).
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualBench } from '../../../sim/virtual-bench.ts';
import { LineClient } from '../../unit/sim/link/line-client.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

describe('lan timing over TCP in real time', () => {
  it('each query takes at least the profile minimum, about 1 ms on average plus the OS', async () => {
    const b = new VirtualBench({ seed: 2, mode: 'realtime', timing: 'lan' });
    open.push(b);
    const served = await b.serveTcp({ portBase: 0 });
    const socket = connect(served.port('meter'), '127.0.0.1');
    open.push({ close: async () => void socket.destroy() });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new LineClient(socket);
    const times_ms: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      c.write('*IDN?\n');
      expect(await c.next()).toContain('N7744A');
      times_ms.push(performance.now() - t0);
    }
    const mean = times_ms.reduce((s, v) => s + v, 0) / times_ms.length;
    expect(Math.min(...times_ms)).toBeGreaterThanOrEqual(0.3);
    expect(mean).toBeGreaterThanOrEqual(0.9);
  });
});
