// One simulated instrument as the links see it: a single parser that executes program messages one at a
// time in arrival order across every connection (as a real box with one input buffer does), the links
// currently attached to it, and the link-level faults (silence, garbage) that sit between the two.
import type { BenchClock } from '../clock.ts';
import type { SimInstrument } from '../sim-instrument.ts';
import type { LinkTiming } from '../timing/link-timing.ts';
import type { JunkSource } from './junk.ts';

/** Something attached to a host that a pulled cable would cut: a TCP connection, an in-process duplex, a pty. */
export interface AttachedLink {
  readonly kind: 'in-process' | 'tcp' | 'pty' | 'vxi11' | 'usbtmc';
  /** Cuts the link now; the client sees its connection close (or, on a serial line, go dead). */
  drop(): void;
}

/** Instruments built on the SCPI base (and the stage dialects) accept injected errors. */
interface ErrorInjectable {
  pushError(code: number, detail?: string): void;
}

function canPushError(x: unknown): x is ErrorInjectable {
  return typeof (x as Partial<ErrorInjectable>).pushError === 'function';
}

export class InstrumentHost {
  readonly role: string;
  readonly instrument: SimInstrument;
  private tail: Promise<unknown> = Promise.resolve();
  private silent = false;
  private garbageLeft = 0;
  private readonly links = new Set<AttachedLink>();
  private readonly junk: JunkSource;
  private readonly onInternalError: (err: unknown, message: string) => void;
  private timing: { link: LinkTiming; clock: BenchClock } | null = null;

  constructor(
    instrument: SimInstrument,
    junk: JunkSource,
    onInternalError: (err: unknown, message: string) => void = defaultInternalError(instrument.role),
  ) {
    this.role = instrument.role;
    this.instrument = instrument;
    this.junk = junk;
    this.onInternalError = onInternalError;
  }

  /**
   * Queues one program message behind every message already received for this instrument, from any link.
   * Resolves to the bytes to send back (after link faults), or undefined when nothing goes back.
   */
  submit(message: string): Promise<Uint8Array | undefined> {
    if (this.silent) return Promise.resolve(undefined);
    const run = this.tail.then(() => this.executeOne(message));
    this.tail = run;
    return run;
  }

  /** Resolves once every message submitted so far has been executed. */
  async drained(): Promise<void> {
    await this.tail;
  }

  /**
   * A timing profile's link: each message costs its way in before it executes and its reply the way back
   * (sim/timing). Without one, the instrument's own constant exchange cost is all there is.
   */
  useTiming(link: LinkTiming, clock: BenchClock): void {
    this.timing = { link, clock };
  }

  private async executeOne(message: string): Promise<Uint8Array | undefined> {
    if (this.silent) return undefined;
    let reply: Uint8Array | undefined;
    try {
      if (this.timing) await this.timing.clock.advance(this.timing.link.inbound_s(message));
      reply = await this.instrument.execute(message);
      if (reply !== undefined && this.timing) await this.timing.clock.advance(this.timing.link.outbound_s(reply));
    } catch (err) {
      // The contract says execute never rejects; if it does, that is a simulator bug, not a reason to die.
      this.onInternalError(err, message);
      return undefined;
    }
    if (reply === undefined || this.silent) return undefined;
    if (this.garbageLeft > 0) {
      this.garbageLeft--;
      return this.junk(reply.length, this.instrument.framing.outputTerminator);
    }
    return reply;
  }

  /** Registers a link; returns the function that unregisters it (call it when the link closes). */
  attach(link: AttachedLink): () => void {
    this.links.add(link);
    return () => this.links.delete(link);
  }

  get linkCount(): number {
    return this.links.size;
  }

  /** Cuts every link attached now; returns how many were cut. Servers keep listening, so clients can reconnect. */
  dropLinks(): number {
    const now = [...this.links];
    for (const link of now) link.drop();
    return now.length;
  }

  /** While on, messages are swallowed unexecuted and nothing is sent back. */
  stopAnswering(on: boolean): void {
    this.silent = on;
  }

  get answering(): boolean {
    return !this.silent;
  }

  /** The next `count` replies are replaced by junk (the commands still execute). */
  answerGarbage(count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`answerGarbage(${this.role}): count must be a non-negative integer, got ${count}`);
    }
    this.garbageLeft += count;
  }

  get garbagePending(): number {
    return this.garbageLeft;
  }

  clearLinkFaults(): void {
    this.silent = false;
    this.garbageLeft = 0;
  }

  /** True when the instrument keeps an error queue that faults can push to. */
  get acceptsErrors(): boolean {
    return canPushError(this.instrument);
  }

  pushError(code: number, detail?: string): void {
    if (!canPushError(this.instrument)) {
      throw new Error(`pushError: the '${this.role}' instrument (${this.instrument.identity}) has no error queue to push to`);
    }
    this.instrument.pushError(code, detail);
  }

  /**
   * A link discarded a message that outgrew the input buffer. Each dialect reports it its own way (SCPI
   * -363, PI GCS 3); the ESP301 documents no code for it, so it says nothing, as the real one does.
   */
  inputOverrun(discarded_bytes: number): void {
    this.instrument.reportInputOverrun?.(discarded_bytes);
  }
}

function defaultInternalError(role: string): (err: unknown, message: string) => void {
  return (err, message) => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.emitWarning(`simulated '${role}' threw while executing ${JSON.stringify(message)}: ${text}`, 'SimulatorBug');
  };
}
