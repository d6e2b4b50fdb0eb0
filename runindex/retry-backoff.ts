// The retry both index writers (runs, audit) use while the index cannot be reached: one pending retry at
// a time, the wait doubling from `min_ms` to `max_ms`, back to `min_ms` after a success. The timer never
// keeps the process alive.
export class RetryBackoff {
  private timer: NodeJS.Timeout | null = null;
  private wait_ms: number;

  constructor(private readonly min_ms = 500, private readonly max_ms = 30_000) {
    this.wait_ms = min_ms;
  }

  /** A retry is waiting. */
  get pending(): boolean {
    return this.timer !== null;
  }

  /** Runs `retry` after the current wait; the next wait is twice as long (up to the maximum). */
  schedule(retry: () => void): void {
    this.cancel();
    const wait = this.wait_ms;
    this.wait_ms = Math.min(this.max_ms, this.wait_ms * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      retry();
    }, wait);
    this.timer.unref();
  }

  succeeded(): void {
    this.wait_ms = this.min_ms;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
