// The entry point and the launch around the desktop app, against a mocked electron module: an ES-module
// main gets 'ready' only after it has evaluated (the mock holds 'ready' back the same way), so main.ts must
// finish evaluating without waiting for it — a top-level await there hangs the real app without a window.
// Start-up failures are reported and exit 2 with the bench closed; an uncaught error makes the bench safe
// before the app exits.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electron, FakeBrowserWindow, reset } from './electron-mock.ts';

vi.mock('electron', async () => (await import('./electron-mock.ts')).electron);

const { launchDesktopApp } = await import('../../../electron/launch.ts');
const { DESKTOP_OPTIONS_ENV } = await import('../../../electron/desktop-options.ts');
const { BenchService } = await import('../../../service/bench-service.ts');
type Launched = NonNullable<Awaited<ReturnType<typeof launchDesktopApp>>>;

let dir: string;
let launched: Launched | null = null;

beforeEach(() => {
  reset();
  dir = mkdtempSync(join(tmpdir(), 'r4-launch-'));
});

afterEach(async () => {
  launched?.dispose();
  await launched?.service.shutdown();
  launched = null;
  rmSync(dir, { recursive: true, force: true });
});

const paths = () => ({ appDir: dir, preload: join(dir, 'preload.cjs'), uiDir: join(dir, 'ui') });
const env = (options: unknown) => ({ [DESKTOP_OPTIONS_ENV]: JSON.stringify(options) });

describe('electron/main.ts (the entry point)', () => {
  it('finishes evaluating before ready (no top-level await on it), with the pre-ready work done; the window comes after ready', async () => {
    const saved = process.env[DESKTOP_OPTIONS_ENV];
    process.env[DESKTOP_OPTIONS_ENV] = JSON.stringify({ bench: null, runsDir: join(dir, 'runs') });
    electron.app.holdReady();
    try {
      const evaluated = import('../../../electron/main.ts');
      const outcome = await Promise.race([evaluated.then(() => 'evaluated'), new Promise((r) => setTimeout(() => r('hung waiting for ready'), 5000))]);
      expect(outcome).toBe('evaluated');
      expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
      expect(electron.app.enableSandbox).toHaveBeenCalledTimes(1);
      expect(FakeBrowserWindow.instances).toHaveLength(0);

      electron.app.fireReady();
      launched = await (await evaluated).launched;
      expect(launched).not.toBeNull();
      const win = FakeBrowserWindow.instances[0];
      expect(win?.loadURL).toHaveBeenCalledWith('app://bench/index.html');
      // The preload sits beside the bundled main (dist/electron/preload.cjs next to main.mjs).
      const preload = (win?.options['webPreferences'] as { preload: string }).preload;
      expect(preload).toMatch(/preload\.cjs$/);
      expect(dirname(preload)).toBe(join(import.meta.dirname, '..', '..', '..', 'electron'));
    } finally {
      if (saved === undefined) delete process.env[DESKTOP_OPTIONS_ENV];
      else process.env[DESKTOP_OPTIONS_ENV] = saved;
    }
  });
});

describe('launchDesktopApp', () => {
  it('reports malformed options once Electron can show a dialog, and exits 2', async () => {
    const r = await launchDesktopApp({ [DESKTOP_OPTIONS_ENV]: '{"bench":{"kind":"usb"}}' }, paths(), new EventEmitter());
    expect(r).toBeNull();
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('benchctl: cannot start', expect.stringMatching(/BENCHCTL_DESKTOP: bench/));
    expect(electron.app.exit).toHaveBeenCalledWith(2);
  });

  it('a window that cannot load closes the bench it opened (laser off), reports and exits 2', async () => {
    FakeBrowserWindow.failNextLoad = new Error('ERR_FILE_NOT_FOUND (-6) loading app://bench/index.html');
    const shutdown = vi.spyOn(BenchService.prototype, 'shutdown');
    const r = await launchDesktopApp(env({ bench: { kind: 'sim', seed: 1 }, runsDir: join(dir, 'runs') }), paths(), new EventEmitter());
    expect(r).toBeNull();
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('benchctl: cannot start', expect.stringMatching(/ERR_FILE_NOT_FOUND/));
    expect(electron.app.exit).toHaveBeenCalledWith(2);
    // No bench left open behind the exit, nothing left answering the page.
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(await shutdown.mock.results[0]?.value).toMatchObject({ ok: true });
    expect(electron.ipcMain.handlers.size).toBe(0);
    shutdown.mockRestore();
  });

  it('an uncaught error after start aborts a run and makes the bench safe before the report and exit 2', async () => {
    const crashes = new EventEmitter();
    launched = await launchDesktopApp(env({ bench: { kind: 'sim', seed: 1 }, runsDir: join(dir, 'runs') }), paths(), crashes);
    expect(launched).not.toBeNull();
    const service = (launched as Launched).service;
    await expect.poll(async () => (await service.benchStatus()).open).toBe(true);
    await service.setLaser({ output: true });
    const shutdown = vi.spyOn(service, 'shutdown');
    crashes.emit('uncaughtException', new Error('a bug in the main process'));
    crashes.emit('unhandledRejection', new Error('and another one'));
    await expect.poll(() => electron.app.exit.mock.calls.length).toBe(1);
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(electron.app.exit).toHaveBeenCalledWith(2);
    expect((await service.benchStatus()).open).toBe(false);
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('benchctl: internal error', expect.stringMatching(/a bug in the main process[\s\S]*bench made safe/));
  });
});
