// The login side of the HTTP server: GET /login?code=… exchanges the one-time code serve printed for a
// session cookie (a used code is refused and says so); GET /login shows a form for a named token; POST
// /login exchanges a token for a session cookie. Codes and tokens never stay in the address bar: each
// answer redirects to / once the cookie is set.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal, Session, SessionTable } from '../access/sessions.ts';
import { sessionCookie } from '../access/sessions.ts';
import { originAllowed, type ServerIdentity } from './guard.ts';
import { securityHeaders } from './static-files.ts';

export const LOGIN_PATH = '/login';
const MAX_FORM_BYTES = 4096;

export interface LoginContext {
  identity: ServerIdentity;
  sessions: SessionTable;
  /** The principal a presented token stands for, or null. */
  verifyToken(token: string): Promise<Principal | null>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, message: string | null): string {
  return `<!doctype html><meta charset="utf-8"><title>benchctl — ${esc(title)}</title>
<body style="font-family:sans-serif;max-width:34em;margin:3em auto">
<h1>${esc(title)}</h1>${message ? `<p role="alert" data-testid="login-message">${esc(message)}</p>` : ''}
<form method="post" action="${LOGIN_PATH}">
<label>Access token <input name="token" type="password" autocomplete="off" size="60" data-testid="login-token" autofocus></label>
<p><button type="submit" data-testid="login-submit">Log in</button></p></form>
<p>Ask the bench's operator for a token (<code>benchctl token add --role viewer --name YOU</code>), or open the one-time URL <code>benchctl serve</code> printed.</p></body>`;
}

function html(res: ServerResponse, id: ServerIdentity, status: number, body: string, head = false): void {
  // With no-referrer a browser posts the form with `Origin: null`, which the login-CSRF check must refuse;
  // same-origin keeps the Origin (and sends nothing to other sites).
  res.writeHead(status, { ...securityHeaders(id, "'self'"), 'Referrer-Policy': 'same-origin', 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
    .end(head ? undefined : body);
}

function loggedIn(res: ServerResponse, ctx: LoginContext, s: Session): void {
  res.writeHead(303, { ...securityHeaders(ctx.identity), 'Set-Cookie': sessionCookie(ctx.identity.port, s.id, ctx.identity.tls), Location: '/', 'Cache-Control': 'no-store' }).end();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Answers a request for /login; the caller routes only that path here. */
export async function handleLogin(req: IncomingMessage, res: ServerResponse, ctx: LoginContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' || req.method === 'HEAD') {
    const code = url.searchParams.get('code');
    if (code === null) return html(res, ctx.identity, 200, page('Log in', null), req.method === 'HEAD');
    const s = ctx.sessions.redeem(code);
    if (s === 'used') return html(res, ctx.identity, 401, page('Login code already used', 'This login code has been used already: each works once. Log in with a token, or restart benchctl serve for a new URL.'));
    if (s === null) return html(res, ctx.identity, 401, page('Unknown login code', 'This login code is not one this server issued (it changes at every start).'));
    return loggedIn(res, ctx, s);
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { ...securityHeaders(ctx.identity), Allow: 'GET, HEAD, POST', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  // A form posted from another site's page must not log its visitor in (login CSRF).
  if (!originAllowed(req.headers.origin, ctx.identity)) return html(res, ctx.identity, 403, page('Log in', 'refused: the form was posted from another origin'));
  const form = await readForm(req);
  const token = form?.get('token')?.trim() ?? '';
  if (form === null) return html(res, ctx.identity, 413, page('Log in', `the form is larger than ${MAX_FORM_BYTES} bytes`));
  if (token === '') return html(res, ctx.identity, 400, page('Log in', 'token: missing; paste the token benchctl token add printed'));
  const who = await ctx.verifyToken(token);
  if (!who) return html(res, ctx.identity, 401, page('Log in', 'this token is not valid here (mistyped, revoked, or from another bench)'));
  return loggedIn(res, ctx, ctx.sessions.open(who));
}
