// After a stall, what the instrument is really doing. A command that moves or emits may or may not have
// been carried out while the box was not answering (it took the bytes, then hung; or hung first), so
// nothing is sent again on trust: the stage is let finish whatever move it was given and its position
// read, the laser's and the generators' outputs and the BERT's gate read back, before the step goes on
// from its last recorded point (which commands absolute targets again, never relative ones).
import type { Bench } from '../bench-port.ts';

/** A move sent before the stall is let finish for at most this long before the re-read counts as failed. */
const MOVE_SETTLE_S = 30;

/** Reads back the state of `role`; one line saying what it found, or null for a role with nothing to re-read (a meter). */
export async function rereadState(bench: Bench, role: string): Promise<string | null> {
  const inst = bench.instrument(role);
  switch (inst.kind) {
    case 'stage': {
      const stage = bench.get(role, 'stage');
      await stage.waitForMotion({ timeout_s: MOVE_SETTLE_S });
      const at = await stage.positions_um();
      return `${role} stopped at ${Object.entries(at).map(([a, v]) => `${a}=${Number(v.toFixed(3))} µm`).join(', ')}`;
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
