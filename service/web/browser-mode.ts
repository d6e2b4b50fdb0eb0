// Browser mode assembled: the BenchService (with a bench opened if asked), the built UI, and the bridge
// server (127.0.0.1, or a lab address with TLS). Control actions are audited into `audit.jsonl` beside the
// runs. stop() closes the server first (no new calls), then shuts the service down, which aborts a run and
// makes the bench safe before closing it.
import { join } from 'node:path';
import type { ClientLimitOptions } from '../access/client-limits.ts';
import { AUDIT_FILE_NAME } from '../access/audit-log.ts';
import { TokenStore } from '../access/token-store.ts';
import { BenchService, type BenchServiceOptions } from '../bench-service.ts';
import type { BenchStatus, OpenBenchRequest } from '../bench-types.ts';
import { BridgeServer } from './bridge-server.ts';
import { BUILD_HINT, DEFAULT_UI_DIR, ensureUi, type BuildPolicy } from './renderer-build.ts';
import type { TlsMaterial } from './tls.ts';
import { FleetPublisher } from '../fleet/fleet-publisher.ts';
import { FleetWatch } from '../fleet/fleet-watch.ts';
import { hostname } from 'node:os';

export interface BrowserModeOptions {
  /** The bench to open at start; null starts with none (the UI can open one). */
  bench: OpenBenchRequest | null;
  port: number;
  /** Default 127.0.0.1; anything else needs `tls`. */
  host?: string;
  tls?: TlsMaterial | null;
  /** DNS names the server answers as, besides its address. */
  names?: readonly string[];
  /** The named-token file (benchctl token); null: only the printed one-time login. */
  tokenFile?: string | null;
  limits?: ClientLimitOptions;
  /** The lab database (postgresql://…): publish this bench's heartbeat and show every bench at /fleet. */
  lab?: { url: string; bench?: string } | null;
  service?: BenchServiceOptions;
  uiDir?: string;
  build?: BuildPolicy;
  token?: string;
}

export interface BrowserMode {
  service: BenchService;
  server: BridgeServer;
  /** The opened bench, when one was asked for. */
  bench: BenchStatus | null;
  uiNote: string;
  auditFile: string;
  stop(): Promise<{ ok: boolean; message: string }>;
}

export async function startBrowserMode(opts: BrowserModeOptions): Promise<BrowserMode> {
  const ui = await ensureUi(opts.uiDir ?? DEFAULT_UI_DIR, opts.build ?? 'auto');
  const service = new BenchService(opts.service);
  const auditFile = join(opts.service?.runsDir ?? join(opts.service?.cwd ?? process.cwd(), 'runs'), AUDIT_FILE_NAME);
  let bench: BenchStatus | null = null;
  let srv: BridgeServer;
  let watch: FleetWatch | null = null;
  let publisher: FleetPublisher | null = null;
  try {
    if (opts.bench) bench = await service.openBench(opts.bench);
    if (opts.lab) watch = await FleetWatch.start(opts.lab.url);
    srv = await BridgeServer.start({
      fleet: watch,
      service, port: opts.port, staticDir: ui.dir, notBuiltHint: BUILD_HINT, auditFile,
      auditSinks: service.runIndex ? [service.runIndex.auditSink] : [],
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.tls ? { tls: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
      ...(opts.names ? { names: opts.names } : {}),
      ...(opts.tokenFile ? { tokens: new TokenStore(opts.tokenFile) } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.token ? { token: opts.token } : {}),
    });
    if (opts.lab) {
      publisher = await FleetPublisher.start({
        url: opts.lab.url, bench: opts.lab.bench ?? `${hostname()}:${srv.port}`, uiUrl: `${srv.origin}/login`, service,
      }).catch(async (err: Error) => {
        await srv.close();
        throw err;
      });
    }
  } catch (err) {
    await watch?.stop();
    await service.shutdown();
    throw err;
  }
  let stopped: Promise<{ ok: boolean; message: string }> | null = null;
  return {
    service, server: srv, bench, uiNote: ui.note, auditFile,
    stop: () => (stopped ??= (async () => {
      await srv.close();
      const r = await service.shutdown();
      await publisher?.stop();
      await watch?.stop();
      return r;
    })()),
  };
}
