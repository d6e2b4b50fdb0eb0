// The run lifecycle's hook into the index: as a run starts, as each step ends, and at its end, its folder is
// owed to the index (the writer reads the record from run.json, which the recorder has written by then).
// A small subscriber of the service's events; the run never waits for it.
import { join } from 'node:path';
import type { IndexWriter } from '../runindex/index-writer.ts';
import type { BenchEventHub } from './event-hub.ts';

const ENDED = new Set(['passed', 'failed', 'aborted', 'error']);

export function indexRunEvents(hub: BenchEventHub, runsDir: string, writer: IndexWriter): () => void {
  const folders = new Map<string, string>();
  const folderOf = (runId: string): string => folders.get(runId) ?? join(runsDir, runId);
  const offRun = hub.on('run', ({ event }) => {
    switch (event.type) {
      case 'run-started':
        if (event.runFolder) folders.set(event.runId, event.runFolder);
        writer.enqueue(folderOf(event.runId));
        break;
      case 'step-finished':
      case 'finished':
      case 'aborted':
        writer.enqueue(folderOf(event.runId));
        break;
      default:
        break;
    }
  });
  // A run that ended without a last event (the engine itself failed) is still indexed as it was left.
  const offState = hub.on('runState', (s) => {
    if (s.runId !== null && s.runFolder !== null && ENDED.has(s.phase)) writer.enqueue(s.runFolder);
  });
  return () => {
    offRun();
    offState();
  };
}
