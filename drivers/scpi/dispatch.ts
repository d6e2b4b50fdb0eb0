// A simulated instrument's command table: header patterns → handlers, looked up per parsed command.
// On the simulator's hot path, so patterns are indexed by the name their first node can have.
import { ScpiError, ScpiErrorCode } from './errors.ts';
import type { ProgramCommand } from './message.ts';
import { compileHeader, matchUpperNodes, nodeKey } from './pattern.ts';
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

// Instruments see the same few headers over and over; remembering their resolution skips the matching.
const CACHE_LIMIT = 512;

export class CommandTable<C> {
  private readonly byKey = new Map<string, Entry<C>[]>();
  private readonly all: Entry<C>[] = [];
  private readonly cache = new Map<string, { entry: Entry<C>; suffixes: number[] }>();

  /** Adds a pattern (see pattern.ts); earlier patterns win when several match. Throws on a bad pattern. */
  add(pattern: string, handler: Handler<C>): this {
    const entry: Entry<C> = { pattern: compileHeader(pattern), handler };
    this.all.push(entry);
    for (const key of entry.pattern.firstKeys) {
      const bucket = this.byKey.get(key);
      if (bucket) bucket.push(entry);
      else this.byKey.set(key, [entry]);
    }
    this.cache.clear();
    return this;
  }

  /** The patterns added, in order (for listing an instrument's command set). */
  get patterns(): string[] {
    return this.all.map((e) => e.pattern.source);
  }

  /** Finds the first matching pattern; throws ScpiError(-113, header) when none matches. */
  lookup(cmd: ProgramCommand): { handler: Handler<C>; match: HeaderMatch } {
    const header = cmd.nodes.join(':');
    const cacheKey = cmd.query ? `${header}?` : header;
    const hit = this.cache.get(cacheKey);
    if (hit) return { handler: hit.entry.handler, match: { suffixes: hit.suffixes.slice(), query: cmd.query } };
    const first = cmd.nodes[0];
    const bucket = first === undefined ? undefined : this.byKey.get(nodeKey(first));
    if (bucket) {
      const upper = cmd.nodes.map((n) => n.toUpperCase());
      // Each bucket is in insertion order, so the first hit is the first matching pattern overall.
      for (const entry of bucket) {
        const match = matchUpperNodes(entry.pattern, upper, cmd.query, cmd.common);
        if (!match) continue;
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(cacheKey, { entry, suffixes: match.suffixes.slice() });
        return { handler: entry.handler, match };
      }
    }
    throw new ScpiError(ScpiErrorCode.UndefinedHeader, cacheKey);
  }
}
