// Logging in to a browser-mode server as a browser does, without one: the one-time login URL (or a token
// posted to /login) exchanged for the session cookie, then a WebSocket carrying that cookie and our Origin.
// Over TLS the server's self-signed certificate is trusted by passing it as the CA.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import WebSocket from 'ws';
import type { SocketLike } from '../../renderer/bridge/bridge-client.ts';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpCall(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {}): Promise<HttpReply> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(u, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, ...(opts.ca ? { ca: opts.ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The `name=value` of the Set-Cookie header, or null. */
export function cookieOf(reply: HttpReply): string | null {
  const set = reply.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  return first ? (first.split(';')[0] ?? null) : null;
}

/** Follows a one-time login URL; the session cookie, or throws with the reply. */
export async function loginWithCode(url: string, ca?: string): Promise<string> {
  const r = await httpCall(url, { ...(ca ? { ca } : {}) });
  const cookie = cookieOf(r);
  if (r.status !== 303 || !cookie) throw new Error(`login with ${url} failed: ${r.status} ${r.body}`);
  return cookie;
}

/** Posts a token to /login as the login form does; the session cookie, or throws with the reply. */
export async function loginWithToken(origin: string, token: string, ca?: string): Promise<string> {
  const r = await httpCall(`${origin}/login`, {
    method: 'POST', body: new URLSearchParams({ token }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin }, ...(ca ? { ca } : {}),
  });
  const cookie = cookieOf(r);
  if (r.status !== 303 || !cookie) throw new Error(`login with a token at ${origin} failed: ${r.status} ${r.body}`);
  return cookie;
}

/** A socket factory for BridgeClient that sends the cookie and Origin a browser would. */
export function cookieSocket(cookie: string, origin: string, ca?: string): (url: string) => SocketLike {
  return (url) => new WebSocket(url, { headers: { Cookie: cookie, Origin: origin }, ...(ca ? { ca } : {}) }) as unknown as SocketLike;
}
