// window.bench in a browser (browser mode): the WebSocket bridge of `benchctl serve` on this page's own
// origin. The page was reached through /login, which set an HttpOnly session cookie; the browser sends it
// with the WebSocket handshake, so no secret is in the URL, in storage, or readable by scripts.
import type { BenchBridge } from '../../service/bench-api.ts';
import { BRIDGE_PATH } from '../../service/bridge-protocol.ts';
import { BridgeClient, type SocketLike } from './bridge-client.ts';

let client: BridgeClient | null = null;

/** Connects to the page's own server and returns the bridge; the same one on every call. */
export async function connectBrowserBench(): Promise<BenchBridge> {
  if (!client) {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const c = new BridgeClient({
      url: `${scheme}://${window.location.host}${BRIDGE_PATH}`,
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
