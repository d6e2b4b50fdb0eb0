import { describe, expect, it } from 'vitest';
import { PiGcsStage } from '../../../../sim/instruments/stage-pi-gcs.ts';
import { TriggerLine } from '../../../../sim/world/trigger-line.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';
import { fastMotion, send } from './helpers.ts';

async function setup() {
  const { clock, motion } = fastMotion();
  const pi = new PiGcsStage({ motion });
  const line = new TriggerLine();
  pi.triggerOutputs.connect(line);
  await send(pi, 'SVO 1 1 2 1 3 1');
  return { clock, motion, pi, line };
}

describe('PI GCS trigger outputs (CTO / TRO)', () => {
  it('CTO sets an output\'s axis and mode (several triplets at once), CTO? and TRO? read them back', async () => {
    const { pi } = await setup();
    expect(await send(pi, 'CTO 1 2 2 1 3 6')).toBeUndefined();
    expect(await send(pi, 'CTO? 1 2 1 3')).toBe('1 2=2 \n1 3=6\n');
    expect(await send(pi, 'TRO? 1')).toBe('1=0\n');
    expect(await send(pi, 'TRO 1 1')).toBeUndefined();
    expect(await send(pi, 'TRO?')).toBe('1=1 \n2=0 \n3=0 \n4=0\n');
    expect(await send(pi, 'ERR?')).toBe('0\n');
  });

  it('refuses a bad output, axis, parameter, mode or arity with the GCS error, changing nothing', async () => {
    const { pi } = await setup();
    const cases: [string, string][] = [
      ['CTO 5 3 6', '17\n'], // no output 5
      ['CTO 1 2 9', '15\n'], // no axis 9
      ['CTO 1 4 1', '17\n'], // parameter not modelled
      ['CTO 1 3 42', '17\n'], // no such mode
      ['CTO 1 3', '1\n'], // not a triplet
      ['TRO 1 2', '17\n'],
      ['TRO 1', '1\n'],
    ];
    for (const [cmd, code] of cases) {
      expect(await send(pi, cmd)).toBeUndefined();
      expect(await send(pi, 'ERR?'), cmd).toBe(code);
    }
    // A refused triplet leaves the good one before it unapplied too.
    await send(pi, 'CTO 1 3 6 1 2 9');
    expect(await send(pi, 'CTO? 1 3')).toBe('1 3=0\n');
  });

  it('an enabled InMotion output pulses once when its axis starts a move, not for other axes, not while disabled', async () => {
    const { pi, clock, line } = await setup();
    await send(pi, 'CTO 1 2 1 1 3 6');
    await send(pi, 'MOV 1 1'); // disabled: no pulse
    await send(pi, 'ONT? 1');
    expect(line.pulsesFrom(0, 10)).toEqual([]);
    await send(pi, 'TRO 1 1');
    await send(pi, 'MOV 2 1'); // another axis: no pulse
    await send(pi, 'ONT? 2');
    expect(line.pulsesFrom(0, 10)).toEqual([]);
    // The move (and its edge) starts once the command is parsed, one 0.2 ms exchange after it was sent.
    const t = clock.now_s() + 0.2e-3;
    await send(pi, 'MOV 1 2');
    expect(line.pulsesFrom(0, 10)).toEqual([t]);
    // A new target while the axis still runs: the output is high already, no new edge.
    await send(pi, 'MOV 1 3');
    expect(line.pulsesFrom(0, 10)).toEqual([t]);
    await send(pi, 'ONT? 1');
    const t2 = clock.now_s() + 0.2e-3;
    await send(pi, 'MOV 1 2.5');
    expect(line.pulsesFrom(0, 10)).toEqual([t, t2]);
  });

  it('in the virtual bench the pulse reaches the meter: a CME log starts at the instant the move starts', async () => {
    const b = new VirtualBench({ seed: 5, timing: 'lan' });
    try {
      const pi = b.instrument('stage-pi');
      const meter = b.instrument('meter');
      await send(pi, 'SVO 1 1 2 1');
      await send(pi, 'CTO 1 2 1 1 3 6');
      await send(pi, 'TRO 1 1');
      await send(meter, ':TRIG1:INP CME;:SENS1:CHAN1:FUNC:PAR:LOGG 50,1MS;:SENS1:CHAN1:FUNC:STAT LOGG,STAR');
      await b.clock.advance(0.5); // the log waits for its trigger however long it takes
      expect(await send(meter, ':SENS1:CHAN1:FUNC:STAT?')).toBe('LOGGING_STABILITY,PROGRESS\n');
      const moveAt = b.clock.now_s();
      await send(pi, 'MOV 1 1');
      expect(await send(meter, '*OPC?')).toBe('1\n');
      // Done 50 windows of 1 ms after the move started, plus the lan profile's 0.02 ms trigger latency.
      expect(b.clock.now_s() - moveAt).toBeCloseTo(0.05 + 0.02e-3, 9);
    } finally {
      await b.close();
    }
  });
});
