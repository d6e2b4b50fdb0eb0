// Run events for renderer tests, shaped as the engine emits them (sequences/events.ts).
import type { RunEvent } from '../../../service/bench-api.ts';

type Body = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 't_s' | 'time'> : never) : never;

export function ev(runId: string, t_s: number, body: Body): RunEvent {
  return { runId, t_s, time: new Date(Date.UTC(2026, 0, 1, 0, 0, t_s)).toISOString(), ...body } as RunEvent;
}

export function runStarted(runId: string, steps: { stepId: string; kind: string }[]): RunEvent {
  return ev(runId, 0, {
    type: 'run-started', sequence: 'test-seq', dut: 'DUT-1', runFolder: `/runs/${runId}`,
    steps: steps.map((s) => ({ ...s, estimate_s: 10 })), estimate_s: 10 * steps.length, resumed: false, completed: [],
  });
}

export function point(runId: string, stepId: string, table: string, index: number, row: Record<string, number | string | boolean>): RunEvent {
  return ev(runId, index, { type: 'point', stepId, table, index, row });
}
