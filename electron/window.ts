// The application window and the rules every web contents lives by: our pages only (navigation elsewhere
// and redirects refused), no new windows, no <webview>, never shell.openExternal. A renderer that crashes
// does not take the bench with it: the run is aborted and the bench made safe at once. (A renderer that is
// merely unresponsive for a while is left alone: a busy plot must not end an overnight run.)
import { BrowserWindow, type WebContents } from 'electron';
import { isAppUrl, secureWebPreferences } from './security.ts';

/** Applied to every web contents created (app 'web-contents-created'), the main window's included. */
export function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Links that would open windows (target=_blank, window.open) go nowhere, and no URL reaches shell.openExternal.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface MainWindowHooks {
  /** The renderer process died or hung: put the bench in its safe state. */
  onRendererGone(reason: string): void;
  onClosed(): void;
}

export function createMainWindow(preload: string, hooks: MainWindowHooks): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'benchctl',
    backgroundColor: '#101418',
    webPreferences: secureWebPreferences(preload),
  });
  lockDownContents(win.webContents);
  win.webContents.on('render-process-gone', (_event, details) => hooks.onRendererGone(details.reason));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => hooks.onClosed());
  return win;
}
