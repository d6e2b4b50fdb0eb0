// Runs Debian's /usr/bin/python3 (the one with pyvisa + pyvisa-py) for the interop tests; every child still
// running is SIGKILLed by killPythons(), which the tests call in afterEach even when a test failed.
import { spawn, type ChildProcess } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

const pythons = new Set<ChildProcess>();

export function runPython(args: string[], timeout_ms = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    pythons.add(child);
    child.once('exit', () => pythons.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout_ms);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${PYTHON}: ${err.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function killPythons(): void {
  for (const child of pythons) child.kill('SIGKILL');
}
