// Who is logged in to a browser-mode server. A login code (the URL `benchctl serve` prints) works once: it
// is exchanged for a session whose id travels only in an HttpOnly, SameSite=Strict cookie, so the URL left
// in history or a log opens nothing. A named token (benchctl token) can be exchanged for a session too;
// revoking the token ends its sessions.
import { randomBytes } from 'node:crypto';
import { tokenMatches } from '../web/guard.ts';
import type { Role } from './roles.ts';

export interface Principal {
  /** The token's name, or 'launch' for whoever holds the code serve printed. */
  name: string;
  role: Role;
  /** The named token it came from (null: the launch code or the in-memory launch token). */
  tokenId: string | null;
}

export interface Session extends Principal {
  id: string;
}

export class SessionTable {
  private readonly codes = new Map<string, Principal>();
  private readonly used = new Set<string>();
  private readonly sessions = new Map<string, Session>();

  /** A fresh one-time login code for `who`. */
  newCode(who: Principal): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, who);
    return code;
  }

  /** Exchanges a code for a session; 'used' for a code already exchanged, null for an unknown one. */
  redeem(code: string | null): Session | 'used' | null {
    if (!code) return null;
    for (const [known, who] of this.codes) {
      if (!tokenMatches(known, code)) continue;
      this.codes.delete(known);
      this.used.add(known);
      return this.open(who);
    }
    for (const u of this.used) if (tokenMatches(u, code)) return 'used';
    return null;
  }

  open(who: Principal): Session {
    const s: Session = { ...who, id: randomBytes(24).toString('base64url') };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string | null | undefined): Session | null {
    return id ? this.sessions.get(id) ?? null : null;
  }

  /** Ends every session of a named token (it was revoked). */
  endTokenSessions(isLive: (tokenId: string) => boolean): void {
    for (const [id, s] of this.sessions) if (s.tokenId !== null && !isLive(s.tokenId)) this.sessions.delete(id);
  }
}

/** The cookie's name: per port, since cookies do not tell ports apart and two servers may share a host. */
export function sessionCookieName(port: number): string {
  return `benchctl_session_${port}`;
}

export function sessionCookie(port: number, id: string, secure: boolean): string {
  return `${sessionCookieName(port)}=${id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The value of one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
