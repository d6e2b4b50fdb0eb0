// Electron's entry point (bundled to dist/electron/main.mjs by electron/build.ts; `benchctl start` runs it).
// Options come from `benchctl start` through the environment (only cli/ parses argv).
import { app, dialog } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDesktopApp, startDesktopApp } from './desktop-app.ts';
import { readDesktopOptions } from './desktop-options.ts';

// dist/electron/main.mjs → the app root two levels up (the repository, or the asar archive when packaged).
const here = dirname(fileURLToPath(import.meta.url));
const appDir = join(here, '..', '..');

if (!prepareDesktopApp()) {
  app.quit();
} else {
  try {
    const options = readDesktopOptions(process.env);
    const desktop = await startDesktopApp(options, { appDir, preload: join(here, 'preload.cjs'), uiDir: join(appDir, 'dist', 'renderer') });
    process.on('uncaughtException', (err) => {
      // Last resort: the bench first, then the report.
      void desktop.service.shutdown().finally(() => {
        dialog.showErrorBox('benchctl: internal error', err.stack ?? err.message);
        app.exit(2);
      });
    });
  } catch (err) {
    await app.whenReady();
    dialog.showErrorBox('benchctl: cannot start', err instanceof Error ? err.message : String(err));
    app.exit(2);
  }
}
