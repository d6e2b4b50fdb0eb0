// Batches items arriving at any rate (run events, points) into one flush per animation frame, so a burst
// of thousands of points costs one store update and one redraw instead of thousands.

export type FrameScheduler = (callback: () => void) => void;

function defaultScheduler(): FrameScheduler {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
  // A hidden tab gets no animation frames; a timer keeps the store current for when it is shown again.
  return (cb) => {
    if (raf && !(globalThis as { document?: { hidden?: boolean } }).document?.hidden) raf(cb);
    else setTimeout(cb, 16);
  };
}

let scheduler: FrameScheduler | null = null;

/** Replaces the frame scheduler (unit tests flush by hand). */
export function setFrameScheduler(s: FrameScheduler | null): void {
  scheduler = s;
}

export class FrameBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(private readonly flushItems: (items: T[]) => void) {}

  push(...items: T[]): void {
    for (const item of items) this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    (scheduler ?? defaultScheduler())(() => this.flush());
  }

  /** Hands everything queued over now (also what the scheduled frame does). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.flushItems(items);
  }

  get pending(): number {
    return this.queue.length;
  }
}
