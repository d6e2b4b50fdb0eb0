// A real serial path for tests: socat joins two ptys and links them as <tmp>/A and <tmp>/B.
// Whatever opens A talks to whatever opens B, through the kernel's tty layer, like a null-modem cable.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  readonly dir: string;
  /** Path of one end (open it as ASRL<a>::INSTR). */
  readonly a: string;
  readonly b: string;
  /** Kills socat and removes the links and their folder; idempotent. */
  close(): Promise<void>;
}

export class SocatMissingError extends Error {
  constructor() {
    super("socat is not installed, and the serial tests need it to make a pty pair: install it (Debian: 'apt-get install -y socat'); .ci/run does this");
    this.name = 'SocatMissingError';
  }
}

export interface SocatPairOptions {
  /** How long to wait for both links; default 5000. */
  timeout_ms?: number;
  /** The socat executable; default 'socat' from PATH. */
  socat?: string;
}

export async function openSocatPair(options: SocatPairOptions = {}): Promise<PtyPair> {
  const { timeout_ms = 5000, socat = 'socat' } = options;
  const dir = await mkdtemp(join(tmpdir(), 'benchctl-pty-'));
  const a = join(dir, 'A');
  const b = join(dir, 'B');
  const child = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilLinked(child, [a, b], timeout_ms);
  } catch (err) {
    await close();
    throw err;
  }
  return { dir, a, b, close };
}

function waitUntilLinked(child: ChildProcess, links: string[], timeout_ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`socat did not link ${links.join(' and ')} within ${timeout_ms} ms; its log:\n${log}`)), timeout_ms);
    // socat reports "starting data transfer loop" once both ptys exist and are linked.
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (!log.includes('starting data transfer loop')) return;
      Promise.all(links.map((l) => lstat(l))).then(() => finish(), (err: Error) => finish(err));
    };
    child.stderr?.on('data', onData);
    child.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ENOENT' ? new SocatMissingError() : err));
    child.once('exit', (code, signal) => finish(new Error(`socat exited (${signal ?? `code ${code}`}) before linking the ptys; its log:\n${log}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
