// Instruments lost during a run: which roles a session reported lost (even between exchanges), whether a
// failure is such a loss, and getting them back — the run paused meanwhile, instrument-lost/restored
// events, reconnect with backoff (link-loss.ts), and past the deadline an abort.
import type { Bench } from '../bench-port.ts';
import type { RunEventBody } from '../events.ts';
import { errorMessage, RunAbortedError } from './errors.ts';
import { linkLossOf, reconnect, roleOfResource, type RecoveryPolicy } from './link-loss.ts';

export interface LossDeps {
  bench: Bench;
  recovery: RecoveryPolicy;
  signal: AbortSignal;
  now_ms(): number;
  sleep_ms(ms: number, signal: AbortSignal): Promise<void>;
  emit(body: RunEventBody): void;
  /** The run is held for the reconnect. */
  enterPause(): void;
  /** The instrument is back: the run goes on (or, with a pause asked meanwhile, pauses at its next checkpoint); emits what it does. */
  leavePause(stepId: string | null): void;
}

export class LostInstruments {
  /** Role → the error its loss was reported with. */
  readonly roles = new Map<string, Error>();
  private readonly deps: LossDeps;

  constructor(deps: LossDeps) {
    this.deps = deps;
  }

  /** Listens to every session's 'lost' event; returns the function that stops listening. */
  watch(): () => void {
    const offs: (() => void)[] = [];
    for (const inst of this.deps.bench.instruments()) {
      const session = inst.driver.session;
      if (typeof session?.on !== 'function') continue;
      const onLost = (err: Error) => {
        this.roles.set(inst.role, err);
      };
      session.on('lost', onLost);
      offs.push(() => session.off('lost', onLost));
    }
    return () => {
      for (const off of offs) off();
    };
  }

  /**
   * Whether `err` is (or came with) the loss of a bench instrument, noting its role. A failure while a
   * loss is pending counts as that loss: a reply cut by the dropped link fails in many ways.
   */
  claim(err: unknown): boolean {
    const loss = linkLossOf(err);
    if (!loss) return this.roles.size > 0;
    const role = roleOfResource(this.deps.bench, loss.resource);
    if (!role) return false;
    if (!this.roles.has(role)) this.roles.set(role, loss);
    return true;
  }

  /** Reconnects every lost role in turn; throws RunAbortedError('instrument-lost') past the deadline. */
  async recoverAll(stepId: string | null): Promise<void> {
    while (this.roles.size > 0) await this.recoverOne(stepId);
  }

  private async recoverOne(stepId: string | null): Promise<void> {
    const { bench, recovery, emit } = this.deps;
    const [role, err] = this.roles.entries().next().value as [string, Error];
    const resource = bench.instrument(role).resource;
    this.deps.enterPause();
    emit({ type: 'instrument-lost', role, resource, error: errorMessage(err), deadline_s: recovery.deadline_s });
    emit({ type: 'paused', reason: 'instrument-lost', stepId });
    const result = await reconnect(bench, role, recovery, {
      now_ms: this.deps.now_ms, sleep_ms: this.deps.sleep_ms, signal: this.deps.signal,
      onAttemptFailed: (n, e) => emit({ type: 'warning', stepId, message: `reconnect attempt ${n} to ${role} (${resource}) failed: ${errorMessage(e)}` }),
    });
    if (!result.ok) {
      if (this.deps.signal.aborted) throw this.deps.signal.reason as Error;
      throw new RunAbortedError('instrument-lost',
        `${role} (${resource}) did not come back within ${recovery.deadline_s} s (${result.attempts} attempts; last: ${result.lastError})`, { cause: err });
    }
    this.roles.delete(role);
    emit({ type: 'instrument-restored', role, identity: result.identity, attempts: result.attempts, outage_s: result.outage_s });
    this.deps.leavePause(stepId);
  }
}
