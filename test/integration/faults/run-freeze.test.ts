// The issue's freeze, as a user meets it: `benchctl sim --realtime` in its own process, `benchctl run
// gc-spectrum.yaml --bench … --reconnect-deadline 30` against it, and the simulator frozen (SIGSTOP) for
// 4 s while the stage approaches the chip, then thawed (SIGCONT) — a hung box or a stalled network. The
// run pauses (`instrument-lost`, `not answering`), resynchronises, re-reads the stage, and passes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import { simBenchFileYaml } from '../../../sim/link/bench-file.ts';
import { startSim, type SimProcess } from '../sim/sim-process.ts';

const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));
const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));

let dir: string;
let sim: SimProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-freeze-'));
});
afterEach(async () => {
  if (sim?.child.pid) {
    try {
      process.kill(sim.child.pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
  await sim?.kill();
  sim = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a frozen simulator during a run', () => {
  it('a 4 s freeze while the stage approaches pauses the run (not answering), and the run goes on to pass', async () => {
    sim = await startSim(['--realtime', '--port-base', '0', '--no-pty']);
    const bench = join(dir, 'bench.yaml');
    writeFileSync(bench, simBenchFileYaml({ seed: 1, mode: 'realtime', tcp: sim.tcp }));
    const pid = sim.child.pid as number;
    const child = spawn(process.execPath, [BENCHCTL, 'run', join(LIBRARY, 'gc-spectrum.yaml'), '--bench', bench,
      '--reconnect-deadline', '30', '--out', join(dir, 'runs'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let frozen = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!frozen && out.includes('"stepId":"approach"')) {
        frozen = true;
        process.kill(pid, 'SIGSTOP');
        setTimeout(() => process.kill(pid, 'SIGCONT'), 4000);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    expect(frozen).toBe(true);
    expect(err).toBe('');
    const lost = events.filter((e) => e.type === 'instrument-lost');
    expect(lost.length).toBeGreaterThanOrEqual(1);
    expect(lost[0]).toMatchObject({ reason: 'not answering', deadline_s: 30, error: expect.stringMatching(/timeout after \d+ ms/) });
    expect(events.some((e) => e.type === 'paused' && e.reason === 'instrument-lost')).toBe(true);
    expect(events.find((e) => e.type === 'instrument-restored')).toMatchObject({ reason: 'not answering' });
    // Nothing that moves is re-sent on trust: the stalled role's state is read back first.
    expect(events.some((e) => e.type === 'log' && /after the stall, re-read before going on/.test(e.message))).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'finished', passed: true });
    expect(code).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, 'runs', readdirSync(join(dir, 'runs'))[0] ?? '', 'run.json'), 'utf8')) as { status: string };
    expect(record.status).toBe('passed');
  }, 180_000);
});
