// A setting's history in bench time, so the world stays a function of t even for the past: a meter
// that computes a logged sample after the laser was retuned must see the wavelength of the sample's
// time, not today's. States are immutable snapshots; the newest wins from its start time on.

/** Snapshots kept; a query older than the oldest kept one sees the oldest (hours of bench history). */
const DEFAULT_LIMIT = 8192;

export class Timeline<S> {
  private readonly times: number[] = [];
  private readonly states: S[] = [];

  constructor(
    initial: S,
    private readonly limit = DEFAULT_LIMIT,
  ) {
    this.times.push(-Infinity);
    this.states.push(initial);
  }

  /** The state in effect now (the newest). */
  get current(): S {
    return this.states[this.states.length - 1] as S;
  }

  /** Makes `state` effective from t on (later snapshots, if any, are dropped: time only moves forward). */
  set(t_s: number, state: S): void {
    while (this.times.length > 1 && (this.times[this.times.length - 1] as number) > t_s) {
      this.times.pop();
      this.states.pop();
    }
    if (this.times[this.times.length - 1] === t_s) {
      this.states[this.states.length - 1] = state;
    } else {
      this.times.push(t_s);
      this.states.push(state);
    }
    if (this.times.length > this.limit) {
      const excess = this.times.length - this.limit;
      this.times.splice(0, excess);
      this.states.splice(0, excess);
      this.times[0] = -Infinity;
    }
  }

  /** Updates the newest state from t on. */
  update(t_s: number, change: (s: S) => S): void {
    this.set(t_s, change(this.current));
  }

  /** The state in effect at t. */
  at(t_s: number): S {
    let lo = 0;
    let hi = this.times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.times[mid] as number) <= t_s) lo = mid;
      else hi = mid - 1;
    }
    return this.states[lo] as S;
  }
}
