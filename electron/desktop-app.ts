// The desktop app in the Electron main process: security set up before anything loads, the BenchService
// (instrument I/O runs here, in the main process's event loop, never on the renderer's UI thread), IPC,
// the window and the menu. Closing the window quits; quitting (and a crash of the main process) aborts a
// run and makes the bench safe first; a renderer crash aborts the run and makes the bench safe. (A crash of
// the main process itself is launch.ts's to catch.)
import { app, dialog, ipcMain, protocol, session, type BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { AUDIT_FILE_NAME, AuditLog } from '../service/access/audit-log.ts';
import { BenchService } from '../service/bench-service.ts';
import { handleAppScheme, registerAppScheme } from './app-protocol.ts';
import type { DesktopOptions } from './desktop-options.ts';
import { registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { APP_URL, hardenSession } from './security.ts';
import { createMainWindow, lockDownContents } from './window.ts';

export interface DesktopPaths {
  /** The app's root (repository or asar): sequences/library lives under it. */
  appDir: string;
  /** The bundled preload (CommonJS). */
  preload: string;
  /** The built renderer (index.html and assets). */
  uiDir: string;
}

export interface DesktopApp {
  service: BenchService;
  window(): BrowserWindow | null;
}

/** Before 'ready': the privileged scheme, the sandbox for every renderer, one instance. False: another runs. */
export function prepareDesktopApp(): boolean {
  registerAppScheme(protocol);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) return false;
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  return true;
}

export async function startDesktopApp(opts: DesktopOptions, paths: DesktopPaths): Promise<DesktopApp> {
  await app.whenReady();
  hardenSession(session.defaultSession);
  handleAppScheme(protocol, opts.uiDir ?? paths.uiDir);
  const runsDir = opts.runsDir ?? join(process.cwd(), 'runs');
  const service = new BenchService({ runsDir, libraryDir: join(paths.appDir, 'sequences', 'library') });
  // Control actions from the window go to the same audit log as the browser mode's, beside the runs.
  const audit = new AuditLog(join(runsDir, AUDIT_FILE_NAME), service.runIndex ? [service.runIndex.auditSink] : []);
  try {
    return await wire(service, opts, paths, audit);
  } catch (err) {
    // The window could not be shown (the UI missing, the preload broken): the bench must not stay open,
    // possibly emitting, behind an app that is about to exit.
    await service.shutdown();
    throw err;
  }
}

async function wire(service: BenchService, opts: DesktopOptions, paths: DesktopPaths, audit: AuditLog): Promise<DesktopApp> {
  let win: BrowserWindow | null = null;
  const unregister = registerIpc(ipcMain, service, () => win?.webContents ?? null, audit);
  installMenu({ service, window: () => win, isPackaged: app.isPackaged });

  let shutDown = false;
  let shuttingDown = false;
  app.on('before-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    if (shuttingDown) return;
    shuttingDown = true;
    void service.shutdown().then((r) => {
      if (!r.ok) dialog.showErrorBox('benchctl: the bench may not be safe', r.message);
    }).finally(() => {
      shutDown = true;
      unregister();
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
  // A second launch (prepareDesktopApp's lock sent it away) brings this window forward instead.
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  win = createMainWindow(paths.preload, {
    onRendererGone: (reason) => {
      // The renderer also goes (cleanly) while the app quits: the quit makes the bench safe itself.
      if (shuttingDown) return;
      void service.emergencySafe().then((r) => {
        if (reason === 'clean-exit') return;
        dialog.showErrorBox('benchctl: the window crashed', `The user interface stopped (${reason}). Any run was aborted; ${r.message}. Reload the window (View → Reload) to carry on.`);
      });
    },
    onClosed: () => {
      win = null;
    },
  });
  if (opts.bench) {
    const req = opts.bench;
    // Named on the command line (benchctl start --bench): the operator's choice, so its folder is readable.
    if (req.kind === 'file') service.allowFolder(dirname(req.path));
    void service.openBench(req).catch((err: unknown) => {
      dialog.showErrorBox('benchctl: cannot open the bench', err instanceof Error ? err.message : String(err));
    });
  }
  try {
    await win.loadURL(APP_URL);
  } catch (err) {
    unregister();
    throw err;
  }
  return { service, window: () => win };
}
