// `benchctl serve`: browser mode — the built UI and the WebSocket bridge to the bench service on 127.0.0.1
// only, guarded by a per-launch token the printed URL carries. Stops on SIGINT/SIGTERM with the bench safe.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { OpenBenchRequest } from '../service/bench-types.ts';
import { startBrowserMode, type BrowserMode } from '../service/web/browser-mode.ts';
import { DEFAULT_UI_DIR, type BuildPolicy } from '../service/web/renderer-build.ts';
import type { CliCommand } from './command.ts';
import type { IndexTarget } from '../runindex/index-target.ts';
import { indexTargetOf } from './index-option.ts';
import { CliUsageError } from './usage-error.ts';

export const DEFAULT_SERVE_PORT = 8420;

const USAGE = `Usage: benchctl serve [--sim [--seed N] [--realtime] | --bench FILE] [--port N] [--runs DIR] [--ui DIR] [--build | --no-build] [--index URL]

Serves the UI and its bench service to a browser on this machine (127.0.0.1 only). Open the printed URL:
it carries a token that changes at every start; connections without it are refused.

Options:
  --sim            open the in-process simulated bench (fast clock unless --realtime)
  --seed N         seed of the simulated bench (default 1)
  --realtime       simulated operations take their real time
  --bench FILE     open this bench file
                   (with neither, no bench is open at start: open one from the UI)
  --port N         TCP port on 127.0.0.1 (default ${DEFAULT_SERVE_PORT}; 0 = any free port)
  --runs DIR       where run folders are written and listed from (default ./runs)
  --ui DIR         the built UI to serve (default dist/renderer/ of this checkout); with --build it is
                   built there, so a test or a second checkout need not touch the shared build
  --build          rebuild the UI (Vite) before serving; --no-build never builds (default: build if missing)
  --index URL      the run index the History view searches and runs are written to: postgresql://… for a
                   lab server, or an SQLite file (default: the bench file's index:, else beside --runs)
  -h, --help       this text

Output: notes, then 'url <URL>' and 'ready' once listening. Ctrl-C (SIGINT) or SIGTERM aborts a run,
makes the bench safe (laser off, stages stopped, BERT gate stopped) and exits.`;

export interface ServeOptions {
  bench: OpenBenchRequest | null;
  port: number;
  runsDir: string;
  /** The built UI's folder (index.html and assets/). */
  uiDir: string;
  build: BuildPolicy;
  /** The run index; undefined: the default beside the runs folder. */
  index?: IndexTarget | undefined;
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new CliUsageError(`--${name} expects an integer ${min}-${max}, got '${text}'`);
  return n;
}

/** Parses argv after `serve`; 'help' for -h. Throws CliUsageError on bad input. */
export function parseServeArgs(args: string[]): ServeOptions | 'help' {
  let v;
  try {
    v = parseArgs({
      args, strict: true, allowPositionals: false,
      options: {
        sim: { type: 'boolean' }, seed: { type: 'string' }, realtime: { type: 'boolean' }, bench: { type: 'string' },
        port: { type: 'string' }, runs: { type: 'string' }, index: { type: 'string' }, ui: { type: 'string' }, build: { type: 'boolean' }, 'no-build': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  if (v.help) return 'help';
  if (v.sim && v.bench !== undefined) throw new CliUsageError('--sim and --bench exclude each other: serve the simulator or a bench file, not both');
  if (!v.sim && (v.seed !== undefined || v.realtime)) throw new CliUsageError('--seed and --realtime apply to the simulated bench: add --sim');
  if (v.bench !== undefined && v.bench.trim() === '') throw new CliUsageError('--bench expects a bench file path');
  if (v.build && v['no-build']) throw new CliUsageError('--build and --no-build exclude each other');
  if (v.runs !== undefined && v.runs.trim() === '') throw new CliUsageError('--runs expects a folder');
  if (v.ui !== undefined && v.ui.trim() === '') throw new CliUsageError('--ui expects the folder of a built UI (or where to build it, with --build)');
  let bench: OpenBenchRequest | null = null;
  if (v.sim) bench = { kind: 'sim', seed: v.seed === undefined ? 1 : integer('seed', v.seed, 0, 2 ** 32 - 1), realtime: v.realtime ?? false };
  else if (v.bench !== undefined) bench = { kind: 'file', path: resolve(v.bench) };
  return {
    bench,
    port: v.port === undefined ? DEFAULT_SERVE_PORT : integer('port', v.port, 0, 65535),
    runsDir: resolve(v.runs ?? 'runs'),
    uiDir: v.ui === undefined ? DEFAULT_UI_DIR : resolve(v.ui),
    build: v.build ? 'always' : v['no-build'] ? 'never' : 'auto',
    index: indexTargetOf({ index: v.index, benchFile: v.bench }),
  };
}

function describeBench(b: OpenBenchRequest | null): string {
  if (!b) return 'no bench open yet (open one from the UI)';
  if (b.kind === 'file') return `bench file ${b.path}`;
  return `the simulated bench (seed ${b.seed ?? 1}, ${b.realtime ? 'real-time clock' : 'fast clock'})`;
}

/** Resolves with the first SIGINT/SIGTERM; listening starts at once so a signal during start-up counts. */
function watchSignals(): { signal: Promise<NodeJS.Signals>; cancel(): void } {
  let on: (s: NodeJS.Signals) => void = () => undefined;
  const cancel = (): void => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
  const signal = new Promise<NodeJS.Signals>((res) => {
    on = (s) => {
      cancel();
      res(s);
    };
  });
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { signal, cancel };
}

/** Runs browser mode until a signal; returns the exit code (2 when the bench could not be made safe). */
export async function runServe(opts: ServeOptions, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const stop = watchSignals();
  let mode: BrowserMode;
  try {
    mode = await startBrowserMode({ bench: opts.bench, port: opts.port, uiDir: opts.uiDir, build: opts.build, service: {
      runsDir: opts.runsDir, index: { ...(opts.index ? { target: opts.index } : {}), onProblem: (m) => err(`benchctl serve: ${m}\n`) },
    } });
    out(`benchctl serve: bench service on ${describeBench(opts.bench)}\n${mode.uiNote}\nruns: ${opts.runsDir}\nindex: ${mode.service.runIndex?.conn.description ?? 'none'}\n` +
      `listening on 127.0.0.1:${mode.server.port} only; open the URL below (its token changes at every start). Ctrl-C stops.\n`);
    out(`url ${mode.server.url}\n`);
    out('ready\n');
    const signal = await stop.signal;
    err(`benchctl serve: ${signal}, making the bench safe and stopping\n`);
  } finally {
    stop.cancel();
  }
  const result = await mode.stop();
  err(`benchctl serve: ${result.message}\n`);
  return result.ok ? 0 : 2;
}

export const serveCommand: CliCommand = {
  summary: 'serve the UI and the bench service to a local browser (127.0.0.1, token-guarded)',
  usage: USAGE,
  async run(args) {
    const opts = parseServeArgs(args);
    if (opts === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return runServe(opts, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  },
};
