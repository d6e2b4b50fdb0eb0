// Browser mode assembled: the BenchService (with a bench opened if asked), the built UI, and the bridge
// server on 127.0.0.1. stop() closes the server first (no new calls), then shuts the service down, which
// aborts a run and makes the bench safe before closing it.
import { BenchService, type BenchServiceOptions } from '../bench-service.ts';
import type { BenchStatus, OpenBenchRequest } from '../bench-types.ts';
import { BridgeServer } from './bridge-server.ts';
import { BUILD_HINT, DEFAULT_UI_DIR, ensureUi, type BuildPolicy } from './renderer-build.ts';

export interface BrowserModeOptions {
  /** The bench to open at start; null starts with none (the UI can open one). */
  bench: OpenBenchRequest | null;
  port: number;
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
  stop(): Promise<{ ok: boolean; message: string }>;
}

export async function startBrowserMode(opts: BrowserModeOptions): Promise<BrowserMode> {
  const ui = await ensureUi(opts.uiDir ?? DEFAULT_UI_DIR, opts.build ?? 'auto');
  const service = new BenchService(opts.service);
  let bench: BenchStatus | null = null;
  let srv: BridgeServer;
  try {
    if (opts.bench) bench = await service.openBench(opts.bench);
    srv = await BridgeServer.start({
      service, port: opts.port, staticDir: ui.dir, notBuiltHint: BUILD_HINT, ...(opts.token ? { token: opts.token } : {}),
    });
  } catch (err) {
    await service.shutdown();
    throw err;
  }
  let stopped: Promise<{ ok: boolean; message: string }> | null = null;
  return {
    service, server: srv, bench, uiNote: ui.note,
    stop: () => (stopped ??= srv.close().then(() => service.shutdown())),
  };
}
