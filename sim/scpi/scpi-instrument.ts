// The base of every simulated SCPI instrument: parses a program message, dispatches each command
// through the instrument's CommandTable (falling back to the IEEE 488.2 common commands and SYSTem:ERRor),
// joins query replies with ';' into one response, and keeps the error queue and status registers.
// Instrument errors never escape: a ScpiError becomes a queued error, anything else -300.
import { CommandTable, ScpiError, ScpiErrorCode, formatNR1, parseNumeric, parseProgramMessage } from '../../drivers/scpi/index.ts';
import type { HandlerArgs, ProgramCommand, Reply } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import type { Framing, SimInstrument } from '../sim-instrument.ts';
import { DEFAULT_ERROR_QUEUE_CAPACITY, ErrorQueue } from './error-queue.ts';
import { EsrBit, StatusRegisters, esrBitForError } from './status.ts';

/** SCPI over a raw socket: LF in, LF out. */
export const SCPI_FRAMING: Framing = { inputTerminator: '\n', outputTerminator: '\n' };

/** Bench time one exchange costs (parsing and answering), in-process or over a LAN socket. */
export const DEFAULT_COMMAND_LATENCY_S = 0.2e-3;

export interface ScpiInstrumentOptions {
  role: string;
  /** `*IDN?` reply: `Manufacturer,Model,Serial,Firmware`. */
  identity: string;
  clock: BenchClock;
  commandLatency_s?: number;
  errorQueueCapacity?: number;
  framing?: Framing;
}

export abstract class ScpiInstrument implements SimInstrument {
  readonly role: string;
  readonly identity: string;
  readonly framing: Framing;
  readonly clock: BenchClock;
  /** Zero once a timing profile's link charges the exchange instead (sim/timing). */
  commandLatency_s: number;
  protected readonly errors: ErrorQueue;
  protected readonly status = new StatusRegisters();
  /** Bench time at which *OPC was last armed; the OPC event bit is set once no operation is pending past it. */
  private opcArmedUntil_s: number | null = null;
  /** Messages run one at a time, as on a real instrument's parser. */
  private queue: Promise<unknown> = Promise.resolve();

  /** The instrument's own command set (see useCommands); the common commands and SYST:ERR are the base's. */
  private own: ((cmd: ProgramCommand) => Reply | Promise<Reply>) | null = null;

  protected constructor(opts: ScpiInstrumentOptions) {
    this.role = opts.role;
    this.identity = opts.identity;
    this.clock = opts.clock;
    this.framing = opts.framing ?? SCPI_FRAMING;
    this.commandLatency_s = opts.commandLatency_s ?? DEFAULT_COMMAND_LATENCY_S;
    this.errors = new ErrorQueue(opts.errorQueueCapacity ?? DEFAULT_ERROR_QUEUE_CAPACITY);
  }

  /**
   * Installs the instrument's own commands; call it from the subclass constructor, usually as
   * `this.useCommands(TABLE, this)` with a module-level `CommandTable<MyInstrument>` whose handlers
   * receive `ctx`. Headers found in neither this table nor the common ones give -113.
   */
  protected useCommands<S>(table: CommandTable<S>, ctx: S): void {
    this.own = (cmd) => ScpiInstrument.dispatchIn(table, ctx, cmd);
  }

  /**
   * Bench time at which every operation started so far (sweep, log, gate, move) is complete;
   * *OPC?, *OPC and *WAI wait for it. Instruments with background operations override this.
   */
  protected pendingUntil_s(): number {
    return this.clock.now_s();
  }

  /**
   * `*OPC?` as 488.2 defines it: the reply is held back until every pending operation is done. An
   * instrument that answers at once with 0 while busy (the Santec TSL) overrides this.
   */
  protected async operationCompleteQuery(): Promise<string> {
    await this.clock.advanceTo(this.pendingUntil_s());
    return '1';
  }

  /** *RST hook: return to the instrument's reset state (the error queue and status registers are kept, per 488.2). */
  protected reset(): void {}

  /** Queues an error as the instrument would (also used for fault injection); sets the matching ESR bit. */
  pushError(code: number, detail?: string): void {
    this.queueError(new ScpiError(code, detail));
  }

  /** SCPI -363 "Input buffer overrun": a message outgrew the input buffer and was discarded. */
  reportInputOverrun(discarded_bytes: number): void {
    this.pushError(ScpiErrorCode.InputBufferOverrun, `${discarded_bytes} bytes without a terminator discarded`);
  }

  /** Error codes currently queued, oldest first, without consuming them (verification only). */
  queuedErrorCodes(): number[] {
    return this.errors.codes();
  }

  execute(message: string): Promise<Uint8Array | undefined> {
    const run = this.queue.then(() => this.run(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(message: string): Promise<Uint8Array | undefined> {
    if (this.commandLatency_s > 0) await this.clock.advance(this.commandLatency_s);
    let commands: ProgramCommand[];
    try {
      commands = parseProgramMessage(message);
    } catch (e) {
      this.queueThrown(e);
      return undefined;
    }
    const replies: Exclude<Reply, undefined>[] = [];
    for (const cmd of commands) {
      try {
        const reply = await this.dispatch(cmd);
        if (cmd.query && reply !== undefined) replies.push(reply);
      } catch (e) {
        this.queueThrown(e);
        // A command error (-1xx) leaves the parser unsure of the rest of the message: discard it, as
        // 488.2 parsers do. Execution errors affect only their own command.
        if (e instanceof ScpiError && e.code <= -100 && e.code > -200) break;
      }
    }
    if (replies.length === 0) return undefined;
    return joinReplies(replies, this.framing.outputTerminator);
  }

  private async dispatch(cmd: ProgramCommand): Promise<Reply> {
    if (cmd.common || !this.own) return ScpiInstrument.dispatchIn(ScpiInstrument.COMMON, this, cmd);
    try {
      return await this.own(cmd);
    } catch (e) {
      if (!(e instanceof ScpiError) || e.code !== ScpiErrorCode.UndefinedHeader) throw e;
      try {
        return await ScpiInstrument.dispatchIn(ScpiInstrument.COMMON, this, cmd);
      } catch (e2) {
        if (e2 instanceof ScpiError && e2.code === ScpiErrorCode.UndefinedHeader) throw e;
        throw e2;
      }
    }
  }

  private static dispatchIn<C>(table: CommandTable<C>, ctx: C, cmd: ProgramCommand): Reply | Promise<Reply> {
    const { handler, match } = table.lookup(cmd);
    return handler(ctx, { match, cmd, params: cmd.params });
  }

  private queueThrown(e: unknown): void {
    if (e instanceof ScpiError) this.queueError(e);
    else this.queueError(new ScpiError(ScpiErrorCode.DeviceSpecificError, e instanceof Error ? e.message : String(e)));
  }

  private queueError(error: ScpiError): void {
    const queued = this.errors.push(error);
    this.status.setEvent(esrBitForError(queued?.code ?? error.code));
  }

  private armOpcIfDone(): void {
    if (this.opcArmedUntil_s !== null && this.clock.now_s() >= this.opcArmedUntil_s) {
      this.status.setEvent(EsrBit.OperationComplete);
      this.opcArmedUntil_s = null;
    }
  }

  /** IEEE 488.2 common commands and the SCPI-mandated SYSTem:ERRor subsystem. */
  private static readonly COMMON: CommandTable<ScpiInstrument> = new CommandTable<ScpiInstrument>()
    .add('*IDN?', (s) => s.identity)
    .add('*RST', (s) => {
      s.opcArmedUntil_s = null;
      s.reset();
      return undefined;
    })
    .add('*CLS', (s) => {
      s.errors.clear();
      s.status.clearEvents();
      s.opcArmedUntil_s = null;
      return undefined;
    })
    .add('*OPC', (s) => {
      s.opcArmedUntil_s = s.pendingUntil_s();
      s.armOpcIfDone();
      return undefined;
    })
    .add('*OPC?', (s) => s.operationCompleteQuery())
    .add('*WAI', async (s) => {
      await s.clock.advanceTo(s.pendingUntil_s());
      return undefined;
    })
    .add('*ESR?', (s) => {
      s.armOpcIfDone();
      return formatNR1(s.status.readEsr());
    })
    .add('*ESE', (s, a) => {
      s.status.ese = parseRegisterValue(a);
      return undefined;
    })
    .add('*ESE?', (s) => formatNR1(s.status.ese))
    .add('*SRE', (s, a) => {
      s.status.sre = parseRegisterValue(a);
      return undefined;
    })
    .add('*SRE?', (s) => formatNR1(s.status.sre))
    .add('*STB?', (s) => {
      s.armOpcIfDone();
      return formatNR1(s.status.statusByte(s.errors.count > 0));
    })
    .add('*TST?', () => '0')
    .add('SYSTem:ERRor[:NEXT]?', (s) => s.errors.next())
    .add('SYSTem:ERRor:ALL?', (s) => s.errors.drainAll())
    .add('SYSTem:ERRor:COUNt?', (s) => formatNR1(s.errors.count));
}

function parseRegisterValue(a: HandlerArgs): number {
  if (a.params.length > 1) throw new ScpiError(ScpiErrorCode.ParameterNotAllowed, `${a.cmd.header} takes one value 0-255`);
  return parseNumeric(a.params[0], { min: 0, max: 255, integer: true });
}

/** One response line: replies separated by ';' (binary blocks kept byte for byte), then the terminator. */
function joinReplies(replies: readonly (string | Uint8Array)[], terminator: string): Uint8Array {
  if (replies.every((r) => typeof r === 'string')) return Buffer.from(replies.join(';') + terminator, 'latin1');
  const parts: Uint8Array[] = [];
  replies.forEach((r, i) => {
    if (i > 0) parts.push(Buffer.from(';', 'latin1'));
    parts.push(typeof r === 'string' ? Buffer.from(r, 'latin1') : r);
  });
  parts.push(Buffer.from(terminator, 'latin1'));
  return Buffer.concat(parts);
}
