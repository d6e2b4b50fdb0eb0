// A finished run's wafers (run.json's `wafer`, or each of its `wafers`) as the events the live run sent:
// each loop's 'wafer-map', then its die-sites' 'die-finished' in the order they were measured (a reprobe
// after the first pass, so it replaces it). The wafer store then has one entry point, ingest(), for a live
// run and a reopened one alike. Pure.
import type { RunEvent } from '../../service/bench-api.ts';
import type { RunRecord } from '../../sequences/records/run-record.ts';

/** The run's wafer events, stamped with its id and times; none when the run had no wafer loop. */
export function waferEventsOf(runId: string, record: Pick<RunRecord, 'wafer' | 'wafers' | 'started' | 'finished'>): RunEvent[] {
  const wafers = record.wafers ?? (record.wafer ? [record.wafer] : []);
  const time = record.finished ?? record.started;
  const out: RunEvent[] = [];
  for (const w of wafers) {
    out.push({ ...w.map, type: 'wafer-map', runId, t_s: 0, time: record.started });
    // A result names its loop; one written under another loop's record still belongs to this map.
    for (const r of w.results) out.push({ ...r, loopId: w.map.loopId, type: 'die-finished', runId, t_s: 0, time });
  }
  return out;
}
