// Who may talk to the browser-mode server: a per-launch token (the printed URL carries it), a Host header
// naming our own loopback origin (a DNS-rebinding page has another Host), and for WebSockets an Origin
// that is ours (a page on another site cannot open the bridge even if it guessed the port).
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 192 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so the token cannot be found a character at a time by timing replies. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The origins the server answers as: http://127.0.0.1:PORT and http://localhost:PORT. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * A browser always sends Origin on a WebSocket handshake, so a wrong one is refused; no Origin at all means a
 * non-browser client (a script, a test), which still needs the token.
 */
export function originAllowed(origin: string | undefined, port: number, extra: readonly string[] = []): boolean {
  if (origin === undefined) return true;
  return ownOrigins(port).includes(origin) || extra.includes(origin);
}
