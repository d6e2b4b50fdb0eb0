// One call from outside the process (IPC, WebSocket) into the service: the channel checked against the
// map, the payload against its schema, the reply or the error turned into a plain envelope. Both bridges
// use this, so a payload refused over IPC is refused the same way over the WebSocket.
import type { BenchApi, BenchChannel } from './bench-api.ts';
import { checkChannel, parseRequest } from './bench-schemas.ts';
import { errorInfo, type ErrorInfo } from './errors.ts';

export type CallEnvelope = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

/** Validates and runs one call; never throws. */
export async function dispatchCall(api: BenchApi, channel: unknown, arg: unknown): Promise<CallEnvelope> {
  try {
    const name: BenchChannel = checkChannel(channel);
    const req = parseRequest(name, arg);
    const fn = api[name] as (req: unknown) => Promise<unknown>;
    const value = await fn.call(api, req);
    return { ok: true, value: value ?? null };
  } catch (err) {
    return { ok: false, error: errorInfo(err) };
  }
}
