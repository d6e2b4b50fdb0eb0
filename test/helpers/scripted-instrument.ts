// A small SCPI instrument whose answers tests script: reply normally, late, never, with garbage, with a
// block or a truncated one, or by dropping the connection mid-query. It keeps a real error queue and
// answers the IEEE 488.2 basics, so a session talks to it as to a bench instrument.
import { ScpiError, ScpiErrorCode, encodeDefiniteBlock, formatString, parseProgramMessage } from '../../drivers/scpi/index.ts';
import type { ProgramCommand } from '../../drivers/scpi/index.ts';

/** What the instrument does with one program message. */
export interface AnswerSpec {
  /** Reply body; the output terminator is appended unless `terminate` is false. */
  reply?: string | Uint8Array;
  terminate?: boolean;
  /** Wait this long before replying (the instrument keeps processing in order, like a real one). */
  delay_ms?: number;
  /** After sending: end the connection (FIN), reset it (RST), or nothing. */
  then?: 'close' | 'reset';
}

export type Answer = string | Uint8Array | AnswerSpec | undefined;
export type Rule = (cmd: ProgramCommand, instrument: ScriptedInstrument) => Answer;

export const answer = {
  late: (reply: string, delay_ms: number): AnswerSpec => ({ reply, delay_ms }),
  never: (): AnswerSpec => ({}),
  raw: (reply: string | Uint8Array): AnswerSpec => ({ reply, terminate: false }),
  closeMidQuery: (partial = ''): AnswerSpec => ({ reply: partial, terminate: false, then: 'close' }),
  resetMidQuery: (partial = ''): AnswerSpec => ({ reply: partial, terminate: false, then: 'reset' }),
  block: (payload: Uint8Array): AnswerSpec => ({ reply: encodeDefiniteBlock(payload) }),
  indefiniteBlock: (payload: Uint8Array): AnswerSpec => ({ reply: concat(Buffer.from('#0'), payload) }),
  /** The header and the first `sent` payload bytes of a definite block; then close the link or go silent. */
  truncatedBlock: (payload: Uint8Array, sent: number, then?: 'close'): AnswerSpec => {
    const whole = encodeDefiniteBlock(payload);
    const header = whole.length - payload.length;
    return { reply: whole.subarray(0, header + sent), terminate: false, ...(then ? { then } : {}) };
  },
};

export interface QueuedError {
  code: number;
  message: string;
}

const QUEUE_CAPACITY = 30;

export class ScriptedInstrument {
  identity = 'Bench Test Instruments,TI-1,0001,1.0';
  /** Every program message received, in order, terminator stripped. */
  readonly received: string[] = [];
  private readonly rules = new Map<string, Rule>();
  private readonly errors: QueuedError[] = [];

  constructor() {
    this.on('*IDN?', () => this.identity);
    this.on('*OPC?', () => '1');
    this.on('*CLS', () => {
      this.errors.length = 0;
      return undefined;
    });
    this.on('*RST', () => undefined);
    const nextError: Rule = () => {
      const e = this.errors.shift();
      return e ? `${e.code},${formatString(e.message)}` : '0,"No error"';
    };
    for (const h of ['SYST:ERR?', 'SYSTEM:ERROR?', 'SYST:ERR:NEXT?', 'SYSTEM:ERROR:NEXT?']) this.on(h, nextError);
  }

  /** Scripts the answer to a header written as sent ('MEAS:POW?', '*IDN?'), case-insensitive. */
  on(header: string, rule: Rule | Answer): this {
    this.rules.set(normalise(header), typeof rule === 'function' ? rule : () => rule);
    return this;
  }

  /** Scripts an answer for the next `times` messages with this header only, then the previous rule again. */
  once(header: string, answerOnce: Answer, times = 1): this {
    const key = normalise(header);
    const before = this.rules.get(key);
    let left = times;
    this.rules.set(key, () => {
      if (--left <= 0) {
        if (before) this.rules.set(key, before);
        else this.rules.delete(key);
      }
      return answerOnce;
    });
    return this;
  }

  pushError(code: number, message: string): this {
    if (this.errors.length >= QUEUE_CAPACITY) this.errors[QUEUE_CAPACITY - 1] = { code: -350, message: 'Queue overflow' };
    else this.errors.push({ code, message });
    return this;
  }

  get queuedErrors(): readonly QueuedError[] {
    return this.errors;
  }

  /** Executes one program message (terminator stripped). Undefined headers queue -113, as on a real box. */
  handle(message: string): AnswerSpec {
    this.received.push(message);
    let commands: ProgramCommand[];
    try {
      commands = parseProgramMessage(message);
    } catch (err) {
      this.queueScpiError(err);
      return {};
    }
    if (commands.length === 1) return this.run(commands[0] as ProgramCommand);
    const replies: (string | Uint8Array)[] = [];
    const out: AnswerSpec = {};
    for (const cmd of commands) {
      const a = this.run(cmd);
      if (a.reply !== undefined) replies.push(a.reply);
      if (a.delay_ms) out.delay_ms = (out.delay_ms ?? 0) + a.delay_ms;
      if (a.then) out.then = a.then;
      if (a.terminate === false) out.terminate = false;
    }
    if (replies.length > 0) {
      out.reply = replies.every((r) => typeof r === 'string') ? replies.join(';') : concat(...replies.map(toBytes));
    }
    return out;
  }

  private run(cmd: ProgramCommand): AnswerSpec {
    const rule = this.rules.get(cmd.header.toUpperCase() + (cmd.query ? '?' : ''));
    if (!rule) {
      this.pushError(ScpiErrorCode.UndefinedHeader, `Undefined header;${cmd.text}`);
      return {};
    }
    try {
      const a = rule(cmd, this);
      return a === undefined ? {} : typeof a === 'string' || a instanceof Uint8Array ? { reply: a } : a;
    } catch (err) {
      this.queueScpiError(err);
      return {};
    }
  }

  private queueScpiError(err: unknown): void {
    if (!(err instanceof ScpiError)) throw err;
    const entry = err.toQueueEntry();
    const comma = entry.indexOf(',');
    this.pushError(err.code, entry.slice(comma + 2, -1).replace(/""/g, '"'));
  }
}

function normalise(header: string): string {
  return header.replace(/^:/, '').toUpperCase();
}

function toBytes(x: string | Uint8Array): Uint8Array {
  return typeof x === 'string' ? Buffer.from(x, 'latin1') : x;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
