// Runs `node bin/benchctl.js …` as a child process (asynchronously, so a simulator served by the test
// process keeps answering), feeding stdin, and collects exit code and output. The child is killed if it
// outlives the deadline.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));

export interface BenchctlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runBenchctl(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeout_ms?: number } = {}): Promise<BenchctlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCHCTL, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`benchctl ${args.join(' ')} did not finish within ${opts.timeout_ms ?? 15_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeout_ms ?? 15_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
