// One instrument on a serial pty: socat makes a pty pair, we open the device end with serialport and
// serve the instrument on it, and the user opens the client end (`ASRL<dir>/<name>-client::INSTR`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import type { InstrumentHost } from './instrument-host.ts';
import { serveStream } from './stream-link.ts';

/** socat is missing or the pty could not be made; the message says which and what to do. */
export class PtyUnavailableError extends Error {
  override name = 'PtyUnavailableError';
}

export interface PtyEndpoint {
  readonly role: string;
  /** The path users open (a symlink to the pty's client side). */
  readonly path: string;
  /** `ASRL<path>::INSTR` */
  readonly resource: string;
  /** socat's process id, for leak checks. */
  readonly pid: number | undefined;
  /** Kills socat, closes the device end and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

const LINK_WAIT_MS = 5000;

/** True when socat is on PATH. */
export function socatAvailable(): boolean {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Serves `host` on a fresh pty pair. A dropped connection is a serial cable pulled and plugged back: socat
 * is restarted on the same link paths, so the client's open handle goes dead and a reopen works again.
 */
export async function servePty(host: InstrumentHost, opts: { name?: string } = {}): Promise<PtyEndpoint> {
  if (!socatAvailable()) {
    throw new PtyUnavailableError(`serving '${host.role}' on a serial pty needs socat, which is not installed (apt-get install socat)`);
  }
  const name = opts.name ?? host.role;
  const dir = await mkdtemp(join(tmpdir(), 'benchctl-sim-'));
  const clientPath = join(dir, `${name}-client`);
  const devPath = join(dir, `${name}-dev`);
  let socat: ChildProcess | undefined;
  let device: SerialPort | undefined;
  let closed = false;

  const start = async (): Promise<void> => {
    socat = await spawnSocat(clientPath, devPath);
    device = new SerialPort({ path: devPath, baudRate: 921600, autoOpen: false });
    const dev = device;
    await new Promise<void>((resolve, reject) => dev.open((err) => (err ? reject(err) : resolve())));
    serveStream(host, dev, 'pty', () => {
      // A replug that fails (socat gone from PATH meanwhile) leaves the line dead, like an adapter that did
      // not come back; it must not take the whole simulator down.
      replug().catch((err: unknown) => {
        process.emitWarning(`re-plugging the '${host.role}' pty failed; the line stays dead: ${(err as Error).message}`, 'SimulatorLink');
      });
    });
  };
  const stop = async (): Promise<void> => {
    const dev = device;
    device = undefined;
    if (dev?.isOpen) await new Promise<void>((resolve) => dev.close(() => resolve()));
    else dev?.destroy();
    const child = socat;
    socat = undefined;
    if (child) await killAndWait(child);
  };
  let replugging: Promise<void> | undefined;
  const replug = (): Promise<void> => {
    replugging ??= (async () => {
      await stop();
      if (!closed) await start();
    })().finally(() => (replugging = undefined));
    return replugging;
  };

  try {
    await start();
  } catch (err) {
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw err instanceof PtyUnavailableError ? err : new PtyUnavailableError(`serving '${host.role}' on a pty: ${(err as Error).message}`, { cause: err });
  }
  let closing: Promise<void> | undefined;
  return {
    role: host.role,
    path: clientPath,
    resource: `ASRL${clientPath}::INSTR`,
    get pid() {
      return socat?.pid;
    },
    close() {
      closing ??= (async () => {
        closed = true;
        await replugging?.catch(() => undefined);
        await stop();
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

async function spawnSocat(clientPath: string, devPath: string): Promise<ChildProcess> {
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${clientPath}`, `pty,raw,echo=0,link=${devPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    if (stderr.length < 4000) stderr += s;
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  const deadline = Date.now() + LINK_WAIT_MS;
  // socat prints "starting data transfer loop" once both ptys and links exist.
  while (!(existsSync(clientPath) && existsSync(devPath) && stderr.includes('starting data transfer loop'))) {
    if (exited) throw new PtyUnavailableError(`socat exited before the pty links appeared: ${stderr.trim() || 'no output'}`);
    if (Date.now() > deadline) {
      await killAndWait(child);
      throw new PtyUnavailableError(`socat did not create ${clientPath} within ${LINK_WAIT_MS} ms: ${stderr.trim() || 'no output'}`);
    }
    await sleep(10);
  }
  return child;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
