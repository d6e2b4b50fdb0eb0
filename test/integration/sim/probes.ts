// Small probes the simulator's integration tests share: is a process still there, and a line client on a
// loopback port.
import net from 'node:net';
import { LineClient } from '../../unit/sim/link/line-client.ts';

/** True while a process with this id exists (signal 0 only asks). */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A line client connected to 127.0.0.1:`port`; rejects with the socket error when nothing listens. */
export async function dial(port: number): Promise<LineClient> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return new LineClient(socket);
}
