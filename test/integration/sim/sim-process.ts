// Runs `benchctl sim` as a child process for the integration tests: waits for `ready`, parses the
// machine-readable lines, and always kills the child on cleanup (even when a test failed).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));

export interface SimProcess {
  readonly child: ChildProcess;
  /** role → TCP resource, from the `role <role> <resource>` lines. */
  readonly tcp: Record<string, string>;
  /** role → serial resource, from the `pty <role> <resource>` lines. */
  readonly pty: Record<string, string>;
  /** Everything printed to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the killing signal's name). */
  readonly exited: Promise<number | string>;
  /** SIGKILLs the child if it is still running. */
  kill(): Promise<void>;
}

export function portOf(resource: string | undefined): number {
  const m = /^TCPIP0::127\.0\.0\.1::(\d+)::SOCKET$/.exec(resource ?? '');
  if (!m) throw new Error(`not a loopback SOCKET resource: ${String(resource)}`);
  return Number(m[1]);
}

export async function startSim(args: string[], ready_ms = 15_000): Promise<SimProcess> {
  const child = spawn(process.execPath, [BENCHCTL, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (err += s));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const tcp: Record<string, string> = {};
  const pty: Record<string, string> = {};
  const sim: SimProcess = {
    child,
    tcp,
    pty,
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`benchctl sim printed no 'ready' within ${ready_ms} ms.\nstdout:\n${out}\nstderr:\n${err}`)), ready_ms);
      child.stdout.on('data', (s: string) => {
        out += s;
        if (/^ready$/m.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`benchctl sim exited (${code}) before 'ready'.\nstdout:\n${out}\nstderr:\n${err}`));
      });
    });
  } catch (e) {
    await sim.kill();
    throw e;
  }
  for (const line of out.split('\n')) {
    const m = /^(role|pty) (\S+) (\S+)$/.exec(line);
    if (m?.[1] === 'role') tcp[m[2] ?? ''] = m[3] ?? '';
    if (m?.[1] === 'pty') pty[m[2] ?? ''] = m[3] ?? '';
  }
  return sim;
}
