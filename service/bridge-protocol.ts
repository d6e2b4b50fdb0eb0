// The WebSocket bridge's wire format, shared by the server (service/web/) and the browser client
// (renderer/bridge/): JSON text frames; calls carry an id and get exactly one result with it; events are
// pushed to every authenticated client. No Node imports: the browser bundles this file.
import { z } from 'zod';
import type { BenchEventName, BenchEvents } from './bench-api.ts';
import { BENCH_EVENTS } from './bench-api.ts';
import type { ErrorInfo } from './errors.ts';

export const BRIDGE_PROTOCOL = 1;
/** The WebSocket endpoint on the serve origin; the token rides in its query (`/bridge?token=…`). */
export const BRIDGE_PATH = '/bridge';
/** Frames bigger than this are refused (a sequence upload is ≤ 1 MB of text). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Close codes the server uses after the handshake (the handshake itself answers 401/403 over HTTP). */
export const CLOSE = {
  /** The client sent frames that are not the protocol. */
  protocolError: 4400,
  /** The client fell too far behind on events; reconnect and catch up with runEvents. */
  tooSlow: 4008,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;

export interface CallMessage {
  type: 'call';
  id: number;
  channel: string;
  arg?: unknown;
}

export type ResultMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorInfo };

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  channels: string[];
  events: string[];
}

export type EventMessage = { [E in BenchEventName]: { type: 'event'; event: E; payload: BenchEvents[E] } }[BenchEventName];

/** A frame the server could not take as a call (no id to answer to). */
export interface ProtocolErrorMessage {
  type: 'protocol-error';
  error: ErrorInfo;
}

export type ServerMessage = HelloMessage | ResultMessage | EventMessage | ProtocolErrorMessage;

export const callMessageSchema = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().min(1).max(64),
  arg: z.unknown().optional(),
});

const errorInfoSchema = z.object({ name: z.string(), message: z.string() });

/** What the client checks of every frame before trusting it (payloads are the service's own types). */
export const serverMessageSchema = z.union([
  z.object({ type: z.literal('hello'), protocol: z.number(), channels: z.array(z.string()), events: z.array(z.string()) }),
  z.object({ type: z.literal('result'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number(), ok: z.literal(false), error: errorInfoSchema }),
  z.object({ type: z.literal('event'), event: z.enum(BENCH_EVENTS), payload: z.unknown() }),
  z.object({ type: z.literal('protocol-error'), error: errorInfoSchema }),
]);

/** Parses one text frame from the server; null when it is not the protocol. */
export function parseServerMessage(text: string): ServerMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const r = serverMessageSchema.safeParse(raw);
  return r.success ? (r.data as ServerMessage) : null;
}
