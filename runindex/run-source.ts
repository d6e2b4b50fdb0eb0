// Reading one run folder for the index: run.json checked and turned into rows, with its modification time.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord } from './record-check.ts';
import { rowsOf, type RunRows } from './record-rows.ts';

/** run.json's mtime, or null when the folder has none (not a run folder, or one still being created). */
export async function recordMtime(folder: string): Promise<number | null> {
  const s = await stat(join(folder, 'run.json')).catch(() => null);
  return s?.isFile() ? s.mtimeMs : null;
}

/** Throws RunRecordError (damaged or foreign run.json) or the file system's error. */
export async function readRunRows(folder: string, mtime_ms?: number): Promise<RunRows> {
  const file = join(folder, 'run.json');
  const [text, m] = await Promise.all([readFile(file, 'utf8'), mtime_ms === undefined ? stat(file).then((s) => s.mtimeMs) : mtime_ms]);
  const record = checkRunRecord(file, text);
  return rowsOf(record, { folder, mtime_ms: m });
}
