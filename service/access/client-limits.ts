// Caps per client, so one client (a stuck script, a flood) cannot starve the others: connections open at
// once, and calls in flight (sent and not yet answered). A client is a session or a token; over a cap the
// connection is refused (HTTP 429) or the call answered at once with TooManyCallsError.
export interface ClientLimitOptions {
  /** WebSocket connections open at once per client; default 8. */
  maxConnections?: number;
  /** Calls in flight per client, over all its connections; default 32. */
  maxCallsInFlight?: number;
}

export class TooManyCallsError extends Error {
  override name = 'TooManyCallsError';
}

export class ClientLimits {
  readonly maxConnections: number;
  readonly maxCallsInFlight: number;
  private readonly connections = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  constructor(opts: ClientLimitOptions = {}) {
    this.maxConnections = opts.maxConnections ?? 8;
    this.maxCallsInFlight = opts.maxCallsInFlight ?? 32;
  }

  /** Takes a connection slot; false when the client has its cap open already. */
  connect(client: string): boolean {
    const n = this.connections.get(client) ?? 0;
    if (n >= this.maxConnections) return false;
    this.connections.set(client, n + 1);
    return true;
  }

  disconnect(client: string): void {
    const n = (this.connections.get(client) ?? 1) - 1;
    if (n <= 0) this.connections.delete(client);
    else this.connections.set(client, n);
  }

  /** Takes a call slot; false when the client has its cap in flight. */
  beginCall(client: string): boolean {
    const n = this.inFlight.get(client) ?? 0;
    if (n >= this.maxCallsInFlight) return false;
    this.inFlight.set(client, n + 1);
    return true;
  }

  endCall(client: string): void {
    const n = (this.inFlight.get(client) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(client);
    else this.inFlight.set(client, n);
  }
}
