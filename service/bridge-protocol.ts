// The WebSocket bridge's wire format, shared by the server (service/web/) and the browser client
// (renderer/bridge/): JSON text frames; calls carry an id and get exactly one result with it; events are
// pushed to every authenticated client. No Node imports and no zod: the browser bundles this file, and
// zod alone was 90 kB of its bridge client. The server validates every call against its zod schema
// (service/web/call-message.ts, bench-schemas.ts); the client only checks the frames' shape here.
import type { BenchEventName, BenchEvents } from './bench-api.ts';
import { BENCH_EVENTS } from './bench-api.ts';
import type { ErrorInfo } from './errors.ts';

export const BRIDGE_PROTOCOL = 1;
/** The WebSocket endpoint on the serve origin; the caller is its session cookie (or a Bearer header). */
export const BRIDGE_PATH = '/bridge';
/** Frames bigger than this are refused (a sequence upload is ≤ 1 MB of text). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Close codes the server uses after the handshake (the handshake itself answers 401/403 over HTTP). */
export const CLOSE = {
  /** The client sent frames that are not the protocol. */
  protocolError: 4400,
  /** The client fell too far behind on events; reconnect and catch up with runEvents. */
  tooSlow: 4008,
  /** The caller's token was revoked (benchctl token revoke): it must not reconnect with it. */
  revoked: 4401,
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
  /** Who the server took the caller for (browser mode); absent over IPC. */
  who?: { name: string; role: string };
}

export type EventMessage = { [E in BenchEventName]: { type: 'event'; event: E; payload: BenchEvents[E] } }[BenchEventName];

/** A frame the server could not take as a call (no id to answer to). */
export interface ProtocolErrorMessage {
  type: 'protocol-error';
  error: ErrorInfo;
}

export type ServerMessage = HelloMessage | ResultMessage | EventMessage | ProtocolErrorMessage;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isErrorInfo = (v: unknown): v is ErrorInfo => isObject(v) && typeof v['name'] === 'string' && typeof v['message'] === 'string';
const EVENT_NAMES: ReadonlySet<string> = new Set(BENCH_EVENTS);

/** Whether a parsed frame has the shape of a server message (payloads are the service's own types). */
export function isServerMessage(m: unknown): m is ServerMessage {
  if (!isObject(m)) return false;
  switch (m['type']) {
    case 'hello':
      return typeof m['protocol'] === 'number' && isStringArray(m['channels']) && isStringArray(m['events']);
    case 'result':
      if (typeof m['id'] !== 'number') return false;
      if (m['ok'] === true) return 'value' in m;
      return m['ok'] === false && isErrorInfo(m['error']);
    case 'event':
      return typeof m['event'] === 'string' && EVENT_NAMES.has(m['event']) && 'payload' in m;
    case 'protocol-error':
      return isErrorInfo(m['error']);
    default:
      return false;
  }
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Parses one text frame from the server; null when it is not the protocol. */
export function parseServerMessage(text: string): ServerMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  return isServerMessage(raw) ? raw : null;
}
