// One exchange in flight per instrument: callers are served strictly first come, first served, and a
// queued caller can be rejected at once (link lost, session closed) instead of waiting its turn to fail.

interface Job {
  label: string;
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class ExchangeQueue {
  private jobs: (Job | undefined)[] = [];
  private head = 0;
  private busy = false;
  private readonly next = (): void => this.startNext();

  /** Exchanges waiting behind the one in flight. */
  get waiting(): number {
    return this.jobs.length - this.head;
  }

  get idle(): boolean {
    return !this.busy;
  }

  /** Runs `run` when every earlier exchange has settled; `label` names it if it must be rejected unrun. */
  run<T>(label: string, run: () => Promise<T>): Promise<T> {
    if (!this.busy) {
      this.busy = true;
      const p = invoke(run);
      p.then(this.next, this.next);
      return p;
    }
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ label, run, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Rejects every exchange still waiting (not the one in flight) with an error made for its label. */
  rejectWaiting(makeError: (label: string) => Error): void {
    const jobs = this.jobs;
    const head = this.head;
    this.jobs = [];
    this.head = 0;
    for (let i = head; i < jobs.length; i++) {
      const job = jobs[i];
      if (job) job.reject(makeError(job.label));
    }
  }

  private startNext(): void {
    if (this.head >= this.jobs.length) {
      this.busy = false;
      if (this.jobs.length > 0) {
        this.jobs = [];
        this.head = 0;
      }
      return;
    }
    const job = this.jobs[this.head] as Job;
    this.jobs[this.head] = undefined;
    this.head++;
    // A long burst would otherwise keep every settled slot alive.
    if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs = this.jobs.slice(this.head);
      this.head = 0;
    }
    const p = invoke(job.run);
    p.then(job.resolve, job.reject);
    p.then(this.next, this.next);
  }
}

function invoke<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (err) {
    return Promise.reject(err);
  }
}
