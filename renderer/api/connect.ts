// Finds window.bench: Electron's preload puts it there before the page runs; in a browser (browser mode,
// `benchctl serve`) the WebSocket client of renderer/bridge/ builds it from the page URL's token.
import type { BenchBridge } from '../../service/bench-api.ts';

export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';
type LinkListener = (state: LinkState, detail: string | null) => void;

let watchLink: ((listener: LinkListener) => () => void) | null = null;
let connecting: Promise<BenchBridge> | null = null;

/** Connects once (main.ts starts it before Vue mounts, so the handshake overlaps the first render). */
export function connectBench(): Promise<BenchBridge> {
  connecting ??= (async () => {
    if (window.bench) return window.bench;
    const bridge = await import('../bridge/client.ts');
    const bench = await bridge.connectBrowserBench();
    watchLink = (listener) => bridge.onBridgeConnection((state, detail) => listener(state as LinkState, detail));
    window.bench = bench;
    return bench;
  })();
  return connecting;
}

/**
 * The link to the service (browser mode's WebSocket): while it is down every number on screen is stale,
 * and the UI must say so. In Electron the link is IPC within one app and never drops: no calls.
 */
export function onLinkChange(listener: LinkListener): () => void {
  return watchLink ? watchLink(listener) : () => undefined;
}
