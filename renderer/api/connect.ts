// Finds window.bench: Electron's preload puts it there before the page runs; in a browser (browser mode,
// `benchctl serve`) the WebSocket client of renderer/bridge/ builds it from the page URL's token.
import type { BenchBridge } from '../../service/bench-api.ts';

export async function connectBench(): Promise<BenchBridge> {
  if (window.bench) return window.bench;
  const bridge = await import('../bridge/client.ts');
  const bench = await bridge.connectBrowserBench();
  window.bench = bench;
  return bench;
}
