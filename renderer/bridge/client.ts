// window.bench in a browser (browser mode): the WebSocket bridge of `benchctl serve` on this page's own
// origin. The printed URL carries the per-launch token (`/?token=…`); it is moved into sessionStorage and
// out of the address bar at once, so it does not linger in history or screenshots, and a reload still
// connects.
import type { BenchBridge } from '../../service/bench-api.ts';
import { BRIDGE_PATH } from '../../service/bridge-protocol.ts';
import { BridgeClient, type SocketLike } from './bridge-client.ts';

const TOKEN_KEY = 'benchctl.bridge-token';

export class BridgeTokenMissingError extends Error {
  override name = 'BridgeTokenMissingError';
}

/** The token from the URL (then removed from it) or from this tab's session. */
export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  const stored = window.sessionStorage.getItem(TOKEN_KEY);
  if (stored) return stored;
  throw new BridgeTokenMissingError('no bridge token: open the URL that `benchctl serve` printed (it ends in ?token=…)');
}

let client: BridgeClient | null = null;

/** Connects to the page's own server and returns the bridge; the same one on every call. */
export async function connectBrowserBench(): Promise<BenchBridge> {
  if (!client) {
    const token = takeToken();
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const c = new BridgeClient({
      url: `${scheme}://${window.location.host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`,
      createSocket: (u) => new WebSocket(u) as unknown as SocketLike,
    });
    try {
      await c.connect();
    } catch (err) {
      c.close();
      throw err;
    }
    client = c;
  }
  return client.bridge();
}

/** The connection's state changes, for a "disconnected" banner. */
export function onBridgeConnection(listener: (state: string, detail: string | null) => void): () => void {
  if (!client) throw new Error('onBridgeConnection: connectBrowserBench() has not been called');
  return client.onConnection(listener);
}
