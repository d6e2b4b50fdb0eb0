// A simulated instrument's command table: header patterns → handlers, looked up per parsed command.
// On the simulator's hot path, so patterns are indexed by the name their first node can have.
import { ScpiError, ScpiErrorCode } from './errors.ts';
import type { ProgramCommand } from './message.ts';
import { compileHeader, matchHeader, nodeKey } from './pattern.ts';
import type { HeaderMatch, HeaderPattern } from './pattern.ts';

export type Reply = string | Uint8Array | undefined;
export interface HandlerArgs {
  match: HeaderMatch;
  cmd: ProgramCommand;
  params: string[];
}
export type Handler<C> = (ctx: C, args: HandlerArgs) => Reply | Promise<Reply>;

interface Entry<C> {
  readonly pattern: HeaderPattern;
  readonly handler: Handler<C>;
}

export class CommandTable<C> {
  private readonly byKey = new Map<string, Entry<C>[]>();
  private readonly all: Entry<C>[] = [];

  /** Adds a pattern (see pattern.ts); earlier patterns win when several match. Throws on a bad pattern. */
  add(pattern: string, handler: Handler<C>): this {
    const entry: Entry<C> = { pattern: compileHeader(pattern), handler };
    this.all.push(entry);
    for (const key of entry.pattern.firstKeys) {
      const bucket = this.byKey.get(key);
      if (bucket) bucket.push(entry);
      else this.byKey.set(key, [entry]);
    }
    return this;
  }

  /** The patterns added, in order (for listing an instrument's command set). */
  get patterns(): string[] {
    return this.all.map((e) => e.pattern.source);
  }

  /** Finds the first matching pattern; throws ScpiError(-113, header) when none matches. */
  lookup(cmd: ProgramCommand): { handler: Handler<C>; match: HeaderMatch } {
    const first = cmd.nodes[0];
    const bucket = first === undefined ? undefined : this.byKey.get(nodeKey(first));
    if (bucket) {
      // Each bucket is in insertion order, so the first hit is the first matching pattern overall.
      for (const entry of bucket) {
        const match = matchHeader(entry.pattern, cmd);
        if (match) return { handler: entry.handler, match };
      }
    }
    throw new ScpiError(ScpiErrorCode.UndefinedHeader, cmd.header + (cmd.query ? '?' : ''));
  }
}
