// Who may talk to the browser-mode server: a Host header naming one of our own names (a DNS-rebinding page
// has another Host), and for WebSockets an Origin that is ours (a page on another site cannot open the
// bridge even if it guessed the port). Who the caller is (login code, session, token) is service/access/.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** 192 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so a secret cannot be found a character at a time by timing replies. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The names and port a server answers as, and whether it speaks TLS. */
export interface ServerIdentity {
  /** Host names and addresses (IPv6 without brackets), e.g. 127.0.0.1, localhost, bench3.lab. */
  names: readonly string[];
  port: number;
  tls: boolean;
}

export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'] as const;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `name:port` as a Host header or URL carries it (IPv6 in brackets). */
export function hostPort(name: string, port: number): string {
  return `${isIP(name) === 6 ? `[${name}]` : name}:${port}`;
}

export function identity(port: number, names: readonly string[] = LOOPBACK_NAMES, tls = false): ServerIdentity {
  return { names, port, tls };
}

/** The origins the server answers as, e.g. http://127.0.0.1:PORT and http://localhost:PORT. */
export function ownOrigins(id: ServerIdentity): string[] {
  return id.names.map((n) => `${id.tls ? 'https' : 'http'}://${hostPort(n, id.port)}`);
}

export function hostAllowed(host: string | undefined, id: ServerIdentity): boolean {
  if (!host) return false;
  return id.names.some((n) => host.toLowerCase() === hostPort(n, id.port).toLowerCase());
}

/**
 * A browser always sends Origin on a WebSocket handshake, so a wrong one is refused; no Origin at all means a
 * non-browser client (a script, a test), which still needs its credentials.
 */
export function originAllowed(origin: string | undefined, id: ServerIdentity, extra: readonly string[] = []): boolean {
  if (origin === undefined) return true;
  return ownOrigins(id).includes(origin.toLowerCase()) || extra.includes(origin);
}
