// The desktop app's lifecycle against a mocked electron module and the real service on the simulator:
// security in place before anything loads, the window on app://, the bench opened at start, and the bench
// made safe when the renderer crashes and when the app quits (quitting waits for it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BENCH_ROLES } from '../../../sim/link/bench-file.ts';
import { electron, FakeBrowserWindow, reset } from './electron-mock.ts';

vi.mock('electron', async () => (await import('./electron-mock.ts')).electron);

const { prepareDesktopApp, startDesktopApp } = await import('../../../electron/desktop-app.ts');
const { readDesktopOptions, DESKTOP_OPTIONS_ENV } = await import('../../../electron/desktop-options.ts');
type DesktopApp = Awaited<ReturnType<typeof startDesktopApp>>;

let dir: string;
let desktop: DesktopApp | null = null;

beforeEach(() => {
  reset();
  dir = mkdtempSync(join(tmpdir(), 'g1-desktop-'));
});

afterEach(async () => {
  await desktop?.service.shutdown();
  desktop = null;
  rmSync(dir, { recursive: true, force: true });
});

const paths = () => ({ appDir: dir, preload: join(dir, 'preload.cjs'), uiDir: join(dir, 'ui') });

async function quit(): Promise<void> {
  const event = { preventDefault: vi.fn() };
  electron.app.emit('before-quit', event);
  expect(event.preventDefault).toHaveBeenCalled();
  await expect.poll(() => electron.app.quit.mock.calls.length).toBeGreaterThan(0);
}

describe('the desktop app', () => {
  it('before ready: privileged app scheme, sandbox for all renderers, one instance, every web contents locked down', () => {
    expect(prepareDesktopApp()).toBe(true);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalled();
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.app.listenerCount('web-contents-created')).toBe(1);
    electron.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    expect(prepareDesktopApp()).toBe(false);
  });

  it('starts: session hardened, app scheme served, menu set, window on app:// with the bench opened', async () => {
    desktop = await startDesktopApp({ bench: { kind: 'sim', seed: 2 }, runsDir: join(dir, 'runs') }, paths());
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalled();
    const win = FakeBrowserWindow.instances[0];
    expect(win?.loadURL).toHaveBeenCalledWith('app://bench/index.html');
    expect((win?.options['webPreferences'] as { preload: string }).preload).toBe(join(dir, 'preload.cjs'));
    await expect.poll(async () => (await desktop?.service.benchStatus())?.open).toBe(true);
    expect((await desktop.service.benchStatus()).source).toEqual({ kind: 'sim', seed: 2, realtime: false });
  });

  it('quitting waits for the bench to be made safe and closed, then quits', async () => {
    desktop = await startDesktopApp({ bench: { kind: 'sim', seed: 1 }, runsDir: join(dir, 'runs') }, paths());
    await expect.poll(async () => (await desktop?.service.benchStatus())?.open).toBe(true);
    await desktop.service.setLaser({ output: true });
    const shutdown = vi.spyOn(desktop.service, 'shutdown');
    await quit();
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect((await desktop.service.benchStatus()).open).toBe(false);
    expect(electron.ipcMain.handlers.size).toBe(0);
    // The second quit (the one the handler issues) goes through.
    const again = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('closing the last window quits (and so makes the bench safe)', async () => {
    desktop = await startDesktopApp({ bench: null, runsDir: join(dir, 'runs') }, paths());
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).toHaveBeenCalled();
  });

  it('a renderer crash turns the laser off and tells the user', async () => {
    desktop = await startDesktopApp({ bench: { kind: 'sim', seed: 1 }, runsDir: join(dir, 'runs') }, paths());
    await expect.poll(async () => (await desktop?.service.benchStatus())?.open).toBe(true);
    await desktop.service.setLaser({ output: true });
    FakeBrowserWindow.instances[0]?.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    await expect.poll(() => electron.dialog.showErrorBox.mock.calls.length).toBe(1);
    expect(String(electron.dialog.showErrorBox.mock.calls[0]?.[1])).toMatch(new RegExp(`crashed.*all ${DEFAULT_BENCH_ROLES.length} instruments safe`));
    expect((await desktop.service.laserState()).output).toBe(false);
  });

  it('a renderer that exits cleanly (not a crash) is made safe without a crash dialog; none at all while quitting', async () => {
    desktop = await startDesktopApp({ bench: { kind: 'sim', seed: 1 }, runsDir: join(dir, 'runs') }, paths());
    await expect.poll(async () => (await desktop?.service.benchStatus())?.open).toBe(true);
    await desktop.service.setLaser({ output: true });
    const emergency = vi.spyOn(desktop.service, 'emergencySafe');
    FakeBrowserWindow.instances[0]?.webContents.emit('render-process-gone', {}, { reason: 'clean-exit' });
    await expect.poll(async () => (await desktop?.service.laserState())?.output).toBe(false);
    expect(electron.dialog.showErrorBox).not.toHaveBeenCalled();
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    FakeBrowserWindow.instances[0]?.webContents.emit('render-process-gone', {}, { reason: 'clean-exit' });
    expect(emergency).toHaveBeenCalledTimes(1);
  });

  it('serves app:// from the UI folder start asked for (--ui), else the app\'s own build', async () => {
    const ui = join(dir, 'private-ui');
    mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<title>private build</title>');
    desktop = await startDesktopApp({ bench: null, runsDir: join(dir, 'runs'), uiDir: ui }, paths());
    const handler = electron.protocol.handle.mock.calls[0]?.[1] as (req: { url: string }) => Promise<Response>;
    expect(await (await handler({ url: 'app://bench/index.html' })).text()).toContain('private build');
  });

  it('a second launch brings the window forward', async () => {
    desktop = await startDesktopApp({ bench: null, runsDir: join(dir, 'runs') }, paths());
    const win = FakeBrowserWindow.instances[0];
    win?.isMinimized.mockReturnValueOnce(true);
    electron.app.emit('second-instance');
    expect(win?.restore).toHaveBeenCalled();
    expect(win?.focus).toHaveBeenCalled();
  });

  it('shows a bench that cannot be opened instead of failing silently', async () => {
    desktop = await startDesktopApp({ bench: { kind: 'file', path: join(dir, 'missing.yaml') }, runsDir: join(dir, 'runs') }, paths());
    await expect.poll(() => electron.dialog.showErrorBox.mock.calls.length).toBe(1);
    expect(electron.dialog.showErrorBox.mock.calls[0]?.[0]).toBe('benchctl: cannot open the bench');
    expect(String(electron.dialog.showErrorBox.mock.calls[0]?.[1])).toMatch(/missing\.yaml/);
  });
});

describe('desktop options from benchctl start', () => {
  it('defaults to the simulator and reads what start passes', () => {
    expect(readDesktopOptions({})).toEqual({ bench: { kind: 'sim', seed: 1 } });
    expect(readDesktopOptions({ [DESKTOP_OPTIONS_ENV]: JSON.stringify({ bench: { kind: 'file', path: '/b.yaml' }, runsDir: '/runs', uiDir: '/ui' }) }))
      .toEqual({ bench: { kind: 'file', path: '/b.yaml' }, runsDir: '/runs', uiDir: '/ui' });
  });

  it('names what is wrong with malformed options', () => {
    expect(() => readDesktopOptions({ [DESKTOP_OPTIONS_ENV]: '{' })).toThrow(/BENCHCTL_DESKTOP is not JSON/);
    expect(() => readDesktopOptions({ [DESKTOP_OPTIONS_ENV]: '{"bench":{"kind":"sim","seed":-1}}' })).toThrow(/bench\.seed/);
    expect(() => readDesktopOptions({ [DESKTOP_OPTIONS_ENV]: '{"bench":null,"extra":1}' })).toThrow(/extra/);
  });
});
