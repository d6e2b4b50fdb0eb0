// The Electron security checklist as electron/ applies it, against a mocked electron module: webPreferences,
// navigation and new windows refused, webviews refused, permissions denied, the CSP on every app:// reply,
// and a renderer crash reported so the bench can be made safe.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { electron, FakeBrowserWindow, reset } from './electron-mock.ts';

vi.mock('electron', async () => (await import('./electron-mock.ts')).electron);

const { secureWebPreferences, hardenSession, isAppUrl, CONTENT_SECURITY_POLICY, APP_URL } = await import('../../../electron/security.ts');
const { createMainWindow, lockDownContents } = await import('../../../electron/window.ts');
const { appResponse, registerAppScheme } = await import('../../../electron/app-protocol.ts');

beforeEach(() => reset());

describe('the main window', () => {
  it('is created with the checklist webPreferences and our preload', () => {
    createMainWindow('/app/dist/electron/preload.cjs', { onRendererGone: vi.fn(), onClosed: vi.fn() });
    const win = FakeBrowserWindow.instances[0];
    expect(win?.options['webPreferences']).toEqual({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
    expect(secureWebPreferences('p')).not.toHaveProperty('enableBlinkFeatures');
  });

  it('refuses navigation and redirects away from the app, new windows, and webviews', () => {
    createMainWindow('p', { onRendererGone: vi.fn(), onClosed: vi.fn() });
    const contents = FakeBrowserWindow.instances[0]?.webContents;
    if (!contents) throw new Error('no window');
    const navigate = (url: string, event = 'will-navigate') => {
      const e = { preventDefault: vi.fn() };
      contents.emit(event, e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://evil/index.html')).toBe(true);
    expect(navigate('https://example.com/', 'will-redirect')).toBe(true);
    expect(navigate(APP_URL)).toBe(false);
    expect(navigate('app://bench/history')).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: APP_URL })).toEqual({ action: 'deny' });
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('applies the same rules to any other web contents created', () => {
    const contents = new (FakeBrowserWindow)({}).webContents;
    lockDownContents(contents as never);
    expect(contents.windowOpenHandler?.({ url: 'https://x' })).toEqual({ action: 'deny' });
    expect(contents.listenerCount('will-navigate')).toBe(1);
  });

  it('reports a renderer crash (so the bench is made safe) and the window closing', () => {
    const onRendererGone = vi.fn();
    const onClosed = vi.fn();
    createMainWindow('p', { onRendererGone, onClosed });
    const win = FakeBrowserWindow.instances[0];
    win?.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(onRendererGone).toHaveBeenCalledWith('crashed');
    win?.emit('closed');
    expect(onClosed).toHaveBeenCalled();
  });
});

describe('the session and the app scheme', () => {
  it('denies every permission request and check', () => {
    hardenSession(electron.session.defaultSession as never);
    const request = electron.session.defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0] as (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'fullscreen']) {
      const cb = vi.fn();
      request({}, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    const check = electron.session.defaultSession.setPermissionCheckHandler.mock.calls[0]?.[0] as (...a: unknown[]) => boolean;
    expect(check({}, 'serial', 'app://bench', {})).toBe(false);
    const device = electron.session.defaultSession.setDevicePermissionHandler.mock.calls[0]?.[0] as (...a: unknown[]) => boolean;
    expect(device({ deviceType: 'serial' })).toBe(false);
  });

  it('registers app:// as a standard secure scheme', () => {
    registerAppScheme(electron.protocol as never);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('knows its own pages', () => {
    expect(isAppUrl('app://bench/index.html')).toBe(true);
    for (const url of ['app://evil/index.html', 'https://bench/', 'file:///app/index.html', 'not a url', 'http://127.0.0.1/']) expect(isAppUrl(url)).toBe(false);
  });
});

describe('app:// responses', () => {
  const ui = mkdtempSync(join(tmpdir(), 'g1-appui-'));
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(ui, 'main.js'), 'void 0');
  afterAll(() => rmSync(ui, { recursive: true, force: true }));

  it('sends a strict CSP with every file, and index.html for app routes', async () => {
    const r = await appResponse(ui, 'app://bench/main.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
    expect(await (await appResponse(ui, 'app://bench/')).text()).toContain('<title>ui</title>');
    expect(await (await appResponse(ui, 'app://bench/runs/abc')).text()).toContain('<title>ui</title>');
  });

  it('keeps to the UI folder and to its own host', async () => {
    expect((await appResponse(ui, 'app://bench/missing.js')).status).toBe(404);
    expect((await appResponse(ui, 'app://bench/..%2f..%2fetc%2fpasswd')).status).toBe(400);
    expect((await appResponse(ui, 'app://other/index.html')).status).toBe(404);
  });

  it('refuses a symbolic link out of the UI folder, and dot files', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'i14-outside-'));
    try {
      writeFileSync(join(outside, 'secret.txt'), 'secret');
      symlinkSync(join(outside, 'secret.txt'), join(ui, 'leak.txt'));
      symlinkSync(outside, join(ui, 'outdir'));
      writeFileSync(join(ui, '.env'), 'TOKEN=x');
      for (const path of ['leak.txt', 'outdir/secret.txt', '.env']) {
        const r = await appResponse(ui, `app://bench/${path}`);
        expect(r.status, path).toBe(400);
        expect(await r.text()).not.toContain('secret');
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
