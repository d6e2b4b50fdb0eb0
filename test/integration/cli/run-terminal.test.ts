// `benchctl run` as a person sees it on a terminal (a pty, through util-linux `script`): the progress bar
// with the current step and the ETA, log lines above it, the verdict.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));
// util-linux `script` is a test dependency (.ci/run installs it): without it this test must fail, not skip.
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-tty-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sequence(body: string): string {
  const file = join(dir, 'tty.yaml');
  writeFileSync(file, `sequence: tty\nmetadata: { dut: CHIP-T }\n${body}`);
  return file;
}

/** Terminal control sequences (ESC [ … letter): cursor moves, line clears. */
const ANSI_CSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs benchctl on a pty; resolves with its exit code and everything the terminal received. */
function onTerminal(args: string[]): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BENCHCTL, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    // -e: script exits with the command's status; the session log goes nowhere, the screen to stdout.
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (screen += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no end within 60 s; screen so far:\n${screen}`));
    }, 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('benchctl run on a terminal', () => {
  it('needs util-linux script (installed by .ci/run)', () => {
    expect(HAS_SCRIPT, 'util-linux `script` is not installed: apt-get install util-linux').toBe(true);
  });

  it('draws a progress bar with the step and the ETA, the log lines above it, then the verdict', async () => {
    const file = sequence([
      'steps:',
      '  - set: { laser.output: on }',
      '  - wait: 30s',
      '  - log: halfway',
      '  - measure: { channels: [1], samples: 3 }',
      'limits:',
      '  - { measurement: power_dBm, step: measure, min: -120dBm }',
      '',
    ].join('\n'));
    const { code, screen } = await onTerminal(['run', file, '--sim', '--out', join(dir, 'runs')]);
    expect(code).toBe(0);
    const text = screen.replace(ANSI_CSI, '').replace(/\r/g, '\n');
    expect(screen).toContain('\x1b[?25l'); // the cursor hidden while the bar is drawn…
    expect(screen).toContain('\x1b[?25h'); // …and shown again at the end
    expect(text).toMatch(/run \S+: tty on CHIP-T, 4 steps, estimated 30 s/);
    expect(text).toMatch(/[█░]+ \d+% \| step 2\/4 wait \| ETA [\d.]+ s \(bench\)/);
    expect(text).toMatch(/log: halfway/);
    expect(text).toMatch(/[█]+ 100% \| step 4\/4 {2}\| ETA 0\.0 s \(bench\)/);
    expect(text).toMatch(/PASSED in 30 s \(bench time\)\n\s*PASS measure power_dBm = -?[\d.]+ dBm \(min -120\)/);
  }, 90_000);

});
