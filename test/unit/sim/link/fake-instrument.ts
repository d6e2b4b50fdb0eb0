// A small fake SimInstrument for the link tests: a line-oriented toy dialect that records what it executed,
// how many messages ran at once, and keeps an error queue, so the links are tested without the real bench.
import type { Framing, SimInstrument } from '../../../../sim/sim-instrument.ts';

export class FakeInstrument implements SimInstrument {
  readonly executed: string[] = [];
  readonly errors: string[] = [];
  running = 0;
  maxRunning = 0;

  constructor(
    readonly role: string,
    readonly identity = `FAKE,${role},0,1`,
    readonly framing: Framing = { inputTerminator: '\n', outputTerminator: '\n' },
  ) {}

  pushError(code: number, detail?: string): void {
    this.errors.push(detail === undefined ? `${code}` : `${code},${detail}`);
  }

  reportInputOverrun(discarded_bytes: number): void {
    this.pushError(-363, `${discarded_bytes} bytes without a terminator discarded`);
  }

  async execute(message: string): Promise<Uint8Array | undefined> {
    this.executed.push(message);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.dispatch(message);
    } finally {
      this.running--;
    }
  }

  private async dispatch(message: string): Promise<Uint8Array | undefined> {
    const space = message.indexOf(' ');
    const head = space < 0 ? message : message.slice(0, space);
    const arg = space < 0 ? '' : message.slice(space + 1);
    switch (head) {
      case '*IDN?':
        return this.reply(this.identity);
      case 'ECHO?':
        return this.reply(arg);
      case 'LEN?':
        return this.reply(String(Buffer.byteLength(arg, 'latin1')));
      case 'SLOW?':
        await new Promise((r) => setTimeout(r, Number(arg)));
        return this.reply(`slow ${arg}`);
      case 'SET':
        return undefined;
      case 'ERR?':
        return this.reply(this.errors.shift() ?? '0');
      case 'THROW':
        throw new Error('fake instrument bug');
      default:
        this.pushError(-113, head);
        return undefined;
    }
  }

  private reply(text: string): Uint8Array {
    return Buffer.from(text + this.framing.outputTerminator, 'latin1');
  }
}
