// After a stall, what the instrument is really doing. A command that moves or emits may or may not have
// been carried out while the box was not answering (it took the bytes, then hung; or hung first), so
// nothing is sent again on trust: the stage is let finish whatever move it was given and its position
// read, the laser's and the generators' outputs and the BERT's gate read back, before the step goes on
// from its last recorded point (which commands absolute targets again, never relative ones).
import type { Bench } from '../bench-port.ts';

/** A stage that cannot say how long its move has left is let finish for at most this long, s. */
const MOVE_SETTLE_S = 30;

/** What a move's expected time is given on top: ×1.5, plus 2 s (settling, polls, a slow controller). */
const MOVE_FACTOR = 1.5;
const MOVE_MARGIN_S = 2;

/**
 * How long the re-read waits for a move under way to finish: its expected time (distance over velocity,
 * plus ramps) with a margin, never past what is left of the recovery deadline.
 */
export function moveWaitBound_s(expected_s: number | undefined, left_s: number): number {
  const own_s = expected_s === undefined ? MOVE_SETTLE_S : expected_s * MOVE_FACTOR + MOVE_MARGIN_S;
  return Math.max(Math.min(own_s, left_s), 0.1);
}

/**
 * Reads back the state of `role`; one line saying what it found, or null for a role with nothing to re-read
 * (a meter). `left_s`: what is left of the recovery deadline, the most a wait for a move may take.
 */
export async function rereadState(bench: Bench, role: string, left_s = MOVE_SETTLE_S): Promise<string | null> {
  const inst = bench.instrument(role);
  switch (inst.kind) {
    case 'stage': {
      const stage = bench.get(role, 'stage');
      // A polling wait (each poll one exchange, held to the reply timeout), so a stall that comes back
      // meanwhile fails this attempt at once instead of holding it; past its bound the axes are stopped and
      // the attempt fails (the step re-commands absolute targets when it goes on).
      const expected_s = stage.motionLeft_s ? await stage.motionLeft_s() : undefined;
      const waited = expected_s === undefined || expected_s > 0;
      const bound_s = moveWaitBound_s(expected_s, left_s);
      if (waited) await stage.waitForMotion({ timeout_s: bound_s });
      const at = await stage.positions_um();
      const where = Object.entries(at).map(([a, v]) => `${a}=${Number(v.toFixed(3))} µm`).join(', ');
      return `${role} stopped at ${where}${expected_s !== undefined && expected_s > 0 ? ` (a move under way, about ${Number(expected_s.toFixed(1))} s left, waited out within ${Number(bound_s.toFixed(1))} s)` : ''}`;
    }
    case 'laser': {
      const on = await bench.get(role, 'laser').output();
      return `${role} output ${on ? 'on' : 'off'}`;
    }
    case 'voa': {
      const on = await bench.get(role, 'voa').output();
      return `${role} output ${on ? 'on' : 'off'}`;
    }
    case 'bert': {
      const bert = bench.get(role, 'bert');
      const on = await bert.output();
      const gate = await bert.gateRunning();
      return `${role} output ${on ? 'on' : 'off'}, gate ${gate ? 'running' : 'stopped'}`;
    }
    default:
      return null;
  }
}
