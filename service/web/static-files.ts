// The built UI (Vite's output) over HTTP: GET/HEAD only, nothing outside the folder, unknown routes fall
// back to index.html, and every response carries the security headers (CSP, nosniff, no framing).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { isInsideRoots } from '../../sequences/plan/path-roots.ts';
import { hostPort, type ServerIdentity } from './guard.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export function contentSecurityPolicy(id: ServerIdentity, formAction = "'none'"): string {
  const ws = id.names.map((n) => `${id.tls ? 'wss' : 'ws'}://${hostPort(n, id.port)}`).join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    // uPlot and Vue set styles through the CSSOM; inline style attributes stay allowed for them.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** `formAction`: the login page posts its form to us ('self'); the app posts none. */
export function securityHeaders(id: ServerIdentity, formAction?: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(id, formAction),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/**
 * Where a URL path points inside `root`, or null for anything that tries to leave it: `..`, a NUL, a dot
 * file or folder (.git, .env), or a symbolic link whose target is outside the folder (a link in a build
 * folder would otherwise serve any file of the machine).
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const parts = decoded.split(/[\\/]/);
  if (decoded.includes('\0') || parts.includes('..') || parts.some((p) => p.startsWith('.') && p !== '.')) return null;
  const full = resolve(root, '.' + normalize('/' + decoded));
  const base = resolve(root);
  if (full !== base && !full.startsWith(base + sep)) return null;
  return isInsideRoots(full, [base]) ? full : null;
}

const NOT_BUILT = (hint: string) => `<!doctype html><meta charset="utf-8"><title>benchctl</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>The UI is not built</h1><p>The bench service is running and its bridge is up, but there is no built UI to show.</p>
<p>${hint}</p></body>`;

export interface StaticOptions {
  root: string | null;
  identity: ServerIdentity;
  /** Shown when the UI is not built: how to build it. */
  notBuiltHint: string;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, opts: StaticOptions): Promise<void> {
  const headers = securityHeaders(opts.identity);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed: the UI server answers GET and HEAD only\n');
    return;
  }
  const urlPath = new URL(req.url ?? '/', 'http://x').pathname;
  const index = opts.root ? join(opts.root, 'index.html') : null;
  if (!opts.root || !index || !(await isFile(index))) {
    res.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : NOT_BUILT(opts.notBuiltHint));
    return;
  }
  let file = resolveInside(opts.root, urlPath);
  if (file === null) {
    res.writeHead(400, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('bad path\n');
    return;
  }
  if (!(await isFile(file))) {
    // Routes of the single-page app (no extension) get the app; a missing asset is a 404.
    if (extname(urlPath) !== '') {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    file = index;
  }
  const type = contentTypeOf(file);
  const cache = file === index ? 'no-store' : 'no-cache';
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': cache });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}
