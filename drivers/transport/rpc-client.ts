// An ONC RPC client over one TCP connection: calls go out in order and replies are matched by xid, so
// a VXI-11 write and the read behind it can be in flight together.
import net from 'node:net';
import { RecordReader, decodeReply, encodeCall, frameRecord } from '../scpi/onc-rpc.ts';
import { describeIoError } from './transport.ts';

interface Pending {
  resolve: (results: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | null;
}

/** The RPC layer failed: the server refused a call, a reply was malformed, or the connection broke. */
export class RpcError extends Error {
  override name = 'RpcError';
}

export class RpcClient {
  private readonly pending = new Map<number, Pending>();
  private readonly records = new RecordReader();
  private xid = Math.floor(Math.random() * 0x7fffffff);
  private broken: Error | null = null;
  private closeListeners: ((err: Error | null) => void)[] = [];

  private constructor(private readonly socket: net.Socket, readonly host: string, readonly port: number) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.fail(new RpcError(`RPC connection to ${host}:${port}: ${describeIoError(err)}`)));
    socket.on('close', () => this.fail(new RpcError(`RPC connection to ${host}:${port} closed`)));
  }

  /** Connects within `timeout_ms`; rejects with the socket's error text. */
  static connect(host: string, port: number, timeout_ms: number): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true, keepAlive: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RpcError(`no connection to ${host}:${port} within ${timeout_ms} ms`));
      }, timeout_ms);
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RpcError(`${host}:${port}: ${describeIoError(err)}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RpcClient(socket, host, port));
      });
    });
  }

  /** Runs when the connection breaks or is closed (null when closed by close()). */
  onClose(listener: (err: Error | null) => void): void {
    this.closeListeners.push(listener);
  }

  /** One call; `timeout_ms` null waits as long as the connection lives (the server bounds it, e.g. io_timeout). */
  call(prog: number, vers: number, proc: number, args: Buffer, timeout_ms: number | null): Promise<Buffer> {
    if (this.broken) return Promise.reject(this.broken);
    this.xid = (this.xid + 1) >>> 0;
    const xid = this.xid;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = timeout_ms === null ? null : setTimeout(() => {
        this.pending.delete(xid);
        reject(new RpcError(`no reply to RPC procedure ${proc} from ${this.host}:${this.port} within ${timeout_ms} ms`));
      }, timeout_ms);
      this.pending.set(xid, { resolve, reject, timer });
      this.socket.write(frameRecord(encodeCall({ xid, prog, vers, proc, args })));
    });
  }

  close(): void {
    if (!this.broken) this.fail(null);
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.records.push(chunk);
    } catch (err) {
      this.fail(new RpcError(`malformed RPC record from ${this.host}:${this.port}: ${(err as Error).message}`));
      this.socket.destroy();
      return;
    }
    for (const msg of messages) {
      let reply;
      try {
        reply = decodeReply(msg);
      } catch (err) {
        this.fail(new RpcError(`malformed RPC reply from ${this.host}:${this.port}: ${(err as Error).message}`));
        this.socket.destroy();
        return;
      }
      const p = this.pending.get(reply.xid);
      if (!p) continue; // the reply to a call that already timed out
      this.pending.delete(reply.xid);
      if (p.timer) clearTimeout(p.timer);
      if (reply.kind === 'success') p.resolve(reply.results);
      else p.reject(new RpcError(`${this.host}:${this.port} refused the RPC call: ${reply.reason}`));
    }
  }

  private fail(err: Error | null): void {
    if (this.broken) return;
    this.broken = err ?? new RpcError(`RPC connection to ${this.host}:${this.port} closed`);
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(this.broken);
    }
    this.pending.clear();
    for (const l of this.closeListeners) l(err);
  }
}
