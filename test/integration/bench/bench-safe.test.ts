// bench.safe() on the simulated bench: the laser goes off, a moving stage stops, the BERT gate stops —
// and when one instrument does not answer, the others are still made safe and the failure is reported.
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBenchFile } from '../../../drivers/bench/bench-file.ts';
import type { Bench } from '../../../drivers/bench/bench.ts';
import { BenchOpenError, openBench } from '../../../drivers/bench/open-bench.ts';
import { openSimBench, simBenchConfig } from '../../../sequences/sim-bench.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';

describe('bench.safe() on the simulated bench', () => {
  let sim: VirtualBench;
  let bench: Bench;

  beforeEach(async () => {
    sim = new VirtualBench({ seed: 5, mode: 'fast' });
    const config = simBenchConfig(sim);
    // A short timeout on the meter, so the test that silences it does not wait long.
    for (const i of config.instruments) if (i.role === 'meter') i.session.timeout_ms = 200;
    bench = await openBench(config, { inProcess: sim });
  });

  afterEach(async () => {
    await bench?.close();
    await sim?.close();
  });

  async function makeBusy(): Promise<void> {
    await bench.laser.setOutput(true);
    expect(await bench.laser.output()).toBe(true);
    await bench.bert.setGate({ mode: 'time', period_s: 1000 });
    await bench.bert.startGate();
    await bench.stage.moveAbsolute_um('X', 20_000);
    await sim.clock.advance(1); // one bench second into a 10 s move and a 1000 s gate
  }

  async function expectSafe(): Promise<void> {
    expect(await bench.laser.output()).toBe(false);
    await bench.stage.waitForMotion();
    const x = await bench.stage.position_um('X');
    expect(x).toBeGreaterThan(1_000);
    expect(x).toBeLessThan(3_500);
    expect(await bench.bert.gateRunning()).toBe(false);
    // Stopped after about a second, not counted through the whole 1000 s period.
    const { bits } = await bench.bert.results();
    expect(bits).toBeGreaterThan(0);
    expect(bits).toBeLessThan(100 * 25.78125e9);
  }

  it('switches the laser off, stops the moving stage and the BERT gate', async () => {
    await makeBusy();
    const report = await bench.safe();
    expect(report).toMatchObject({ ok: true, failures: [], message: 'all 8 instruments safe' });
    await expectSafe();
  });

  it('still makes the others safe when one instrument does not answer, and reports it', async () => {
    await makeBusy();
    sim.faults.stopAnswering('meter');
    const report = await bench.safe();
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => f.role)).toEqual(['meter']);
    expect(report.message).toMatch(/^safe state failed for meter: .*timeout after 200 ms/);
    sim.faults.stopAnswering('meter', false);
    await expectSafe();
  });

  it('reports a laser whose cable was pulled per role, with each safe-state step that failed', async () => {
    await makeBusy();
    sim.faults.dropConnection('laser');
    const report = await bench.safe();
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => [f.role, f.error?.name, f.failedSteps])).toEqual([
      ['laser', 'SafeStateError', ['stop the sweep', 'switch the output off', 'confirm the output is off']],
    ]);
    expect(report.results.filter((r) => r.ok).map((r) => r.role)).toEqual(['meter', 'voa', 'bert', 'stage', 'meter-array', 'stage-hexapod', 'bert-pam4']);
    // The others were made safe regardless; the stage and the gate stopped.
    await bench.stage.waitForMotion();
    expect(await bench.stage.position_um('X')).toBeLessThan(3_500);
    expect(await bench.bert.gateRunning()).toBe(false);
  });
});

describe('openBench', () => {
  let sim: VirtualBench;
  beforeEach(() => {
    sim = new VirtualBench({ seed: 2, mode: 'fast' });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('opens the simulator with alternate front ends and closes the simulator when asked', async () => {
    const served = await sim.serveTcp({ portBase: 0 });
    const bench = await openSimBench(sim, { use: { stage: 'stage-pi', laser: 'laser-santec' }, closeSimulator: true });
    expect(bench.instrument('stage').driverName).toBe('pi-gcs');
    expect(bench.instrument('laser').driverName).toBe('santec-tsl');
    expect(bench.stage.softLimits('Z').min_um).toBeGreaterThan(5_000);
    await bench.close();
    const refused = await new Promise<string>((resolve) => {
      const s = connect(served.port('meter'), '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve('connected'); });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('refuses a substitution the simulator does not have', () => {
    expect(() => simBenchConfig(sim, { use: { stage: 'stage-xyz' } })).toThrow(/no simulated instrument 'stage-xyz'; the simulator has meter, laser/);
    expect(() => simBenchConfig(sim, { use: { chiller: 'stage' } })).toThrow(/no role 'chiller' to substitute/);
  });

  it('lists every role that cannot be opened, with its file line, and closes the ones that did open', async () => {
    const served = await sim.serveTcp({ portBase: 0 });
    const port = served.port('voa');
    await served.close(); // nothing listens there any more
    const text = `name: half a bench
instruments:
  meter:
    resource: SIM::meter
    driver: keysight-n774x
  voa:
    resource: TCPIP0::127.0.0.1::${port}::SOCKET
    driver: keysight-n776x
    connect_timeout_ms: 500
  stage:
    resource: SIM::stage-xyz
    driver: scpi-stage
    axes: { X: { axis: 1, min_um: 0, max_um: 100 } }
`;
    const err = await openBench(parseBenchFile(text, { file: 'b.yaml' }), { inProcess: sim }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BenchOpenError);
    const failures = (err as BenchOpenError).failures;
    expect(failures.map((f) => [f.role, f.where])).toEqual([['voa', 'b.yaml:6'], ['stage', 'b.yaml:10']]);
    expect(failures[0]?.error.message).toMatch(new RegExp(`cannot connect to TCPIP0::127\\.0\\.0\\.1::${port}::SOCKET`));
    expect(failures[1]?.error.message).toMatch(/^cannot connect to SIM::stage-xyz/);
    expect((err as Error).message.split('\n')[0]).toBe("cannot open bench 'half a bench': 2 roles failed:");
  });
});
