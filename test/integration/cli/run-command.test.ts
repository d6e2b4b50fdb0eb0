// `benchctl run`, `validate` and `resume` as a user runs them: exit codes 0/1/2, --json events, errors
// naming file/line/field, Ctrl-C aborting safely, and resume after a SIGKILL with no duplicate or missing row.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { runBenchctl } from './run-benchctl.ts';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));
const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-run-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function sequence(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `sequence: ${name}\nmetadata: { dut: CHIP-9, operator: test }\n${body}`);
  return file;
}

const MEASURE = 'steps:\n  - set: { laser.output: on }\n  - measure: { channels: [1, 2], samples: 3 }\n';

function events(stdout: string): RunEvent[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
}

function onlyRunFolder(): string {
  const runs = readdirSync(join(dir, 'runs'));
  expect(runs).toHaveLength(1);
  return join(dir, 'runs', runs[0] as string);
}

describe('benchctl run', () => {
  it('exit 0 when every limit passes; --json prints one event per line', async () => {
    const file = sequence('ok', `${MEASURE}limits:\n  - { measurement: power_ch1_dBm, min: -120dBm }\n`);
    const r = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({ type: 'run-started', sequence: 'ok', dut: 'CHIP-9' });
    expect(ev.at(-1)).toMatchObject({ type: 'finished', passed: true });
    expect(ev.filter((e) => e.type === 'point')).toHaveLength(6);
    const folder = onlyRunFolder();
    expect(folder).toMatch(/\d{8}-\d{6}-ok-CHIP-9$/);
    expect(readdirSync(folder).sort()).toEqual(['journal.jsonl', 'power.csv', 'run.json', 'sequence.yaml']);
    expect((JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord).status).toBe('passed');
  });

  it('--seed picks the simulated chip and is recorded, so resume opens the same one', async () => {
    const file = sequence('seeded', MEASURE);
    const r = await runBenchctl(['run', file, '--sim', '--seed', '7', '--out', join(dir, 'runs')]);
    expect(r.code).toBe(0);
    const first = JSON.parse(readFileSync(join(onlyRunFolder(), 'journal.jsonl'), 'utf8').split('\n')[0] ?? '') as { config: { bench: unknown } };
    expect(first.config.bench).toEqual({ sim: true, seed: 7, realtime: false });
    expect((JSON.parse(readFileSync(join(onlyRunFolder(), 'run.json'), 'utf8')) as RunRecord).bench.name).toMatch(/seed 7/);
  });

  it('exit 1 when a limit fails, with the verdicts printed', async () => {
    const file = sequence('fail', `${MEASURE}limits:\n  - { measurement: power_ch1_dBm, min: 20dBm }\n`);
    const r = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED in .*\n {2}FAIL measure power_ch1_dBm = .* dBm \(min 20\)/);
  });

  it('exit 2 on a sequence error, naming file, line and field, before any run folder exists', async () => {
    const file = sequence('bad', 'steps:\n  - set:\n      laser.wavelength: 1550\n');
    const r = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:5:25: steps[0].set.laser.wavelength: expected a wavelength with a unit`);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('exit 2 when a value is outside the instrument range of the opened bench (nothing moved)', async () => {
    const file = sequence('range', 'steps:\n  - set: { laser.wavelength: 1300nm }\n');
    const r = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/range\.yaml:4:\d+: steps\[0\]\.set\.laser\.wavelength: 1300 nm is outside the laser's wavelength range/);
  });

  it('exit 2 on a bad --set and on bad options', async () => {
    const file = sequence('p', 'parameters:\n  wl: 1550nm\nsteps:\n  - set: { laser.wavelength: $wl }\n');
    const bad = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs'), '--set', 'wl=3dBm']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--set wl: expected a wavelength with a unit .*'dBm' is the unit of an optical power/);
    const both = await runBenchctl(['run', file, '--sim', '--bench', 'b.yaml']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give either --bench FILE or --sim, not both/);
    const none = await runBenchctl(['run', file]);
    expect(none.stderr).toMatch(/expected --bench FILE .* or --sim/);
    // Three benchctl processes, each a Node start-up: on a loaded 2-core machine that is past the default.
  }, 60_000);

  it('exit 2 when a step fails; the run folder says why', async () => {
    // Outside a "type": "module" package, an ES module script needs the .mts extension.
    const file = sequence('err', 'steps:\n  - set: { laser.output: on }\n  - script: { module: ./missing-export.mts, export: nope }\n');
    writeFileSync(join(dir, 'missing-export.mts'), 'export const x = 1;\nexport async function scan() {}\n');
    const r = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs'), '--json']);
    expect(r.code).toBe(2);
    expect(events(r.stdout).at(-1)).toMatchObject({ type: 'aborted', reason: 'error', stepId: 'script', safe: { ok: true } });
    const record = JSON.parse(readFileSync(join(onlyRunFolder(), 'run.json'), 'utf8')) as RunRecord;
    expect(record).toMatchObject({ status: 'error', message: expect.stringMatching(/export 'nope' is not a function; functions exported: scan/) });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s (Ctrl-C, or a service manager stopping it) aborts safely with exit 2', async (signal) => {
    const file = sequence('long', 'steps:\n  - set: { laser.output: on }\n  - wait: 1h\n');
    const child = spawn(process.execPath, [BENCHCTL, 'run', file, '--sim', '--realtime', '--out', join(dir, 'runs'), '--json']);
    children.push(child);
    let out = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"type":"step-started","stepId":"wait"')) resolve();
    }));
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(events(out).at(-1)).toMatchObject({ type: 'aborted', reason: 'user', message: `interrupted by ${signal}`, stepId: 'wait', safe: { ok: true } });
  });
});

describe('benchctl validate', () => {
  it('prints the plan and its ETA, exit 0, for every library sequence', async () => {
    for (const f of ['align', 'gc-spectrum', 'ber-waterfall', 'ber-extrapolate', 'ber-pam4', 'dut-characterization', 'overnight-drift', 'array-align']) {
      const r = await runBenchctl(['validate', join(LIBRARY, `${f}.yaml`)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`${f} on SIM-C[A-Z]+-1: \\d+ steps, estimated .* of bench time`));
    }
  }, 90_000); // a subprocess per file: its start-up (tsx) is seconds on a busy machine

  it('with --bench, refuses a move beyond the bench file soft limits', async () => {
    const bench = join(dir, 'bench.yaml');
    writeFileSync(bench, [
      'name: test bench',
      'instruments:',
      '  stage:',
      '    resource: TCPIP0::127.0.0.1::5030::SOCKET',
      '    driver: scpi-stage',
      '    axes:',
      '      X: { axis: 1, min_um: 0, max_um: 25000 }',
      '      Y: { axis: 2, min_um: 0, max_um: 25000 }',
      '      Z: { axis: 3, min_um: 5008, max_um: 10000 }',
      '',
    ].join('\n'));
    const file = sequence('deep', 'steps:\n  - set: { stage.Z: 5001um }\n');
    const ok = await runBenchctl(['validate', file]);
    expect(ok.code).toBe(0);
    const r = await runBenchctl(['validate', file, '--bench', bench, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/deep\.yaml:4:\d+: steps\[0\]\.set\.stage\.Z: a move of stage axis Z to 5001 µm is beyond its soft limits \[5008, 10000\] µm/);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, issues: [{ line: 4, field: 'steps[0].set.stage.Z' }] });
   }, 60_000);
});

describe('benchctl resume', () => {
  it('continues a SIGKILLed run into the same CSV with no duplicate and no missing point', async () => {
    const SAMPLES = 1500;
    const file = sequence('killed', `steps:\n  - set: { laser.output: on }\n  - measure: { channels: [1], samples: ${SAMPLES} }\n  - log: done\n`);
    const child = spawn(process.execPath, [BENCHCTL, 'run', file, '--sim', '--out', join(dir, 'runs'), '--json']);
    children.push(child);
    let points = 0;
    let buffered = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      points += lines.filter((l) => l.includes('"type":"point"')).length;
      if (points >= 300) resolve();
    }));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const folder = onlyRunFolder();
    const before = parse(readFileSync(join(folder, 'power.csv'), 'utf8'), { comment: '#', columns: true, relax_column_count: true }) as Record<string, string>[];
    expect(before.length).toBeGreaterThanOrEqual(300);
    expect(before.length).toBeLessThan(SAMPLES);

    const r = await runBenchctl(['resume', folder, '--json'], { timeout_ms: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({ type: 'run-started', resumed: true, completed: ['set'] });
    expect(ev[1]).toMatchObject({ type: 'log', message: 'resuming: putting the bench back as the finished steps left it before measure continues' });
    expect(ev[2]).toMatchObject({ type: 'log', message: 'resuming: applying again laser.output=true' });
    const firstPoint = ev.find((e) => e.type === 'point');
    expect(firstPoint).toMatchObject({ stepId: 'measure' });
    const rows = parse(readFileSync(join(folder, 'power.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows.map((x) => Number(x.sample))).toEqual(Array.from({ length: SAMPLES }, (_, i) => i));
    const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;
    expect(record).toMatchObject({ status: 'passed', resumed: [expect.any(String)] });
    expect(record.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(record.steps[1]?.tables[0]?.rows).toBe(SAMPLES);
    // The mean covers every row, those before the kill included, whatever instant the kill hit.
    const mean_mW = rows.reduce((sum, x) => sum + 10 ** (Number(x.power_dBm) / 10), 0) / SAMPLES;
    expect(record.steps[1]?.measurements['power_dBm']?.value).toBeCloseTo(10 * Math.log10(mean_mW), 6);
  }, 90_000);

  it('resumes ber-waterfall SIGKILLed mid-BER-sweep on a fresh --sim bench: re-aligned, then every point once', async () => {
    const child = spawn(process.execPath, [BENCHCTL, 'run', join(LIBRARY, 'ber-waterfall.yaml'), '--sim', '--out', join(dir, 'runs'), '--json'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child as unknown as ChildProcessWithoutNullStreams);
    // stdout lags the run (events queue in the pipe); the CSV is written before each point resolves.
    const berRows = () => {
      const runsDir = join(dir, 'runs');
      const run = existsSync(runsDir) ? readdirSync(runsDir)[0] : undefined;
      const file = run ? join(runsDir, run, 'ber.csv') : '';
      return run && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => /^\d/.test(l)).length : 0;
    };
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (berRows() >= 8) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
      child.once('close', () => {
        clearInterval(timer);
        reject(new Error('benchctl run ended before it could be killed mid-sweep'));
      });
    });
    await new Promise((resolve) => child.once('close', resolve));
    const folder = onlyRunFolder();
    const before = berRows();
    expect(before).toBeGreaterThanOrEqual(8);
    expect(before).toBeLessThan(29);

    const r = await runBenchctl(['resume', folder, '--json'], { timeout_ms: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({ type: 'run-started', resumed: true, completed: ['set', 'approach', 'align', 'boost'] });
    expect(ev.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^resuming: applying again .*stage Z=5020 µm, X=12500 µm, Y=12500 µm/),
      expect.stringMatching(/^resuming: running align again so that ber stands on an aligned fiber; its readings go to resume-1\.align\.align_scan\.csv/),
      'resuming: applying again laser.power=13',
    ]));
    const rows = parse(readFileSync(join(folder, 'ber.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows.map((x) => Number(x['attenuation_dB']))).toEqual(Array.from({ length: 29 }, (_, i) => 14 - i * 0.5));
    expect(existsSync(join(folder, 'resume-1.align.align_scan.csv'))).toBe(true);
    const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;
    expect(record).toMatchObject({ status: 'passed', restorations: [{ before: 'ber', rerun: { stepId: 'align', status: 'done' } }] });
  }, 90_000);

  it('continues an aborted run, and refuses one that finished', async () => {
    const file = sequence('again', 'steps:\n  - set: { laser.output: on }\n  - script: { module: ./flaky.mts }\n  - log: after\n');
    // Fails while the marker file exists: the first run errors (exit 2), the resumed one passes.
    const marker = join(dir, 'fail-once');
    writeFileSync(marker, '');
    writeFileSync(join(dir, 'flaky.mts'), `import { existsSync } from 'node:fs';\nexport default async function () {\n  if (existsSync(${JSON.stringify(marker)})) throw new Error('flaky fixture');\n}\n`);
    const first = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs')]);
    expect(first.code).toBe(2);
    rmSync(marker);
    const folder = onlyRunFolder();
    const second = await runBenchctl(['resume', folder, '--json']);
    expect(second.code).toBe(0);
    expect(events(second.stdout).filter((e) => e.type === 'step-started').map((e) => (e as { stepId: string }).stepId)).toEqual(['script', 'log']);
    const third = await runBenchctl(['resume', folder]);
    expect(third.code).toBe(2);
    expect(third.stderr).toMatch(/already finished \(passed\); there is nothing to resume/);
  }, 60_000);

  it('refuses a folder that is not a run', async () => {
    const r = await runBenchctl(['resume', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no journal; expected a run folder written by benchctl run/);
  });
});
