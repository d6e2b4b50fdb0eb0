// Our pages come from app://bench/ (a custom, standard, secure scheme) instead of file://: one origin to
// check IPC senders and navigation against, no access to the rest of the disk, and real response headers,
// so the CSP is a header and not only a <meta>. Files are read from the built UI folder only.
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Protocol } from 'electron';
import { contentTypeOf, resolveInside } from '../service/web/static-files.ts';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.ts';

/** Must run before app 'ready'. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

const HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/** One request of the app scheme: a file of `uiDir`, index.html for app routes, 404 for the rest. */
export async function appResponse(uiDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== APP_HOST) return new Response('not found', { status: 404, headers: HEADERS });
  let file = resolveInside(uiDir, url.pathname);
  if (file === null) return new Response('bad path', { status: 400, headers: HEADERS });
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    if (extname(url.pathname) !== '') return new Response('not found', { status: 404, headers: HEADERS });
    file = join(uiDir, 'index.html');
    try {
      body = await readFile(file);
    } catch {
      return new Response(`the UI is not built: ${file} is missing (npm run build:renderer)`, { status: 503, headers: HEADERS });
    }
  }
  return new Response(new Uint8Array(body), { status: 200, headers: { ...HEADERS, 'Content-Type': contentTypeOf(file) } });
}

/** After 'ready': serve the app scheme from `uiDir`. */
export function handleAppScheme(protocol: Protocol, uiDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(uiDir, request.url));
}
