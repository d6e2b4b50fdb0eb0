// bench.safe(): every instrument at once, all attempted whatever fails or hangs, failures reported; and
// the typed role accessors.
import { describe, expect, it } from 'vitest';
import { Bench, BenchRoleError } from '../../../drivers/bench/bench.ts';
import type { BenchInstrument } from '../../../drivers/bench/bench.ts';
import type { InstrumentDriver, RoleKind } from '../../../drivers/driver.ts';
import { SafeStateError, runSafeSteps } from '../../../drivers/properties/safe-state.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';

class FakeDriver implements InstrumentDriver {
  readonly driverName = 'fake';
  readonly session = {} as ScpiSession;
  safeCalls = 0;
  closed = false;
  constructor(readonly kind: RoleKind, private readonly onSafe: () => Promise<void> = async () => undefined) {}
  async identify() { return `FAKE,${this.kind}`; }
  async safe() {
    this.safeCalls++;
    await this.onSafe();
  }
  async close() { this.closed = true; }
}

function entry(role: string, driver: FakeDriver): BenchInstrument {
  return { role, kind: driver.kind, driverName: driver.driverName, resource: `SIM::${role}`, identity: `FAKE,${role}`, detected: false, driver };
}

describe('Bench', () => {
  it('safe() runs every instrument concurrently and reports all ok', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const laser = new FakeDriver('laser', async () => { started.push('laser'); await gate; });
    const stage = new FakeDriver('stage', async () => { started.push('stage'); release(); });
    const report = await new Bench('b', [entry('laser', laser), entry('stage', stage)]).safe();
    // The laser's safe() was still waiting when the stage's began: they ran at the same time.
    expect(started).toEqual(['laser', 'stage']);
    expect(report).toMatchObject({ ok: true, failures: [], message: 'all 2 instruments safe' });
  });

  it('keeps going when one instrument fails or hangs, and names each failure', async () => {
    const laser = new FakeDriver('laser', async () => { throw new Error('link lost'); });
    const meter = new FakeDriver('meter', () => new Promise<void>(() => undefined));
    const stage = new FakeDriver('stage');
    const bench = new Bench('b', [entry('laser', laser), entry('meter', meter), entry('stage', stage)]);
    const report = await bench.safe({ timeout_s: 0.05 });
    expect(stage.safeCalls).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.results.map((r) => [r.role, r.ok])).toEqual([['laser', false], ['meter', false], ['stage', true]]);
    expect(report.message).toBe('safe state failed for laser: link lost; meter: meter (fake) did not reach its safe state within 0.05 s');
  });

  it('reports a SafeStateError per role with the steps that failed, after the driver tried them all', async () => {
    const done: string[] = [];
    const laser = new FakeDriver('laser', () => runSafeSteps('SIM::laser', [
      ['stop the sweep', async () => { throw new Error('link lost'); }],
      ['switch the output off', async () => { done.push('output off'); }],
      ['confirm the output is off', async () => { throw new Error('the laser still reports its output on'); }],
    ]));
    const bert = new FakeDriver('bert');
    const report = await new Bench('b', [entry('laser', laser), entry('bert', bert)]).safe();
    expect(done).toEqual(['output off']);
    expect(bert.safeCalls).toBe(1);
    expect(report.ok).toBe(false);
    const [failure] = report.failures;
    expect(failure?.role).toBe('laser');
    expect(failure?.error).toBeInstanceOf(SafeStateError);
    expect(failure?.failedSteps).toEqual(['stop the sweep', 'confirm the output is off']);
    expect(report.results.find((r) => r.role === 'bert')).toEqual({ role: 'bert', ok: true });
    expect(report.message).toBe('safe state failed for laser: SIM::laser: could not complete the safe state: ' +
      'stop the sweep: link lost; confirm the output is off: the laser still reports its output on');
  });

  it('gives typed accessors for the usual roles and refuses a missing role or a wrong kind', () => {
    const laser = new FakeDriver('laser');
    const bench = new Bench('b', [entry('laser', laser), entry('meter2', new FakeDriver('meter'))]);
    expect(bench.laser).toBe(laser);
    expect(bench.get('meter2', 'meter')).toBeInstanceOf(FakeDriver);
    expect(() => bench.stage).toThrow(new BenchRoleError('stage', "bench 'b' has no role 'stage'; it has laser, meter2"));
    expect(() => bench.get('laser', 'stage')).toThrow("bench 'b': role 'laser' is a laser (fake), not a stage");
    expect(bench.roles).toEqual(['laser', 'meter2']);
    expect(bench.identities()).toEqual({ laser: 'FAKE,laser', meter2: 'FAKE,meter2' });
  });

  it('close() closes every driver once, then the owner hook', async () => {
    const a = new FakeDriver('laser');
    const order: string[] = [];
    const bench = new Bench('b', [entry('laser', a)], { onClose: async () => { order.push(`hook after laser closed=${a.closed}`); } });
    await bench.close();
    await bench.close();
    expect(order).toEqual(['hook after laser closed=true']);
  });
});
