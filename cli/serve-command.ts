// `benchctl serve`: browser mode — the built UI and the WebSocket bridge to the bench service, on 127.0.0.1
// or (with TLS) a lab address; a one-time login URL is printed, named tokens (benchctl token) let viewers
// and operators log in. Stops on SIGINT/SIGTERM with the bench safe.
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { defaultTokenFile } from '../service/access/token-store.ts';
import type { OpenBenchRequest } from '../service/bench-types.ts';
import { startBrowserMode, type BrowserMode } from '../service/web/browser-mode.ts';
import { isLoopback } from '../service/web/guard.ts';
import { InsecureBindError, serverNames } from '../service/web/server-names.ts';
import { loadTlsFiles, selfSignedTls, type TlsMaterial } from '../service/web/tls.ts';
import { DEFAULT_UI_DIR, type BuildPolicy } from '../service/web/renderer-build.ts';
import type { CliCommand } from './command.ts';
import type { IndexTarget } from '../runindex/index-target.ts';
import { indexTargetOf } from './index-option.ts';
import { CliUsageError } from './usage-error.ts';

export const DEFAULT_SERVE_PORT = 8420;

const USAGE = `Usage: benchctl serve [--sim [--seed N] [--world chip|wafer] [--realtime] | --bench FILE] [--port N] [--runs DIR] [--ui DIR] [--build | --no-build] [--index URL]
                     [--host ADDR (--tls self-signed | --tls-cert FILE --tls-key FILE)] [--name DNS]... [--tokens FILE] [--scripts DIR]... [--lab URL [--lab-name NAME]]

Serves the UI and its bench service to a browser: on 127.0.0.1, or on a lab address with TLS. Open the
printed URL once: its login code works one time and is exchanged for a session cookie. Others log in at
/login with a token from 'benchctl token add' (viewer: watch; operator: also control).

Options:
  --sim            open the in-process simulated bench (fast clock unless --realtime)
  --seed N         seed of the simulated bench (default 1)
  --world chip|wafer  what lies under the simulator's fiber array: the chip (default) or the 20 × 20 wafer
                   (for wafer sequences, docs/wafer.md; the UI's Open simulator offers the same choice)
  --realtime       simulated operations take their real time
  --bench FILE     open this bench file
                   (with neither, no bench is open at start: open one from the UI)
  --port N         TCP port (default ${DEFAULT_SERVE_PORT}; 0 = any free port)
  --host ADDR      address to listen on (default 127.0.0.1); any other needs TLS (0.0.0.0: every interface)
  --tls self-signed  make a certificate at start for the server's names; its SHA-256 fingerprint is printed
  --tls-cert FILE, --tls-key FILE  serve TLS with this PEM certificate and key instead
  --name DNS       a DNS name of this machine to answer as (and put in the self-signed certificate); repeatable
  --tokens FILE    the named-token file (default ${defaultTokenFile()})
  --lab URL        the lab's PostgreSQL (postgresql://…): publish this bench's live state and heartbeat,
                   and show every bench at /fleet, each linking to its own UI
  --lab-name NAME  this bench's name in the fleet view (default HOST:PORT)
  --scripts DIR    a folder sequence files and their script steps may be loaded from; repeatable
                   (besides the sequence library; an uploaded sequence never runs scripts)
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
  host: string;
  tls: { kind: 'self-signed' } | { kind: 'files'; cert: string; key: string } | null;
  names: string[];
  tokenFile: string;
  scripts: string[];
  lab: { url: string; bench?: string } | null;
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
        sim: { type: 'boolean' }, seed: { type: 'string' }, world: { type: 'string' }, realtime: { type: 'boolean' }, bench: { type: 'string' },
        port: { type: 'string' }, runs: { type: 'string' }, index: { type: 'string' }, ui: { type: 'string' }, build: { type: 'boolean' }, 'no-build': { type: 'boolean' },
        host: { type: 'string' }, tls: { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' },
        name: { type: 'string', multiple: true }, tokens: { type: 'string' }, scripts: { type: 'string', multiple: true },
        lab: { type: 'string' }, 'lab-name': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  if (v.help) return 'help';
  if (v.sim && v.bench !== undefined) throw new CliUsageError('--sim and --bench exclude each other: serve the simulator or a bench file, not both');
  if (!v.sim && (v.seed !== undefined || v.realtime || v.world !== undefined)) throw new CliUsageError('--seed, --world and --realtime apply to the simulated bench: add --sim');
  if (v.world !== undefined && v.world !== 'chip' && v.world !== 'wafer') throw new CliUsageError(`--world expects chip or wafer, got '${v.world}'`);
  if (v.bench !== undefined && v.bench.trim() === '') throw new CliUsageError('--bench expects a bench file path');
  if (v.build && v['no-build']) throw new CliUsageError('--build and --no-build exclude each other');
  if (v.runs !== undefined && v.runs.trim() === '') throw new CliUsageError('--runs expects a folder');
  if (v.ui !== undefined && v.ui.trim() === '') throw new CliUsageError('--ui expects the folder of a built UI (or where to build it, with --build)');
  const host = v.host ?? '127.0.0.1';
  if (host.trim() === '') throw new CliUsageError('--host expects an address to listen on, e.g. 0.0.0.0 or 10.0.0.5');
  if (v.tls !== undefined && v.tls !== 'self-signed') throw new CliUsageError(`--tls expects 'self-signed', got '${v.tls}' (for your own certificate: --tls-cert FILE --tls-key FILE)`);
  if (v.tls !== undefined && (v['tls-cert'] !== undefined || v['tls-key'] !== undefined)) throw new CliUsageError('--tls self-signed and --tls-cert/--tls-key exclude each other');
  if ((v['tls-cert'] === undefined) !== (v['tls-key'] === undefined)) throw new CliUsageError('--tls-cert and --tls-key go together: the certificate and its private key');
  const tls: ServeOptions['tls'] = v.tls ? { kind: 'self-signed' }
    : v['tls-cert'] !== undefined ? { kind: 'files', cert: resolve(v['tls-cert']), key: resolve(v['tls-key'] as string) } : null;
  if (!tls && !isLoopback(host)) throw new CliUsageError(new InsecureBindError(host).message);
  for (const d of [...(v.scripts ?? []), ...(v.name ?? [])]) if (d.trim() === '') throw new CliUsageError('--scripts and --name expect a value');
  if (v.lab !== undefined && !/^postgres(ql)?:\/\//.test(v.lab)) throw new CliUsageError(`--lab expects a PostgreSQL URL (postgresql://user@host:port/db), got '${v.lab}'`);
  if (v['lab-name'] !== undefined && v.lab === undefined) throw new CliUsageError('--lab-name names this bench in the fleet view: add --lab URL');
  let bench: OpenBenchRequest | null = null;
  if (v.sim) bench = { kind: 'sim', seed: v.seed === undefined ? 1 : integer('seed', v.seed, 0, 2 ** 32 - 1), realtime: v.realtime ?? false, ...(v.world === 'wafer' ? { world: 'wafer' as const } : {}) };
  else if (v.bench !== undefined) bench = { kind: 'file', path: resolve(v.bench) };
  return {
    bench,
    port: v.port === undefined ? DEFAULT_SERVE_PORT : integer('port', v.port, 0, 65535),
    host, tls, names: v.name ?? [],
    tokenFile: resolve(v.tokens ?? defaultTokenFile()),
    scripts: (v.scripts ?? []).map((d) => resolve(d)),
    lab: v.lab === undefined ? null : { url: v.lab, ...(v['lab-name'] !== undefined ? { bench: v['lab-name'] } : {}) },
    runsDir: resolve(v.runs ?? 'runs'),
    uiDir: v.ui === undefined ? DEFAULT_UI_DIR : resolve(v.ui),
    build: v.build ? 'always' : v['no-build'] ? 'never' : 'auto',
    index: indexTargetOf({ index: v.index, benchFile: v.bench }),
  };
}

function describeBench(b: OpenBenchRequest | null): string {
  if (!b) return 'no bench open yet (open one from the UI)';
  if (b.kind === 'file') return `bench file ${b.path}`;
  return `the simulated ${b.world === 'wafer' ? 'wafer ' : ''}bench (seed ${b.seed ?? 1}, ${b.realtime ? 'real-time clock' : 'fast clock'})`;
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
    const tls = await tlsOf(opts);
    if (tls) out(`tls: certificate for ${tls.subjectAltName}\ntls sha256 ${tls.fingerprint256}\n`);
    // The bench file's folder is a root too: its operator named it on the command line.
    const benchRoots = opts.bench?.kind === 'file' ? [dirname(opts.bench.path)] : [];
    mode = await startBrowserMode({
      bench: opts.bench, port: opts.port, host: opts.host, tls, names: opts.names, tokenFile: opts.tokenFile, uiDir: opts.uiDir, build: opts.build, lab: opts.lab,
      service: {
        runsDir: opts.runsDir, index: { ...(opts.index ? { target: opts.index } : {}), onProblem: (m) => err(`benchctl serve: ${m}\n`) },
        roots: [process.cwd(), ...opts.scripts, ...benchRoots], scriptRoots: opts.scripts },
    });
    out(`benchctl serve: bench service on ${describeBench(opts.bench)}\n${mode.uiNote}\nruns: ${opts.runsDir}\nindex: ${mode.service.runIndex?.conn.description ?? 'none'}\naudit: ${mode.auditFile}\n` +
      `tokens: ${opts.tokenFile}\nlistening on ${opts.host}:${mode.server.port}${tls ? ' (TLS)' : ' only'}; open the URL below once (its login code works one time), ` +
      `or log in at ${mode.server.origin}/login with a token. Ctrl-C stops.\n`);
    if (opts.lab) out(`fleet: every bench of the lab at ${mode.server.origin}/fleet\n`);
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

async function tlsOf(opts: ServeOptions): Promise<TlsMaterial | null> {
  if (!opts.tls) return null;
  if (opts.tls.kind === 'files') return loadTlsFiles(opts.tls.cert, opts.tls.key);
  return selfSignedTls(serverNames(opts.host, opts.names));
}

export const serveCommand: CliCommand = {
  summary: 'serve the UI and the bench service to browsers (127.0.0.1, or a lab address over TLS; roles and tokens)',
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
