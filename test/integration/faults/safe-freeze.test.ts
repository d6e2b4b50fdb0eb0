// The safe state that insists, against a frozen simulator: `benchctl sim --realtime` in its own process is
// frozen (SIGSTOP) during a run, the run is interrupted (SIGINT) while it is frozen, and stays frozen longer
// than the safe state's first try. The first try fails; the command keeps trying (saying `making safe…
// (laser not confirmed off)`) and, once the simulator thaws, ends with the laser confirmed off.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openResource } from '../../../drivers/open-resource.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { simBenchFileYaml } from '../../../sim/link/bench-file.ts';
import { startSim, type SimProcess } from '../sim/sim-process.ts';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));
/** Longer than a first try of the laser's safe state (its 10 s per-instrument limit). */
const FREEZE_MS = 13_000;

let dir: string;
let sim: SimProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-safe-freeze-'));
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

async function laserOutput(resource: string): Promise<boolean> {
  const s = await openResource(resource, { timeout_ms: 2000 });
  try {
    return (await s.queryNumber(':SOUR0:POW:STAT?')) === 1;
  } finally {
    await s.close();
  }
}

describe('making safe while the instruments are frozen', () => {
  it('a freeze longer than the first try still ends with the laser confirmed off', async () => {
    sim = await startSim(['--realtime', '--port-base', '0', '--no-pty']);
    const bench = join(dir, 'bench.yaml');
    writeFileSync(bench, simBenchFileYaml({ seed: 1, mode: 'realtime', tcp: sim.tcp }));
    const file = join(dir, 'long.yaml');
    writeFileSync(file, 'sequence: long\nmetadata: { dut: CHIP-S }\nsteps:\n' +
      '  - set: { laser.output: on }\n  - measure: { channels: [1], samples: 100000, interval: 50ms }\n');
    const pid = sim.child.pid as number;
    const child = spawn(process.execPath, [BENCHCTL, 'run', file, '--bench', bench, '--out', join(dir, 'runs'), '--json', '--safe-deadline', '60'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let frozenAt = 0;
    let thawedAt = 0;
    let abortedAt = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (abortedAt === 0 && out.includes('"type":"aborted"')) abortedAt = Date.now();
      if (frozenAt === 0 && out.includes('"type":"point"')) {
        frozenAt = Date.now();
        process.kill(pid, 'SIGSTOP');
        setTimeout(() => child.kill('SIGINT'), 300);
        setTimeout(() => {
          thawedAt = Date.now();
          process.kill(pid, 'SIGCONT');
        }, FREEZE_MS);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    expect(frozenAt).toBeGreaterThan(0);
    // The first try failed while frozen; the command said what it was waiting for and kept at it.
    const making = events.filter((e) => e.type === 'making-safe');
    expect(making.length).toBeGreaterThanOrEqual(1);
    // Each role reports as its own try fails, in whatever order the frozen links give up: the laser's among them.
    expect(making.find((e) => e.message.includes('laser not confirmed off'))).toMatchObject({ deadline_s: 60 });
    for (const e of making) expect(e.message).toMatch(/^making safe… \(/);
    // It ended only after the thaw, with every instrument safe.
    expect(thawedAt).toBeGreaterThan(0);
    expect(abortedAt).toBeGreaterThanOrEqual(thawedAt);
    const aborted = events.at(-1);
    expect(aborted).toMatchObject({ type: 'aborted', reason: 'user', safe: { ok: true } });
    expect(code).toBe(2);
    expect(err).not.toMatch(/NOT be made safe/);
    const [folder] = readdirSync(join(dir, 'runs'));
    const record = JSON.parse(readFileSync(join(dir, 'runs', folder ?? '', 'run.json'), 'utf8')) as RunRecord;
    expect(record.status).toBe('aborted');
    expect(record.unsafe).toBeUndefined();
    expect(await laserOutput(sim.tcp.laser ?? '')).toBe(false);
  }, 120_000);
});
