// `benchctl run` lands runs in the default index; `benchctl history` searches it (table, csv, json);
// `benchctl index rebuild` rebuilds from the folders, a damaged run.json named and skipped; the same on a
// lab's PostgreSQL with --index.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { startPgCluster, type PgCluster } from '../../helpers/pg-cluster.ts';
import { writeSyntheticRuns } from '../../helpers/synthetic-runs.ts';
import { runBenchctl } from './run-benchctl.ts';

const SEQUENCE = `sequence: cli-index
metadata: { dut: $dut, lot: LOT-5, operator: tester }
parameters: { dut: CHIP-1 }
steps:
  - set: { laser.wavelength: 1550nm, laser.power: 3dBm, laser.output: on, voa.output: on }
  - measure: { channels: [2], samples: 2, interval: 1s }
limits:
  - { measurement: power_ch2_dBm, min: -40dBm }
`;

const dirs: string[] = [];
let cluster: PgCluster | null = null;
afterAll(async () => {
  await cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'benchctl-history-'));
  dirs.push(d);
  return d;
};

describe('benchctl history and index', () => {
  it('finds runs recorded by benchctl run in the default index, in every format', async () => {
    const dir = temp();
    const seq = join(dir, 'seq.yaml');
    writeFileSync(seq, SEQUENCE);
    const runs = join(dir, 'runs');
    for (const dut of ['CHIP-1', 'CHIP-2']) {
      const r = await runBenchctl(['run', seq, '--sim', '--out', runs, '--set', `dut=${dut}`], { timeout_ms: 60_000 });
      expect(r.code, r.stderr).toBe(0);
    }
    const json = await runBenchctl(['history', '--runs', runs, '--format', 'json'], { timeout_ms: 30_000 });
    expect(json.code, json.stderr).toBe(0);
    const list = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(list).toHaveLength(2);
    expect(Object.keys(list[0]!).sort()).toEqual(['dut', 'lot', 'measurements', 'passed', 'runId', 'started', 'status']);
    expect(list.map((r) => r['dut'])).toEqual(['CHIP-2', 'CHIP-1']);
    expect(list[0]).toMatchObject({ lot: 'LOT-5', status: 'passed', passed: true });
    expect((list[0]!['measurements'] as Record<string, unknown>[]).find((m) => m['name'] === 'power_ch2_dBm')).toMatchObject({ step: 'measure', unit: 'dBm', min: -40, verdict: 'pass' });
    const one = await runBenchctl(['history', '--runs', runs, '--dut', 'CHIP-1', '--where', 'power_ch2_dBm > -40', '--format', 'csv'], { timeout_ms: 30_000 });
    expect(one.code, one.stderr).toBe(0);
    const rows = parseCsv(one.stdout) as string[][];
    expect(rows[0]).toEqual(['started', 'runId', 'sequence', 'dut', 'lot', 'wafer', 'status', 'result', 'power_ch2_dBm']);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.slice(2, 8)).toEqual(['cli-index', 'CHIP-1', 'LOT-5', '', 'passed', 'PASS']);
    expect(Number(rows[1]![8])).toBeGreaterThan(-40);
    const none = await runBenchctl(['history', '--runs', runs, '--where', 'power_ch2_dBm < -100'], { timeout_ms: 30_000 });
    expect(none.stdout).toBe('no runs match\n');
    const table = await runBenchctl(['history', '--runs', runs, '--lot', 'LOT-5', '--since', '2000-01-01'], { timeout_ms: 30_000 });
    expect(table.stdout).toMatch(/started +runId +sequence +dut +lot/);
    expect(table.stdout.trim().split('\n').filter((l) => / cli-index +CHIP-\d +LOT-5 /.test(l))).toHaveLength(2);
  }, 150_000);

  it('refuses bad input naming the option and what was expected', async () => {
    const dir = temp();
    const cases: [string[], RegExp][] = [
      [['history', '--where', 'power_dBm is high'], /--where 'power_dBm is high': 'power_dBm is high' has no comparison; expected "<measurement> <comparison> <number>"/],
      [['history', '--since', 'yesterday'], /--since: expected a date \(2026-01-31\) or an ISO time/],
      [['history', '--index', 'mysql://x/y'], /--index: 'mysql:\/\/x\/y' is not a supported index; expected a postgresql:\/\/ URL or an SQLite file path/],
      [['index', 'rebuild', '--runs', join(dir, 'nowhere')], /no runs folder .*nowhere/],
    ];
    for (const [args, message] of cases) {
      const r = await runBenchctl(args, { timeout_ms: 30_000 });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 120_000);

  it('rebuilds into a lab PostgreSQL, skipping a damaged run.json by name, and history searches it there', async () => {
    cluster ??= await startPgCluster();
    const url = await cluster.createDatabase('cli_history');
    const runs = join(temp(), 'runs');
    writeSyntheticRuns(runs, 0, 40, { lots: 4 });
    mkdirSync(join(runs, 'half-written'));
    writeFileSync(join(runs, 'half-written', 'run.json'), '{"runId": "half-wr');
    const first = await runBenchctl(['index', 'rebuild', '--runs', runs, '--index', url], { timeout_ms: 60_000 });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/skipped half-written: .*half-written\/run\.json: not valid JSON/);
    expect(first.stdout).toMatch(/^40 run\(s\) indexed, 0 unchanged, 1 skipped \(1440 rows\) from .*runs into PostgreSQL postgresql:/);
    const again = await runBenchctl(['index', 'rebuild', '--runs', runs, '--index', url], { timeout_ms: 60_000 });
    expect(again.stdout).toMatch(/^0 run\(s\) indexed, 40 unchanged, 1 skipped/);
    const r = await runBenchctl(['history', '--index', url, '--lot', 'L002', '--where', 'power_dBm > -20', '--format', 'json', '--limit', '3'], { timeout_ms: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { lot: string; started: string; measurements: { name: string; value: number }[] }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(3);
    for (const run of list) {
      expect(run.lot).toBe('L002');
      expect(run.measurements.some((m) => m.name === 'power_dBm' && m.value > -20)).toBe(true);
    }
    expect(list.map((x) => x.started)).toEqual([...list.map((x) => x.started)].sort().reverse());
  }, 150_000);
});
