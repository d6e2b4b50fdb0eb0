// The service's pushed events, typed by BenchEvents: IPC (webContents.send) and the
// WebSocket bridge subscribe here. A subscriber that throws stops nothing: one broken window must not
// stall a run or the monitor.
import type { BenchEventListener, BenchEventName, BenchEvents } from './bench-api.ts';

/** Every event, for bridges that forward all of them. */
export type AnyBenchEventListener = <E extends BenchEventName>(event: E, payload: BenchEvents[E]) => void;

export class BenchEventHub {
  private readonly byName = new Map<BenchEventName, Set<(payload: never) => void>>();
  private readonly all = new Set<AnyBenchEventListener>();

  on<E extends BenchEventName>(event: E, listener: BenchEventListener<E>): () => void {
    let set = this.byName.get(event);
    if (!set) this.byName.set(event, (set = new Set()));
    const l = listener as (payload: never) => void;
    set.add(l);
    return () => void set.delete(l);
  }

  onAny(listener: AnyBenchEventListener): () => void {
    this.all.add(listener);
    return () => void this.all.delete(listener);
  }

  emit<E extends BenchEventName>(event: E, payload: BenchEvents[E]): void {
    for (const l of this.byName.get(event) ?? []) {
      try {
        (l as BenchEventListener<E>)(payload);
      } catch {
        // A subscriber's bug is its own; the service goes on.
      }
    }
    for (const l of this.all) {
      try {
        l(event, payload);
      } catch {
        // As above.
      }
    }
  }

  listenerCount(): number {
    let n = this.all.size;
    for (const s of this.byName.values()) n += s.size;
    return n;
  }
}
