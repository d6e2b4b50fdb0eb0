// The simulated C-887's fly-scan hardware: a trigger output (CTO mode 6, InMotion; TRO) whose rising edge
// at the start of a move goes onto the trigger line, and the data recorder (RTR, DRC, DRR?) that records
// the actual position from each move's start on the controller's clock.
import { describe, expect, it } from 'vitest';
import { FastClock } from '../../../../sim/clock.ts';
import { HEXAPOD_SERVO_CYCLE_S } from '../../../../sim/instruments/hexapod-recorder.ts';
import { PiHexapodStage } from '../../../../sim/instruments/stage-pi-hexapod.ts';
import { HexapodMotion } from '../../../../sim/motion/hexapod-motion.ts';
import { TriggerLine } from '../../../../sim/world/trigger-line.ts';
import { send } from '../stages/helpers.ts';

function hexapod(): { clock: FastClock; motion: HexapodMotion; hex: PiHexapodStage; line: TriggerLine } {
  const clock = new FastClock();
  const motion = new HexapodMotion(clock);
  const hex = new PiHexapodStage(motion);
  const line = new TriggerLine();
  hex.triggerOutputs.connect(line);
  return { clock, motion, hex, line };
}

describe('simulated C-887: trigger output and data recorder', () => {
  it('an enabled InMotion output pulses once when a move starts from rest, not again while it runs', async () => {
    const { hex, line, clock } = hexapod();
    await send(hex, 'MOV X 0.01');
    await send(hex, 'ONT? X');
    expect(line.pulsesFrom(0, 10)).toEqual([]); // not enabled yet
    expect(await send(hex, 'CTO 1 2 1 1 3 6')).toBeUndefined();
    expect(await send(hex, 'TRO 1 1')).toBeUndefined();
    expect(await send(hex, 'ERR?')).toBe('0\n');
    expect(await send(hex, 'CTO? 1 3')).toBe('1 3=6\n');
    const t0 = clock.now_s();
    await send(hex, 'MOV X 0.02');
    const pulses = line.pulsesFrom(t0 - 1e-9, 10);
    expect(pulses).toHaveLength(1);
    await send(hex, 'MOV X 0.03'); // still running: the output is already high
    expect(line.pulsesFrom(t0 - 1e-9, 10)).toHaveLength(1);
  });

  it('refuses an output or axis number it does not have', async () => {
    const { hex } = hexapod();
    await send(hex, 'CTO 1 2 7');
    expect(await send(hex, 'ERR?')).toBe('15\n');
    await send(hex, 'TRO 9 1');
    expect(await send(hex, 'ERR?')).not.toBe('0\n');
  });

  it('DRR? returns the actual positions from the move start in GCS array format, SAMPLE_TIME in its header', async () => {
    const { hex, motion, clock } = hexapod();
    expect(await send(hex, 'DRC 1 Y 2')).toBeUndefined();
    expect(await send(hex, 'ERR?')).toBe('0\n');
    await send(hex, 'MOV Y 0.1');
    const t0 = clock.now_s(); // the move started as the MOV ran (after its command latency)
    await send(hex, 'ONT? Y');
    const reply = (await send(hex, 'DRR? 1 1000 1')) as string;
    const lines = reply.split('\n').filter((l) => l.length > 0);
    const end = lines.findIndex((l) => l.startsWith('# END_HEADER'));
    expect(end).toBeGreaterThan(0);
    expect(lines).toContain(`# SAMPLE_TIME = ${HEXAPOD_SERVO_CYCLE_S.toFixed(6)} `);
    const values = lines.slice(end + 1).map((l) => Number(l.trim()) * 1000);
    expect(values.length).toBeGreaterThan(5);
    // Point k is the platform's Y at k servo cycles after the move started (µm).
    for (const k of [0, 3, values.length - 1]) expect(values[k]).toBeCloseTo(motion.pose(t0 + k * HEXAPOD_SERVO_CYCLE_S).y_um, 3);
    expect(values[values.length - 1]).toBeCloseTo(100, 3);
    expect(values[2]).toBeLessThan(values[values.length - 1] as number);
  });

  it('refuses a record table or option it does not have', async () => {
    const { hex } = hexapod();
    await send(hex, 'DRC 9 X 2');
    expect(await send(hex, 'ERR?')).not.toBe('0\n');
    await send(hex, 'DRC 1 Q 2');
    expect(await send(hex, 'ERR?')).toBe('15\n');
    await send(hex, 'DRR? 1 10');
    expect(await send(hex, 'ERR?')).not.toBe('0\n');
  });
});
