import { describe, expect, it } from 'vitest';
import { ExchangeQueue } from '../../../drivers/session/exchange-queue.ts';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ExchangeQueue', () => {
  it('runs one exchange at a time, first come first served', async () => {
    const q = new ExchangeQueue();
    const log: string[] = [];
    let inFlight = 0;
    const job = (name: string, ms: number) => async (): Promise<string> => {
      inFlight++;
      expect(inFlight).toBe(1);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      inFlight--;
      return name;
    };
    const results = await Promise.all([q.run('a', job('a', 15)), q.run('b', job('b', 1)), q.run('c', job('c', 5))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(q.idle).toBe(true);
  });

  it('goes on with the next exchange after one fails or throws synchronously', async () => {
    const q = new ExchangeQueue();
    const failing = q.run('x', () => Promise.reject(new Error('boom')));
    const throwing = q.run('y', () => {
      throw new Error('sync boom');
    });
    const ok = q.run('z', async () => 'fine');
    await expect(failing).rejects.toThrow('boom');
    await expect(throwing).rejects.toThrow('sync boom');
    await expect(ok).resolves.toBe('fine');
  });

  it('rejects waiting exchanges at once, by label, without running them', async () => {
    const q = new ExchangeQueue();
    const first = deferred<string>();
    let ran = false;
    const inFlight = q.run('MEAS?', () => first.promise);
    const waiting = [q.run('A?', async () => { ran = true; }), q.run('B?', async () => { ran = true; })];
    expect(q.waiting).toBe(2);
    q.rejectWaiting((label) => new Error(`dropped ${label}`));
    await expect(waiting[0]).rejects.toThrow('dropped A?');
    await expect(waiting[1]).rejects.toThrow('dropped B?');
    first.resolve('done');
    await expect(inFlight).resolves.toBe('done');
    expect(ran).toBe(false);
    await expect(q.run('C?', async () => 'after')).resolves.toBe('after');
  });

  it('keeps order over a long burst', async () => {
    const q = new ExchangeQueue();
    const order: number[] = [];
    await Promise.all(Array.from({ length: 5000 }, (_, i) => q.run(String(i), async () => { order.push(i); })));
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(q.waiting).toBe(0);
  });
});
