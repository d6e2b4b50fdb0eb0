// Who a request to the browser-mode server comes from: a session cookie (after a login), or an
// `Authorization: Bearer` header (scripts and tests) holding the launch token or a named token. Never a
// query string: a secret in a URL stays in histories and logs.
import type { IncomingMessage } from 'node:http';
import type { Principal, SessionTable } from '../access/sessions.ts';
import { readCookie, sessionCookieName } from '../access/sessions.ts';
import type { TokenStore } from '../access/token-store.ts';
import { tokenMatches } from './guard.ts';

export interface Caller extends Principal {
  /** Whose caps it counts against: the session, the named token, or the launch token. */
  client: string;
}

export interface AuthSources {
  port: number;
  sessions: SessionTable;
  /** The launch token (an operator), for clients that send it as a Bearer header. */
  launchToken: string;
  tokens: TokenStore | null;
}

export const LAUNCH: Principal = { name: 'launch', role: 'operator', tokenId: null };

export async function verifyToken(src: AuthSources, token: string): Promise<Principal | null> {
  if (tokenMatches(src.launchToken, token)) return LAUNCH;
  const t = await src.tokens?.verify(token);
  return t ? { name: t.name, role: t.role, tokenId: t.id } : null;
}

export async function authenticate(req: IncomingMessage, src: AuthSources): Promise<Caller | null> {
  const session = src.sessions.get(readCookie(req.headers.cookie, sessionCookieName(src.port)));
  if (session) {
    if (session.tokenId !== null && !isLive(src, session.tokenId)) return null;
    return { name: session.name, role: session.role, tokenId: session.tokenId, client: `session:${session.id}` };
  }
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  if (!m) return null;
  const who = await verifyToken(src, m[1] as string);
  if (!who) return null;
  return { ...who, client: who.tokenId === null ? 'launch-token' : `token:${who.tokenId}` };
}

/** Whether a named token is still in the file; an unreadable file counts as revoked (fail closed). */
export function isLive(src: AuthSources, tokenId: string): boolean {
  try {
    return src.tokens?.isLive(tokenId) ?? false;
  } catch {
    return false;
  }
}
