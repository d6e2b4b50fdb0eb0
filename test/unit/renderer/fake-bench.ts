// A BenchBridge for store tests: each call is answered by a handler the test sets (an unset call rejects,
// naming the channel), every call is recorded, and events are pushed with emit().
import type { BenchApi, BenchBridge, BenchEventListener, BenchEventName, BenchEvents } from '../../../service/bench-api.ts';
import { BENCH_CHANNELS } from '../../../service/bench-api.ts';

type Handlers = { [C in keyof BenchApi]?: BenchApi[C] };

export class FakeBench {
  readonly calls: { channel: keyof BenchApi; arg: unknown }[] = [];
  handlers: Handlers = {};
  private listeners = new Map<BenchEventName, Set<(p: unknown) => void>>();
  readonly bridge: BenchBridge;

  constructor() {
    const api: Record<string, unknown> = {};
    for (const channel of BENCH_CHANNELS) {
      api[channel] = (arg?: unknown) => {
        this.calls.push({ channel, arg });
        const h = this.handlers[channel] as ((a?: unknown) => Promise<unknown>) | undefined;
        if (!h) return Promise.reject(new Error(`FakeBench: no handler for ${channel}`));
        return h(arg);
      };
    }
    api['on'] = <E extends BenchEventName>(event: E, listener: BenchEventListener<E>) => {
      const set = this.listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      this.listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    };
    this.bridge = api as unknown as BenchBridge;
  }

  emit<E extends BenchEventName>(event: E, payload: BenchEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  listenerCount(event: BenchEventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  callsOf(channel: keyof BenchApi): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.arg);
  }
}

/** Resolves after pending promise callbacks ran (store actions chain a few awaits). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}
