// What main.ts does once the pre-ready work is done: read the options, start the desktop app, and catch
// whatever goes wrong on the way (a dialog, exit code 2) or later (an uncaught error: the bench made safe
// first). It returns a promise that main.ts must NOT await at the top level: an ES-module main process
// gets Electron's 'ready' only after the entry module has finished evaluating, so a top-level await on
// anything that waits for 'ready' (startDesktopApp does) never returns — the app would hang, windowless.
import { app, dialog } from 'electron';
import type { DesktopApp, DesktopPaths } from './desktop-app.ts';
import { startDesktopApp } from './desktop-app.ts';
import { readDesktopOptions } from './desktop-options.ts';

/** The part of `process` the crash handlers hook into (a stand-in in tests). */
export interface CrashSource {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
}

export interface LaunchedApp extends DesktopApp {
  /** Removes the crash handlers (tests; the real app keeps them until it exits). */
  dispose(): void;
}

function message(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Shows why the app cannot go on (once Electron can show dialogs) and exits with code 2. */
function fatal(title: string, err: unknown): Promise<null> {
  return app.whenReady().then(() => {
    dialog.showErrorBox(`benchctl: ${title}`, message(err));
    app.exit(2);
    return null;
  });
}

/**
 * Starts the desktop app; resolves with it, or with null after reporting why it could not start. Never
 * rejects. An error nobody caught (in the main process, after start) aborts a run and makes the bench
 * safe before the report and the exit: the instruments must not be left emitting behind a dead app.
 */
export function launchDesktopApp(env: Readonly<Record<string, string | undefined>>, paths: DesktopPaths, crashes: CrashSource): Promise<LaunchedApp | null> {
  let options;
  try {
    options = readDesktopOptions(env);
  } catch (err) {
    return fatal('cannot start', err);
  }
  return startDesktopApp(options, paths).then((desktop) => {
    let handling = false;
    const onCrash = (err: unknown): void => {
      if (handling) return;
      handling = true;
      void desktop.service.shutdown().finally(() => {
        dialog.showErrorBox('benchctl: internal error', `${message(err)}\n\nAny run was aborted and the bench made safe before closing.`);
        app.exit(2);
      });
    };
    crashes.on('uncaughtException', onCrash);
    crashes.on('unhandledRejection', onCrash);
    return {
      ...desktop,
      dispose: () => {
        crashes.off('uncaughtException', onCrash);
        crashes.off('unhandledRejection', onCrash);
      },
    };
  }, (err: unknown) => fatal('cannot start', err));
}
