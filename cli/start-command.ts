// `npm start` / `benchctl start`: the desktop app (Electron) on the simulated bench, or on a bench file
// with --bench. Electron's main process is TypeScript bundled by Vite first (electron/build.ts → dist/
// electron/), the UI built if missing, then the Electron binary runs dist/electron/main.mjs with the
// options in BENCHCTL_DESKTOP. Where there is no Electron binary (it cannot be downloaded on offline
// machines), it says so in one line and starts the browser mode instead, printing the URL.
import { spawn } from 'node:child_process';
import { buildElectron } from '../electron/build.ts';
import { DESKTOP_OPTIONS_ENV, type DesktopOptions } from '../electron/desktop-options.ts';
import { locateElectron } from '../electron/locate.ts';
import { ensureUi } from '../service/web/renderer-build.ts';
import type { CliCommand } from './command.ts';
import { parseServeArgs, runServe, type ServeOptions } from './serve-command.ts';

const USAGE = `Usage: benchctl start [--sim [--seed N] [--realtime] | --bench FILE] [--runs DIR] [--ui DIR] [--browser] [--port N]

Opens the desktop app on the simulated bench (or on the bench file given with --bench). Without an
Electron binary, or with --browser, it starts the browser mode instead (see benchctl serve) and prints
the URL to open. npm start passes its options after --, e.g. npm start -- --bench bench.yaml

Options:
  --sim, --seed N, --realtime, --bench FILE, --runs DIR, --ui DIR, --build, --no-build
                   as for benchctl serve (default: --sim --seed 1)
  --browser        use the browser mode even where Electron is installed
  --port N         browser mode's port (default as for serve)
  -h, --help       this text`;

export interface StartOptions extends ServeOptions {
  browser: boolean;
}

export function parseStartArgs(args: string[]): StartOptions | 'help' {
  // --browser is start's own; everything else is serve's options, parsed (strictly) by serve.
  const rest = args.filter((a) => a !== '--browser');
  const serve = parseServeArgs(rest);
  if (serve === 'help') return 'help';
  return { ...serve, bench: serve.bench ?? { kind: 'sim', seed: 1, realtime: false }, browser: rest.length !== args.length };
}

async function runDesktop(electronPath: string, opts: StartOptions, out: (t: string) => void): Promise<number> {
  const ui = await ensureUi(opts.uiDir, opts.build);
  out(`${ui.note}\n`);
  const built = await buildElectron();
  const desktop: DesktopOptions = { bench: opts.bench, runsDir: opts.runsDir, uiDir: opts.uiDir };
  const child = spawn(electronPath, [built.main], { stdio: 'inherit', env: { ...process.env, [DESKTOP_OPTIONS_ENV]: JSON.stringify(desktop) } });
  // Ctrl-C in the terminal reaches the app, which makes the bench safe before it quits.
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolveExit, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolveExit(code ?? (signal ? 2 : 0)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

export const startCommand: CliCommand = {
  summary: 'start the desktop app (or, without Electron, the browser mode) on the simulated bench or --bench FILE',
  usage: USAGE,
  async run(args) {
    const opts = parseStartArgs(args);
    if (opts === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const out = (t: string): void => void process.stdout.write(t);
    const err = (t: string): void => void process.stderr.write(t);
    const electron = opts.browser ? { ok: false as const, reason: '--browser asked for the browser mode' } : locateElectron();
    if (electron.ok) return runDesktop(electron.path, opts, out);
    out(`benchctl start: no desktop window — Electron is unavailable here (${electron.reason}), so the browser mode starts instead: open the URL below.\n`);
    return runServe(opts, out, err);
  },
};
