// Instruments lost during a run: which roles a session reported lost (even between exchanges), whether a
// failure is such a loss — a dropped link, or a reply timeout (the box stopped answering) — and getting
// them back: the run paused meanwhile, instrument-lost/restored events, reconnect (or resynchronise) and
// re-identify with backoff (link-loss.ts), after a stall the instrument's state re-read (stall-state.ts),
// and past the deadline an abort.
//
// A timeout that comes back on the same command right after a successful recovery, before that command
// got through once and before the step recorded anything, is the same fault going on (a command that box
// never answers, or a stall that keeps returning): it keeps its first start, so the deadline bounds it,
// instead of a fresh deadline each time. Once the command was answered, a timeout on it is a new stall
// (a BER sweep can go tens of seconds without recording a point, and meet several).
import type { Bench } from '../bench-port.ts';
import type { RunEventBody } from '../events.ts';
import { instrumentFaultOf, type FaultReason } from '../../drivers/session/fault-kind.ts';
import { errorMessage, RunAbortedError } from './errors.ts';
import { reconnect, roleOfResource, type RecoveryPolicy } from './link-loss.ts';
import { expectedOutputs, reestablishOutputs } from './output-state.ts';
import { rereadState } from './stall-state.ts';
import type { PlannedStep } from '../plan/plan-types.ts';

export interface LossDeps {
  bench: Bench;
  recovery: RecoveryPolicy;
  signal: AbortSignal;
  now_ms(): number;
  sleep_ms(ms: number, signal: AbortSignal): Promise<void>;
  emit(body: RunEventBody): void;
  /** The run is held for the reconnect. */
  enterPause(): void;
  /** The steps finished so far: the outputs they left are read back, and put right, after every recovery (output-state.ts). */
  finishedSteps(): readonly PlannedStep[];
  /** The step under way (its own outputs are left to it: it runs again). */
  currentStep(): PlannedStep | undefined;
  /** The instrument is back: the run goes on (or, with a pause asked meanwhile, pauses at its next checkpoint); emits what it does. */
  leavePause(stepId: string | null): void;
}

/** One fault of one role, from its first sign to its recovery (or the abort). */
interface Fault {
  /** 1, 2, ... in the run: a recurrence carries the number of the fault it continues. */
  id: number;
  reason: FaultReason;
  command: string | undefined;
  since_ms: number;
  /** How many times it came back after a recovery (0: the first time). */
  recurrences: number;
  /** After its recovery: whether its command has got through since (then a timeout on it is a new stall). */
  answeredSince?: () => boolean;
}

export class LostInstruments {
  /** Role → the error its loss was reported with. */
  readonly roles = new Map<string, Error>();
  private readonly deps: LossDeps;
  private readonly faults = new Map<string, Fault>();
  /** Role → the stall it last recovered from, until the run records something (then a timeout is a new fault). */
  private readonly recovered = new Map<string, Fault>();
  private count = 0;

  constructor(deps: LossDeps) {
    this.deps = deps;
  }

  /** Faults in this run so far (a recurrence is not another one). */
  get faultCount(): number {
    return this.count;
  }

  /** Listens to every session's 'lost' event; returns the function that stops listening. */
  watch(): () => void {
    const offs: (() => void)[] = [];
    for (const inst of this.deps.bench.instruments()) {
      const session = inst.driver.session;
      if (typeof session?.on !== 'function') continue;
      const onLost = (err: Error) => {
        this.roles.set(inst.role, err);
        this.note(inst.role, 'link lost', undefined);
      };
      session.on('lost', onLost);
      offs.push(() => session.off('lost', onLost));
    }
    return () => {
      for (const off of offs) off();
    };
  }

  /** The run recorded a point: whatever stalled before has been got past. */
  progress(): void {
    this.recovered.clear();
  }

  /**
   * Whether `err` is (or came with) the loss of a bench instrument or its silence, noting its role. A
   * failure while a loss is pending counts as that loss: a reply cut by the dropped link fails in many ways.
   */
  claim(err: unknown): boolean {
    const fault = instrumentFaultOf(err);
    if (!fault) return this.roles.size > 0;
    const role = roleOfResource(this.deps.bench, fault.resource);
    if (!role) return this.roles.size > 0;
    if (!this.roles.has(role)) {
      this.roles.set(role, fault.error);
      this.note(role, fault.reason, fault.command);
    }
    return true;
  }

  /**
   * Reconnects every lost role in turn; throws RunAbortedError('instrument-lost') past the deadline.
   * Resolves with how many of them were new faults (not a recurrence).
   */
  async recoverAll(stepId: string | null): Promise<number> {
    let fresh = 0;
    while (this.roles.size > 0) {
      let recovered = 0;
      while (this.roles.size > 0) {
        fresh += await this.recoverOne(stepId);
        recovered++;
      }
      if (recovered > 0) await this.checkOutputs(stepId);
    }
    return fresh;
  }

  /**
   * Every output the finished steps switched is read back before the step goes on, and a mismatch put
   * right (output-state.ts). A role that fails to answer here is one more lost role for recoverAll's loop.
   */
  private async checkOutputs(stepId: string | null): Promise<void> {
    const expected = expectedOutputs(this.deps.finishedSteps(), this.deps.currentStep());
    if (expected.size === 0) return;
    try {
      const lines = await reestablishOutputs(this.deps.bench, expected);
      for (const line of lines) {
        const corrected = !/, as left( \(|$)/.test(line);
        this.deps.emit({ type: corrected ? 'warning' : 'log', stepId, message: `after the fault, outputs read back before going on: ${line}` });
      }
    } catch (err) {
      if (err instanceof RunAbortedError || !this.claim(err)) throw err;
    }
  }

  /** Starts a fault's record (a recurrence continues the one it recurs of); its clock starts when recovery does. */
  private note(role: string, reason: FaultReason, command: string | undefined): void {
    if (this.faults.has(role)) return;
    const before = this.recovered.get(role);
    if (reason !== 'link lost' && before && before.command === command && !before.answeredSince?.()) {
      this.faults.set(role, { ...before, recurrences: before.recurrences + 1 });
      return;
    }
    this.faults.set(role, { id: ++this.count, reason, command, since_ms: this.deps.now_ms(), recurrences: 0 });
  }

  private async recoverOne(stepId: string | null): Promise<number> {
    const { bench, recovery, emit } = this.deps;
    const [role, err] = this.roles.entries().next().value as [string, Error];
    const fault = this.faults.get(role) ?? { id: ++this.count, reason: 'link lost', command: undefined, since_ms: this.deps.now_ms(), recurrences: 0 };
    if (fault.recurrences === 0) fault.since_ms = this.deps.now_ms();
    const resource = bench.instrument(role).resource;
    this.deps.enterPause();
    emit({
      type: 'instrument-lost', role, resource, error: errorMessage(err), deadline_s: recovery.deadline_s, reason: fault.reason, fault: fault.id,
      ...(fault.recurrences > 0 ? { recurrence: fault.recurrences } : {}),
    });
    emit({ type: 'paused', reason: 'instrument-lost', stepId });
    // A stall or a garbled reply: the link stayed up, so what the instrument did meanwhile is read back.
    const stalled = fault.reason !== 'link lost';
    const elapsed_s = (this.deps.now_ms() - fault.since_ms) / 1000;
    if (fault.recurrences > 0) {
      emit({ type: 'warning', stepId, message: `${role} (${resource}): '${fault.command}' ${fault.reason === 'garbled reply' ? 'was garbled' : 'timed out'} again after a successful resync; ` +
        `the same fault as ${Number(elapsed_s.toFixed(1))} s ago, within the same deadline` });
      if (elapsed_s >= recovery.deadline_s) {
        throw new RunAbortedError('instrument-lost', `${role} (${resource}) did not come back within ${recovery.deadline_s} s: ` +
          `'${fault.command}' ${fault.reason === 'garbled reply' ? 'was garbled' : 'timed out'} again after every resync (${fault.recurrences + 1} times; last: ${errorMessage(err)})`, { cause: err });
      }
    }
    const result = await reconnect(bench, role, recovery, {
      // A recurrence keeps its first start; a fresh fault gets the whole deadline from now, however late a
      // step's checkpoint noticed it (a loss reported between exchanges).
      now_ms: this.deps.now_ms, sleep_ms: this.deps.sleep_ms, signal: this.deps.signal,
      ...(fault.recurrences > 0 ? { since_ms: fault.since_ms } : {}),
      ...(stalled ? { afterIdentify: (left_s) => rereadState(bench, role, left_s) } : {}),
      onAttemptFailed: (n, e) => emit({ type: 'warning', stepId, message: `reconnect attempt ${n} to ${role} (${resource}) failed: ${errorMessage(e)}` }),
    });
    if (!result.ok) {
      if (this.deps.signal.aborted) throw this.deps.signal.reason as Error;
      throw new RunAbortedError('instrument-lost',
        `${role} (${resource}) did not come back within ${recovery.deadline_s} s (${stalled ? `${fault.reason}; ` : ''}${result.attempts} attempts; last: ${result.lastError})`, { cause: err });
    }
    this.roles.delete(role);
    this.faults.delete(role);
    if (stalled) this.recovered.set(role, { ...fault, ...watchAnswer(bench.instrument(role).driver.session, fault.command) });
    else this.recovered.delete(role);
    emit({ type: 'instrument-restored', role, identity: result.identity, attempts: result.attempts, outage_s: result.outage_s, reason: fault.reason, fault: fault.id });
    if (result.state !== null) emit({ type: 'log', stepId, message: `after the ${fault.reason === 'garbled reply' ? 'garbled reply' : 'stall'}, re-read before going on: ${result.state}` });
    this.deps.leavePause(stepId);
    return fault.recurrences === 0 ? 1 : 0;
  }
}

/**
 * Asks the session to watch the stalled command (ScpiSession.watchAnswer): answered before it times out
 * again, the next timeout is another stall, not this one recurring. A session without it (a test's fake)
 * leaves recurrence to the step's progress alone.
 */
function watchAnswer(session: unknown, command: string | undefined): Pick<Fault, 'answeredSince'> {
  const s = session as { watchAnswer?: (command: string) => () => boolean } | undefined;
  return command !== undefined && typeof s?.watchAnswer === 'function' ? { answeredSince: s.watchAnswer(command) } : {};
}
