// The Electron security checklist, in one place: the window's webPreferences, the content security policy
// the app protocol sends, and the session's refusals (every permission request denied). Applied by
// window.ts and main.ts; asserted by the tests with a mocked electron module.
import type { Session, WebPreferences } from 'electron';

/** Our pages come from this origin (electron/app-protocol.ts); IPC senders must be on it. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** Strict: our scripts and styles only, no eval, no plugins, no framing, no network but our own origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Vue and uPlot set styles through the CSSOM; style attributes stay allowed for them.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
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
  };
}

/** True for URLs of our own pages: the only place the window may be and the only IPC senders we answer. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** No camera, microphone, notifications, geolocation, HID, serial from the page: the main process does I/O. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
