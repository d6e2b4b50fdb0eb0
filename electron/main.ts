// Electron's entry point (bundled to dist/electron/main.mjs by electron/build.ts; `benchctl start` runs it).
// Options come from `benchctl start` through the environment (only cli/ parses argv).
// Everything before 'ready' (the privileged app:// scheme, the sandbox, the single-instance lock) runs
// synchronously here; nothing is awaited at the top level (see launch.ts for why that would hang).
import { app } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDesktopApp } from './desktop-app.ts';
import { launchDesktopApp, type LaunchedApp } from './launch.ts';

// dist/electron/main.mjs → the app root two levels up (the repository, or the asar archive when packaged).
const here = dirname(fileURLToPath(import.meta.url));
const appDir = join(here, '..', '..');

function launch(): Promise<LaunchedApp | null> {
  if (!prepareDesktopApp()) {
    // Another instance runs (it brings its window forward): this one leaves.
    app.quit();
    return Promise.resolve(null);
  }
  return launchDesktopApp(process.env, { appDir, preload: join(here, 'preload.cjs'), uiDir: join(appDir, 'dist', 'renderer') }, process);
}

/** The running app (null when another instance has it, or it could not start); for tests. */
export const launched = launch();
