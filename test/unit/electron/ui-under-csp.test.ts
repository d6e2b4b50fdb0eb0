// The renderer's real Vite build as the desktop window gets it over app://: every script and stylesheet is
// a file of ours (no inline script, which `script-src 'self'` would block), each is served with its type
// and the CSP header, and nothing in the bundles needs eval (the CSP has no 'unsafe-eval').
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock.ts')).electron);

const { appResponse } = await import('../../../electron/app-protocol.ts');
const { CONTENT_SECURITY_POLICY } = await import('../../../electron/security.ts');
const { ensureUi } = await import('../../../service/web/renderer-build.ts');

let ui: string;
beforeAll(async () => {
  ui = mkdtempSync(join(tmpdir(), 'r4-ui-csp-'));
  const r = await ensureUi(ui, 'always');
  if (r.dir === null) throw new Error(r.note);
}, 120_000);
afterAll(() => rmSync(ui, { recursive: true, force: true }));

describe('the built UI under the desktop CSP', () => {
  it('has no inline script, and every asset it names is served from app://bench with its type and the CSP', async () => {
    const html = readFileSync(join(ui, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+="/);
    const refs = [...html.matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.some((r) => r.endsWith('.css'))).toBe(true);
    for (const ref of refs) {
      const r = await appResponse(ui, new URL(ref, 'app://bench/index.html').href);
      expect(r.status, ref).toBe(200);
      expect(r.headers.get('content-type')).toMatch(ref.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('needs no eval anywhere in its bundles', () => {
    const js = readdirSync(join(ui, 'assets')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(1);
    for (const f of js) {
      const text = readFileSync(join(ui, 'assets', f), 'utf8');
      expect(/\beval\(|new Function\(|\bFunction\(\s*["'`]/.exec(text)?.[0] ?? null, f).toBeNull();
    }
  });
});
