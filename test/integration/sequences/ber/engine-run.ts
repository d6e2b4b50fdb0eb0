// Runs a sequence through the real engine on the simulated bench (in-process, fast clock), with the
// records in memory: for fault tests that need the engine's reconnect-and-resume.
import { RunEngine } from '../../../../sequences/engine/engine.ts';
import { MemoryRecords } from '../../../../sequences/engine/records-port.ts';
import type { RunEvent } from '../../../../sequences/events.ts';
import { buildPlan } from '../../../../sequences/plan/build-plan.ts';
import { loadSequenceText } from '../../../../sequences/schema/load.ts';
import type { Row } from '../../../../sequences/step.ts';
import type { OpticalSim } from './optical-sim.ts';

export interface EngineRun {
  engine: RunEngine;
  events: RunEvent[];
  records: MemoryRecords;
  /** Rows of a table of the (only) step that wrote it. */
  rows(table: string): Row[];
}

export function engineRun(s: OpticalSim, yaml: string): EngineRun {
  const plan = buildPlan(loadSequenceText('test.yaml', yaml));
  const records = new MemoryRecords();
  const engine = new RunEngine({
    plan, bench: s.bench, records, runId: 'test',
    now_s: () => s.sim.benchTime_s(),
    benchWait: (d) => s.sim.clock.advance(d),
    // Reconnecting happens in wall time (the engine's real sleeps), with short waits so tests stay quick.
    recovery: { deadline_s: 10, backoff_s: 0.05, maxBackoff_s: 0.2 },
    abortGrace_s: 0.1,
  });
  const events: RunEvent[] = [];
  engine.on((e) => events.push(e));
  return {
    engine, events, records,
    rows(table) {
      const hits = [...records.rows.entries()].filter(([k]) => k.endsWith(`/${table}`));
      return hits.flatMap(([, r]) => r);
    },
  };
}
