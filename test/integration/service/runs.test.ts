// Sequences and runs through BenchService on the simulator: the library, load/validate/plan with located
// issues, a run's events, pause/resume/abort (deterministic: the pause is asked from inside the event
// stream, which the engine emits synchronously), ownership of the bench, and the run history.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../service/bench-api.ts';
import { BenchService } from '../../../service/bench-service.ts';
import type { RunState, SequenceSource } from '../../../service/run-types.ts';

const SEQUENCE = `sequence: service-test
description: laser on, five readings of the monitor port, a wait
metadata: { dut: CHIP-7, operator: tester }
parameters:
  wl: 1550nm
steps:
  - set: { laser.wavelength: $wl, laser.power: 3dBm, laser.output: on, voa.output: on }
  - measure: { channels: [1, 2], samples: 5, interval: 1s }
  - wait: 2s
  - log: "done"
limits:
  - measurement: power_ch2_dBm
    min: -40dBm
`;

const text = (t = SEQUENCE, set?: Record<string, string>): SequenceSource => ({ kind: 'text', name: 'service-test.yaml', text: t, ...(set ? { set } : {}) });

let dir: string;
let service: BenchService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g1-runs-'));
  mkdirSync(join(dir, 'library'));
  writeFileSync(join(dir, 'library', 'service-test.yaml'), SEQUENCE);
  writeFileSync(join(dir, 'library', 'broken.yaml'), 'sequence: [unclosed');
  service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), cwd: dir, monitor: { interval_s: 0.05 } });
  await service.openBench({ kind: 'sim', seed: 1 });
});

afterEach(async () => {
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function whenPhase(pred: (s: RunState) => boolean): Promise<RunState> {
  return new Promise((resolve) => {
    const off = service.on('runState', (s) => {
      if (pred(s)) {
        off();
        resolve(s);
      }
    });
  });
}

const ended = (s: RunState) => ['passed', 'failed', 'aborted', 'error'].includes(s.phase);

describe('sequences', () => {
  it('lists the library with descriptions, a broken file included', async () => {
    const list = await service.listSequences();
    expect(list.map((s) => s.name)).toEqual(['broken', 'service-test']);
    expect(list[1]?.description).toBe('laser on, five readings of the monitor port, a wait');
    expect(list[0]?.description).toBeNull();
  });

  it('loads a sequence into a plan with its ETA, checked against the open bench', async () => {
    const r = await service.loadSequence({ kind: 'library', name: 'service-test', set: { wl: '1560nm' } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.sequence.benchChecked).toBe(true);
    expect(r.sequence.steps.map((s) => s.stepId)).toEqual(['set', 'measure', 'wait', 'log']);
    expect(r.sequence.estimate_s).toBeGreaterThan(7);
    expect(r.sequence.parameters).toEqual([{ name: 'wl', kind: 'wavelength_nm', value: '1560nm', description: null, overridden: true }]);
    expect(r.sequence.steps[1]?.tables).toEqual([{ name: 'power', columns: ['sample', 't_s', 'channel', 'power_dBm'] }]);
    expect(r.sequence.limits[0]).toMatchObject({ measurement: 'power_ch2_dBm', unit: 'dBm', min: -40 });
  });

  it('returns validation problems with line and field for inline display', async () => {
    const r = await service.loadSequence(text(SEQUENCE.replace('$wl', '1550')));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({ line: 7, field: 'steps[0].set.laser.wavelength', message: expect.stringMatching(/with a unit/) });
  });

  it('refuses a wavelength the open laser cannot reach, before anything moves', async () => {
    const r = await service.loadSequence(text(SEQUENCE, { wl: '1700nm' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.message).join('\n')).toMatch(/1700/);
  });

  it('checks against a bench file\'s declared soft limits without opening it, naming the bench', async () => {
    writeFileSync(join(dir, 'bench.yaml'), [
      'name: file bench',
      'instruments:',
      '  stage:',
      '    resource: TCPIP0::127.0.0.1::9::SOCKET',
      '    driver: scpi-stage',
      '    axes:',
      '      X: { axis: 1, min_um: 0, max_um: 25000 }',
      '      Y: { axis: 2, min_um: 0, max_um: 25000 }',
      '      Z: { axis: 3, min_um: 5008, max_um: 10000 }',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'deep.yaml'), 'sequence: deep\nmetadata: { dut: X }\nsteps:\n  - set: { stage.Z: 5001um }\n');
    const r = await service.loadSequence({ kind: 'file', path: 'deep.yaml', benchFile: 'bench.yaml' });
    expect(r.ok).toBe(false);
    // The file named as given (relative to the service's cwd), with line, column and field.
    if (!r.ok) expect(r.issues[0]).toMatchObject({ file: 'deep.yaml', line: 4, field: 'steps[0].set.stage.Z', message: expect.stringMatching(/beyond its soft limits \[5008, 10000\] µm/) });
    const ok = await service.loadSequence({
      kind: 'text', name: 'shallow.yaml', text: 'sequence: shallow\nmetadata: { dut: X }\nsteps:\n  - set: { stage.Z: 6000um }\n', benchFile: 'bench.yaml',
    });
    expect(ok.ok && ok.sequence).toMatchObject({ benchChecked: true, benchName: 'file bench' });
    await expect(service.loadSequence({ kind: 'file', path: 'deep.yaml', benchFile: 'nope.yaml' })).rejects.toThrow(/nope\.yaml/);
    // With the open bench instead, the check names it too.
    const open = await service.loadSequence(text());
    expect(open.ok && open.sequence.benchName).toMatch(/simulated bench/);
  });

  it('names a missing library sequence and refuses a path disguised as a name', async () => {
    const missing = await service.loadSequence({ kind: 'library', name: 'nope' });
    expect(missing.ok ? null : missing.issues[0]?.message).toMatch(/no such file/);
    const sneaky = await service.loadSequence({ kind: 'library', name: '../../etc/passwd' });
    expect(sneaky.ok ? null : sneaky.issues[0]?.message).toMatch(/library sequence name/);
  });
});

describe('runs', () => {
  it('runs a sequence: events in order, the run owns the bench meanwhile, history afterwards', async () => {
    const events: { index: number; event: RunEvent }[] = [];
    const refused: string[] = [];
    const monitorDuringRun: number[] = [];
    let inRun = false;
    service.on('run', (e) => {
      events.push(e);
      inRun = e.event.type !== 'finished' && e.event.type !== 'aborted';
      if (e.event.type === 'point' && refused.length === 0) {
        // Manual control while the run owns the bench: refused, naming the run.
        service.setLaser({ output: false }).catch((err: Error) => refused.push(err.message));
      }
    });
    service.on('monitor', () => {
      if (inRun) monitorDuringRun.push(1);
    });
    const lasers: { inRun: boolean; output: boolean | undefined }[] = [];
    service.on('laser', (r) => lasers.push({ inRun, output: r.state?.output }));
    // The read the watch makes when the bench opens, out of the way first.
    await expect.poll(() => lasers.length).toBeGreaterThan(0);
    lasers.length = 0;
    const done = whenPhase(ended);
    const started = await service.startRun(text());
    expect(started).toMatchObject({ phase: 'running', sequence: 'service-test', dut: 'CHIP-7', stepCount: 4 });
    expect((await service.benchStatus()).runId).toBe(started.runId);
    const final = await done;
    expect(final).toMatchObject({ phase: 'passed', passed: true, stepIndex: 3 });
    expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.event.type);
    expect(types[0]).toBe('run-started');
    expect(types.at(-1)).toBe('finished');
    expect(types.filter((t) => t === 'point')).toHaveLength(10);
    expect(refused[0]).toMatch(/^setLaser: refused while run .* owns the bench/);
    expect(monitorDuringRun).toEqual([]);
    await expect.poll(async () => (await service.benchStatus()).runId).toBeNull();
    // The run drove the laser and left it on: once it gives the bench back, every window is told at once.
    await expect.poll(() => lasers.at(-1)?.output).toBe(true);
    expect(lasers.filter((l) => l.inRun)).toEqual([]);

    // Catch-up for a UI that was away.
    const later = await service.runEvents({ since: 5 });
    expect(later.runId).toBe(started.runId);
    expect(later.events).toEqual(events.slice(5).map((e) => e.event));
    expect(later.next).toBe(events.length);

    const runs = await service.listRuns();
    expect(runs[0]).toMatchObject({ runId: started.runId, sequence: 'service-test', dut: 'CHIP-7', status: 'passed', passed: true, files: ['power.csv'] });
    const details = await service.openRun({ runId: started.runId ?? '' });
    expect(details.record.status).toBe('passed');
    const power = details.tables[0];
    expect(power?.columns).toEqual(['sample', 't_s', 'channel', 'power_dBm']);
    expect(power?.rows).toBe(10);
    expect(power?.data[2]).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect(power?.metadata['dut']).toBe('CHIP-7');
    const csv = await service.exportRunCsv({ runId: started.runId ?? '', file: 'power.csv' });
    expect(csv.name).toBe(`${started.runId}-power.csv`);
    expect(csv.text).toMatch(/^# /);
    expect(csv.text).toContain('sample,t_s,channel,power_dBm\n');
    await expect(service.exportRunCsv({ runId: started.runId ?? '', file: 'other.csv' })).rejects.toThrow(/has no file 'other.csv'; its CSV files are power.csv/);
    await expect(service.openRun({ runId: 'no-such-run' })).rejects.toThrow(/does not exist/);
  });

  it('pauses at the next point, stays paused, resumes, and finishes', async () => {
    let pausedAt = -1;
    const points: number[] = [];
    const asked: RunState[] = [];
    service.on('run', ({ index, event }) => {
      if (event.type !== 'point') return;
      points.push(index);
      if (pausedAt < 0) {
        pausedAt = index;
        void service.pauseRun().then((s) => asked.push(s));
      }
    });
    const phases: string[] = [];
    service.on('runState', (s) => {
      if (phases.at(-1) !== s.phase) phases.push(s.phase);
    });
    const paused = whenPhase((s) => s.phase === 'paused');
    await service.startRun(text());
    const p = await paused;
    expect(p.stepId).toBe('measure');
    // Asked: 'pausing' while the sample in hand finishes; 'paused' once the step holds at its checkpoint.
    expect(asked[0]?.phase).toBe('pausing');
    expect(phases).toEqual(['running', 'pausing', 'paused']);
    await expect(service.pauseRun()).rejects.toThrow(/is paused, not running/);
    // Pause takes effect at the step's next checkpoint: the rest of the sample in hand (channel 2) still lands.
    await new Promise((r) => setTimeout(r, 100));
    const n = points.length;
    expect(n).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(points.length).toBe(n);
    await expect(service.pauseRun()).rejects.toMatchObject({ name: 'RunStateError', message: expect.stringMatching(/is paused, not running/) });
    await expect(service.startRun(text())).rejects.toThrow(/still paused/);
    const done = whenPhase(ended);
    expect((await service.resumeRun()).phase).toBe('running');
    expect((await done).phase).toBe('passed');
    expect(points).toHaveLength(10);
    const all = (await service.runEvents({ since: 0 })).events;
    const types = all.map((e) => e.type);
    expect(types.indexOf('pausing')).toBeLessThan(types.indexOf('paused'));
    expect(types.indexOf('paused')).toBeLessThan(types.indexOf('resumed'));
    // Not one reading between 'paused' and 'resumed': paused means the run holds.
    expect(types.slice(types.indexOf('paused'), types.indexOf('resumed'))).not.toContain('point');
    expect(phases).toEqual(['running', 'pausing', 'paused', 'running', 'passed']);
  });

  it('a resume while the run is still pausing withdraws the pause; the run never holds', async () => {
    let asked = false;
    service.on('run', ({ event }) => {
      if (event.type === 'point' && !asked) {
        asked = true;
        void service.pauseRun().then(() => service.resumeRun());
      }
    });
    const done = whenPhase(ended);
    await service.startRun(text());
    expect((await done).phase).toBe('passed');
    const types = (await service.runEvents({ since: 0 })).events.map((e) => e.type);
    expect(types).toContain('pausing');
    expect(types).not.toContain('paused');
  });

  it('records why a run was aborted', async () => {
    service.on('run', ({ event }) => {
      if (event.type === 'point') void service.abortRun({ message: 'the DUT slipped' }).catch(() => undefined);
    });
    const done = whenPhase(ended);
    const { runId } = await service.startRun(text());
    expect(await done).toMatchObject({ phase: 'aborted', message: 'the DUT slipped' });
    expect((await service.openRun({ runId: runId ?? '' })).record).toMatchObject({ status: 'aborted', message: 'the DUT slipped' });
  });

  it('aborts a paused run: the bench is made safe (laser off) and the run recorded as aborted', async () => {
    service.on('run', ({ event }) => {
      if (event.type === 'point') void service.pauseRun().catch(() => undefined);
    });
    const paused = whenPhase((s) => s.phase === 'paused');
    const { runId } = await service.startRun(text());
    await paused;
    const done = whenPhase(ended);
    await service.abortRun();
    const final = await done;
    expect(final.phase).toBe('aborted');
    const aborted = (await service.runEvents({ since: 0 })).events.find((e) => e.type === 'aborted');
    expect(aborted).toMatchObject({ reason: 'user', safe: { ok: true } });
    await expect.poll(async () => (await service.benchStatus()).runId).toBeNull();
    expect((await service.laserState()).output).toBe(false);
    expect((await service.listRuns()).find((r) => r.runId === runId)?.status).toBe('aborted');
    await expect(service.abortRun()).rejects.toThrow(/no run is going on/);
  });

  it('starts one run when two starts are asked at once', async () => {
    const done = whenPhase(ended);
    const results = await Promise.allSettled([service.startRun(text()), service.startRun(text())]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected');
    expect(String((refused as PromiseRejectedResult).reason)).toMatch(/another run is being started|still running/);
    await done;
    expect((await service.listRuns())).toHaveLength(1);
  });

  it('refuses to start a sequence that does not validate, listing the problems', async () => {
    await expect(service.startRun(text(SEQUENCE.replace('1s', '1')))).rejects.toMatchObject({
      name: 'SequenceRejectedError', message: expect.stringMatching(/does not validate[\s\S]*steps\[1\]\.measure\.interval/),
    });
    expect((await service.runState()).phase).toBe('idle');
  });

  it('aborts a run and makes the bench safe on shutdown', async () => {
    service.on('run', ({ event }) => {
      if (event.type === 'point') void service.pauseRun().catch(() => undefined);
    });
    const paused = whenPhase((s) => s.phase === 'paused');
    await service.startRun(text());
    await paused;
    const r = await service.shutdown();
    expect(r.ok).toBe(true);
    expect((await service.runState()).phase).toBe('aborted');
    expect((await service.benchStatus()).open).toBe(false);
  });
});
