// journal.jsonl: the run's append-only log (plan, step starts and ends, step states, resumes, the end),
// each entry fsync'd before the call returns, so `benchctl resume` knows exactly which steps finished.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { LimitResult } from '../events.ts';
import type { FitRecord, Measurement } from '../step.ts';
import type { DieResult } from '../wafer/die-records.ts';

/** How the run was started: what resume needs to rebuild the same plan on the same kind of bench. */
export interface RunConfig {
  runId: string;
  sequenceName: string;
  /** The sequence file as given, and the directory its relative paths resolve against. */
  sequenceFile: string;
  baseDir: string;
  overrides: Record<string, string>;
  /** `--sim` runs: the seed and clock mode of the VirtualBench; a bench file otherwise. */
  bench: { sim: true; seed: number; realtime: boolean; world?: 'chip' | 'wafer' } | { sim: false; file: string };
  software: { name: string; version: string; node: string };
}

export type JournalEntry =
  | { type: 'run'; time: string; config: RunConfig; plan: { stepId: string; kind: string; estimate_s: number }[] }
  | { type: 'resume'; time: string }
  | { type: 'step-start'; time: string; stepId: string; t_s: number }
  | { type: 'state'; time: string; stepId: string; state: unknown; pointsByTable: Record<string, number> }
  | {
    type: 'step-end'; time: string; stepId: string; status: 'done' | 'error' | 'aborted'; duration_s: number;
    measurements: Record<string, Measurement>; fits: Record<string, FitRecord>; notes: string[];
    pointsByTable: Record<string, number>; error?: string;
  }
  | {
    /** A resume restored the bench (settings, stage, an alignment run again) before continuing. */
    type: 'restore'; time: string; resume: number; before: string; applied: string[];
    rerun?: { stepId: string; status: string; measurements: Record<string, Measurement>; pointsByTable: Record<string, number>; error?: string };
  }
  | { type: 'die'; time: string; result: DieResult }
  | { type: 'end'; time: string; status: 'passed' | 'failed' | 'aborted' | 'error'; limits: LimitResult[]; message?: string };

export class JournalError extends Error {
  override name = 'JournalError';
}

export class Journal {
  private fd: number | null;

  private constructor(readonly path: string, fd: number) {
    this.fd = fd;
  }

  static open(path: string): Journal {
    return new Journal(path, openSync(path, 'a'));
  }

  /** Appends one entry and fsyncs it. */
  append(entry: JournalEntry): void {
    if (this.fd === null) throw new JournalError(`journal ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** Reads a journal; a torn last line (the process died mid-append) is ignored, any other bad line is an error. */
export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) throw new JournalError(`${path}: no journal; expected a run folder written by benchctl run`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: JournalEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      if (i === lines.length - 1) return;
      throw new JournalError(`${path}:${i + 1}: not a JSON journal entry`);
    }
  });
  if (out[0]?.type !== 'run') throw new JournalError(`${path}: expected a 'run' entry first; this is not a benchctl run journal`);
  return out;
}
