// An alignment restarted after a fault mid-search goes back to the centre it started from: the stage
// stands wherever the spiral had taken it, and re-centring there would walk the search off the chip.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';
import { SIM_BENCH_STAGE_ROLE } from '../../../sim/link/bench-file.ts';

let dir: string;
let run: PreparedRun | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-align-restart-'));
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('an alignment restarted after a fault', () => {
  it('searches again from its first centre, not from where the stage stood', async () => {
    const file = join(dir, 'seq.yaml');
    writeFileSync(file, 'sequence: ar\nmetadata: { dut: CHIP-A }\nsteps:\n' +
      '  - set: { laser.wavelength: 1550nm, laser.output: on, voa.output: on, meter.wavelength: 1550nm }\n' +
      '  - set: { stage.Z: 5020um, stage.X: 12440um, stage.Y: 12470um }\n' +
      '  - align: { search_radius: 80um, fly: off }\n');
    run = await prepareRun({ sequenceFile: file, outDir: join(dir, 'runs'), bench: { sim: true, seed: 1, realtime: false }, recovery: { backoff_s: 0.05, maxBackoff_s: 0.2 } });
    const events: RunEvent[] = [];
    let dropped = false;
    let tried = false;
    const r = run;
    r.engine.on((e) => {
      events.push(e);
      if (e.type === 'point' && e.table === 'align_scan' && e.index === 40 && !tried) {
        tried = true;
        // The --sim bench drives the PI controller (sim/link/bench-file.ts SIM_BENCH_STAGE_ROLE).
        dropped = (r.sim?.faults.dropConnection(SIM_BENCH_STAGE_ROLE) ?? 0) > 0;
      }
    });
    const result = await r.engine.run();
    expect(dropped).toBe(true);
    expect(result.status).toBe('passed');
    expect(events.some((e) => e.type === 'log' && /align: resuming/.test(e.message))).toBe(true);
    const rows = parse(readFileSync(r.recorder.fileOf('align', 'align_scan'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    // The first reading of each attempt's search is at the centre the step started from.
    const restart = rows.slice(41).find((x) => x.phase === 'first-light');
    expect([Number(rows[0]?.x_um), Number(rows[0]?.y_um)]).toEqual([12440, 12470]);
    expect([Number(restart?.x_um), Number(restart?.y_um)]).toEqual([12440, 12470]);
  }, 60_000);
});
