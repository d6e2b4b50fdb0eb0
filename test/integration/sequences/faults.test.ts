// The engine against the simulator with faults injected mid-run: a pulled cable (paused, reconnected,
// continued with no missing or duplicate point), an instrument that never comes back (aborted, bench
// safe), an interlock trip (the step fails, the laser is left off), and loss of BERT sync in a ber step.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';

let dir: string;
let run: PreparedRun | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-faults-'));
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const LIBRARY = join(import.meta.dirname, '../../../sequences/library');

function writeSequence(steps: string): string {
  const file = join(dir, 'seq.yaml');
  const text = `sequence: faults\nmetadata: { dut: CHIP-F }\nsteps:\n  - set: { laser.wavelength: 1550nm, laser.output: on, voa.output: on }\n${steps}`;
  writeFileSync(file, text);
  return file;
}

async function start(file: string, opts: { deadline_s?: number; safeDeadline_s?: number; set?: string[] } = {}) {
  run = await prepareRun({
    sequenceFile: file, outDir: join(dir, 'runs'), bench: { sim: true, seed: 3, realtime: false }, safeTimeout_s: 1,
    ...(opts.set ? { set: opts.set } : {}),
    recovery: {
      backoff_s: 0.05, maxBackoff_s: 0.2, ...(opts.deadline_s !== undefined ? { deadline_s: opts.deadline_s } : {}),
      ...(opts.safeDeadline_s !== undefined ? { safeDeadline_s: opts.safeDeadline_s } : {}),
    },
  });
  const events: RunEvent[] = [];
  run.engine.on((e) => events.push(e));
  return { run, events };
}

function csvRows(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
}

describe('faults against the simulator', () => {
  it('a dropped connection mid-step pauses, reconnects and continues: no missing, no duplicate point', async () => {
    const { run: r, events } = await start(writeSequence('  - measure: { channels: [1, 2], samples: 30 }\n'));
    let dropped = false;
    r.engine.on((e) => {
      if (e.type === 'point' && e.index === 21 && !dropped) {
        dropped = true;
        r.sim!.faults.dropConnection('meter');
      }
    });
    const result = await r.engine.run();
    expect(result.status).toBe('passed');
    const kinds = events.map((e) => e.type).filter((t) => t !== 'point' && t !== 'warning');
    // After the restore the engine reads the step's outputs back before going on, and logs what it read.
    expect(kinds).toEqual(['run-started', 'step-started', 'step-finished', 'step-started', 'instrument-lost', 'paused',
      'instrument-restored', 'resumed', 'log', 'log', 'step-finished', 'finished']);
    const readBack = events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message);
    expect(readBack.every((m) => /re-?read|read back/.test(m)), readBack.join(' | ')).toBe(true);
    expect(events.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'meter', resource: 'SIM::meter' });
    expect(events.find((e) => e.type === 'instrument-restored')).toMatchObject({ role: 'meter', identity: expect.stringMatching(/N7744A/) });
    const rows = csvRows(join(r.recorder.folder, 'power.csv'));
    expect(rows.map((x) => `${x.sample}/${x.channel}`)).toEqual(Array.from({ length: 60 }, (_, i) => `${Math.floor(i / 2)}/${(i % 2) + 1}`));
    const record = JSON.parse(readFileSync(join(r.recorder.folder, 'run.json'), 'utf8')) as RunRecord;
    expect(record.steps[1]).toMatchObject({ stepId: 'measure', status: 'done', reconnects: 1, tables: [{ rows: 60 }] });
  });

  it('an instrument that does not come back before the deadline aborts the run; the rest is made safe, the meter reported unsafe since when', async () => {
    const { run: r, events } = await start(writeSequence('  - measure: { channels: [1], samples: 30 }\n'), { deadline_s: 0.3, safeDeadline_s: 1.5 });
    r.engine.on((e) => {
      if (e.type === 'point' && e.index === 5) {
        r.sim!.faults.stopAnswering('meter');
        r.sim!.faults.dropConnection('meter');
      }
    });
    const result = await r.engine.run();
    expect(result.status).toBe('aborted');
    expect(result.message).toMatch(/^meter \(SIM::meter\) did not come back within 0\.3 s/);
    const aborted = events.at(-1);
    expect(aborted).toMatchObject({
      type: 'aborted', reason: 'instrument-lost', stepId: 'measure',
      safe: { ok: false, error: expect.stringMatching(/bench NOT SAFE after 1\.5 s of trying: meter not confirmed safe since \d{4}-/), unsafe: [{ role: 'meter' }] },
    });
    // It kept trying the meter meanwhile, and said so.
    const makingSafe = events.filter((e) => e.type === 'making-safe');
    expect(makingSafe.length).toBeGreaterThanOrEqual(1);
    expect(makingSafe[0]).toMatchObject({ message: 'making safe… (meter not confirmed safe)', pending: [{ role: 'meter' }] });
    expect(await r.bench.laser.output()).toBe(false);
    const rows = csvRows(join(r.recorder.folder, 'power.csv'));
    expect(rows.map((x) => Number(x.sample))).toEqual([0, 1, 2, 3, 4, 5]);
    const record = JSON.parse(readFileSync(join(r.recorder.folder, 'run.json'), 'utf8')) as RunRecord;
    expect(record).toMatchObject({ status: 'aborted', passed: null, unsafe: [{ role: 'meter', what: 'meter not confirmed safe', since: expect.stringMatching(/^\d{4}-/) }] });
    expect(record.steps[1]).toMatchObject({ status: 'aborted' });
    r.sim!.faults.stopAnswering('meter', false);
  });

  it('an interlock trip: the next laser command fails, the run ends in error with the laser off', async () => {
    const { run: r, events } = await start(writeSequence('  - measure: { channels: [1], samples: 10 }\n  - set: { laser.output: on }\n    id: relight\n  - log: never\n'));
    r.engine.on((e) => {
      if (e.type === 'point' && e.index === 3) r.sim!.faults.tripInterlock();
    });
    const result = await r.engine.run();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^step relight failed: .*/);
    expect(events.at(-1)).toMatchObject({ type: 'aborted', reason: 'error', stepId: 'relight' });
    expect(await r.bench.laser.output()).toBe(false);
    expect(events.some((e) => e.type === 'step-started' && e.stepId === 'log')).toBe(false);
  });

  it('a stalled stage axis: the move to the site fails within seconds naming the axis, the run ends in error, the bench safe', async () => {
    const { run: r, events } = await start(writeSequence([
      '  - set: { stage.X: 12500um, stage.Y: 12500um }',
      '  - loop: { origin: { X: 12500um, Y: 12500um }, sites: { A: { X: 0um, Y: 50um } } }',
      '    steps: [ { log: never } ]',
      '',
    ].join('\n')));
    r.engine.on((e) => {
      if (e.type === 'step-started' && e.stepId === 'sites[A]/goto') r.sim!.faults.stallStage('Y');
    });
    const t0 = performance.now();
    const result = await r.engine.run();
    expect(performance.now() - t0).toBeLessThan(10_000); // a 50 µm move's timeout, not the stage driver's 60 s default
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^step sites\[A\]\/goto failed: stage: axis Y still moving after the [\d.]+ s timeout/);
    expect(events.at(-1)).toMatchObject({ type: 'aborted', reason: 'error', stepId: 'sites[A]/goto', safe: { ok: true } });
    expect(await r.bench.laser.output()).toBe(false);
    expect(await r.bench.stage.isMoving('Y')).toBe(false);
  }, 30_000);

  it('an abort while a BER gate counts: the gate is stopped, the laser off, the stage at rest, the point not recorded', async () => {
    const { run: r, events } = await start(join(LIBRARY, 'ber-waterfall.yaml'));
    const bert = r.bench.bert;
    const startGate = bert.startGate.bind(bert);
    let gates = 0;
    bert.startGate = async () => {
      await startGate();
      if (++gates === 6) r.engine.abort('operator pressed stop');
    };
    const result = await r.engine.run();
    expect(result.status).toBe('aborted');
    expect(events.at(-1)).toMatchObject({ type: 'aborted', reason: 'user', stepId: 'ber', safe: { ok: true } });
    expect(await bert.gateRunning()).toBe(false);
    expect(await r.bench.laser.output()).toBe(false);
    for (const axis of ['X', 'Y', 'Z']) expect(await r.bench.stage.isMoving(axis)).toBe(false);
    const rows = csvRows(join(r.recorder.folder, 'ber.csv'));
    // Every recorded row was a finished point; the one whose gate was cut is not among them.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(events.filter((e) => e.type === 'point' && e.stepId === 'ber').length);
  });

  it('loss of BERT sync in a ber step marks the points and the run goes on', async () => {
    const { run: r, events } = await start(join(LIBRARY, 'ber-waterfall.yaml'));
    let n = 0;
    r.engine.on((e) => {
      if (e.type === 'point' && e.stepId === 'ber') {
        n++;
        if (n === 6) r.sim!.faults.loseBertSync();
        if (n === 7) r.sim!.faults.restoreBertSync();
      }
    });
    const result = await r.engine.run();
    // Not an abort: the step marks the points without sync and carries on; the fit from the points that kept
    // sync still meets the sequence's limits.
    expect(result.status).toBe('passed');
    const ber = result.measurements.get('ber');
    expect(ber?.syncLostPoints?.value).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.type === 'warning' && e.stepId === 'ber' && /sync/.test(e.message))).toBe(true);
  });
});
