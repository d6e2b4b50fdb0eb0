// The safe state that insists, on fake instruments: a role that fails is tried again with backoff until it
// succeeds or the deadline passes, a try still pending is waited for (never doubled) or its connection renewed, the others are not
// held up, a lost link is reopened first, and the report says which role stayed unsafe and since when.
import { describe, expect, it } from 'vitest';
import { Bench, type BenchInstrument } from '../../../drivers/bench/bench.ts';
import { insistSafe, makingSafeMessage, unsafeWhat } from '../../../drivers/bench/safe-insist.ts';
import type { InstrumentDriver, RoleKind } from '../../../drivers/driver.ts';
import { SafeStateError } from '../../../drivers/properties/safe-state.ts';

interface Fake {
  tries: number;
  /** Returns what the nth try (1-based) does. */
  behaviour: (n: number) => 'ok' | 'fail' | 'hang';
  session: { isOpen: boolean; reopens: number; reopen(): Promise<void> };
  release?: () => void;
}

function bench(spec: Record<string, { kind: RoleKind; behaviour: Fake['behaviour']; lost?: boolean }>) {
  const fakes: Record<string, Fake> = {};
  const instruments: BenchInstrument[] = Object.entries(spec).map(([role, s]) => {
    const fake: Fake = {
      tries: 0, behaviour: s.behaviour,
      session: { isOpen: !s.lost, reopens: 0, async reopen() { this.reopens++; this.isOpen = true; } },
    };
    fakes[role] = fake;
    const driver = {
      kind: s.kind, session: fake.session,
      async safe() {
        fake.tries++;
        if (!fake.session.isOpen) throw new Error('link lost');
        const b = fake.behaviour(fake.tries);
        if (b === 'fail') throw new SafeStateError(`SIM::${role}`, [{ step: 'switch the output off', error: new Error('timeout after 2000 ms') }]);
        if (b === 'hang') await new Promise<void>((resolve) => (fake.release = resolve));
      },
      async identify() { return role; },
      async close() {},
    } as unknown as InstrumentDriver;
    return { role, kind: s.kind, driverName: `fake-${s.kind}`, resource: `SIM::${role}`, identity: role, detected: false, driver };
  });
  return { bench: new Bench('fake', instruments), fakes };
}

const fastClock = () => {
  let t = 0;
  return { now_ms: () => t, sleep_ms: async (ms: number) => void (t += ms), advance: (ms: number) => (t += ms) };
};

describe('insistSafe', () => {
  it('tries a failing laser again with backoff until it is confirmed off; the others are done at once', async () => {
    const { bench: b, fakes } = bench({
      laser: { kind: 'laser', behaviour: (n) => (n < 4 ? 'fail' : 'ok') },
      stage: { kind: 'stage', behaviour: () => 'ok' },
    });
    const clock = fastClock();
    const progress: string[] = [];
    const r = await insistSafe(b, { ...clock, deadline_s: 60, backoff_s: 0.5, maxBackoff_s: 4, onProgress: (p) => progress.push(p.message) });
    expect(r).toMatchObject({ ok: true, unsafe: [], message: 'all 2 instruments safe' });
    expect(fakes.laser?.tries).toBe(4);
    expect(fakes.stage?.tries).toBe(1);
    expect(progress).toEqual(Array(3).fill('making safe… (laser not confirmed off)'));
    expect(r.elapsed_s).toBeCloseTo(0.5 + 1 + 2, 6);
  });

  it('gives up at the deadline: the report names the role, what was not confirmed, since when and the tries', async () => {
    const { bench: b } = bench({ laser: { kind: 'laser', behaviour: () => 'fail' }, bert: { kind: 'bert', behaviour: () => 'ok' } });
    const before = Date.now();
    const r = await insistSafe(b, { ...fastClock(), deadline_s: 10, backoff_s: 1, maxBackoff_s: 2 });
    expect(r.ok).toBe(false);
    expect(r.unsafe).toHaveLength(1);
    const [u] = r.unsafe;
    expect(u).toMatchObject({ role: 'laser', what: 'laser not confirmed off', failedSteps: ['switch the output off'] });
    expect(u?.attempts).toBeGreaterThan(4);
    expect(Date.parse(u?.since ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(r.message).toMatch(/^bench NOT SAFE after 10 s of trying: laser not confirmed off since \d{4}-\d\d-\d\dT.* \(\d+ tries; last: SIM::laser: could not complete the safe state: switch the output off: timeout after 2000 ms\)$/);
    expect(r.failures.map((f) => f.role)).toEqual(['laser']);
  });

  it('a try that hangs is waited for, never doubled, and counts once it ends', async () => {
    const { bench: b, fakes } = bench({ laser: { kind: 'laser', behaviour: (n) => (n === 1 ? 'hang' : 'ok') } });
    const progress: string[] = [];
    const done = insistSafe(b, { deadline_s: 5, timeout_s: 0.05, backoff_s: 0.02, maxBackoff_s: 0.02, onProgress: (p) => progress.push(p.message) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fakes.laser?.tries).toBe(1);
    expect(progress.length).toBeGreaterThan(1);
    fakes.laser?.release?.();
    const r = await done;
    expect(r.ok).toBe(true);
    expect(fakes.laser?.tries).toBe(1);
  });

  it('a try that hangs past its time on a session that can renew: the connection is renewed and a fresh try confirms safe', async () => {
    const { bench: b, fakes } = bench({ bert: { kind: 'bert', behaviour: (n) => (n === 1 ? 'hang' : 'ok') } });
    const fake = fakes.bert as Fake;
    const reasons: string[] = [];
    // A renew fails the exchange in flight (the hung try ends) and opens a new connection.
    Object.assign(fake.session, { async renew(reason: string) { reasons.push(reason); fake.release?.(); fake.session.isOpen = true; } });
    const r = await insistSafe(b, { deadline_s: 5, timeout_s: 0.05, backoff_s: 0.01, maxBackoff_s: 0.01 });
    expect(r.ok).toBe(true);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/the safe state got no answer within 0.05 s; a fresh connection/);
    expect(fake.tries).toBe(2); // the hung one, then a fresh try on the new connection
  });

  it('reopens a lost link before trying again', async () => {
    const { bench: b, fakes } = bench({ stage: { kind: 'stage', behaviour: () => 'ok', lost: true } });
    const r = await insistSafe(b, fastClock());
    expect(r.ok).toBe(true);
    expect(fakes.stage?.session.reopens).toBe(1);
  });

  it('words what is not confirmed by kind', () => {
    expect(unsafeWhat('laser2', 'laser')).toBe('laser2 not confirmed off');
    expect(unsafeWhat('stage', 'stage')).toBe('stage not confirmed stopped');
    expect(unsafeWhat('bert', 'bert')).toBe('bert gate not confirmed stopped');
    expect(unsafeWhat('meter', 'meter')).toBe('meter not confirmed safe');
    expect(makingSafeMessage([{ what: 'laser not confirmed off' }, { what: 'stage not confirmed stopped' }] as never)).toBe('making safe… (laser not confirmed off, stage not confirmed stopped)');
  });
});
