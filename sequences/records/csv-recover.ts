// Reading back a table after a crash: count the complete data rows and cut off a half-written last row,
// so resume appends after the last committed point with no duplicate and no torn line. Streams the file
// (csv-parse) so a table of millions of rows is recovered in flat memory.
import { createReadStream, statSync, truncateSync } from 'node:fs';
import { parse } from 'csv-parse';

export interface RecoveredTable {
  /** Complete data rows (the header excluded). */
  rows: number;
  /** The header row as found; null when the file ends before a complete header. */
  header: string[] | null;
  /** Bytes removed from the end (a torn row). */
  truncated_bytes: number;
}

/** A record is complete only if its line ended: a row cut mid-number would otherwise pass for a value. */
export async function recoverCsv(path: string): Promise<RecoveredTable> {
  const size = statSync(path).size;
  let header: string[] | null = null;
  let records = 0;
  let goodEnd = 0;
  let lastBytes = 0;
  let lastWasComplete = false;
  let lastRecord: string[] = [];
  const parser = createReadStream(path).pipe(parse({ comment: '#', comment_no_infix: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
      lastBytes = item.info.bytes;
      lastRecord = item.record;
      // Every record but one that runs to EOF ended with its newline (csv-parse counts it in `bytes`).
      lastWasComplete = lastBytes < size;
      if (!lastWasComplete) break;
      if (header === null) header = item.record;
      else records++;
      goodEnd = lastBytes;
    }
  } catch {
    // An unclosed quote or a bad record at the end: keep what parsed completely before it.
  }
  if (lastBytes === size && size > 0 && !lastWasComplete) {
    // The last record reached EOF: complete only if the file ends with its newline.
    const endsWithNewline = await lastByteIsNewline(path, size);
    if (endsWithNewline) {
      goodEnd = size;
      if (header === null) header = lastRecord;
      else records++;
    }
  }
  if (header === null) goodEnd = 0;
  const truncated_bytes = size - goodEnd;
  if (truncated_bytes > 0 && header !== null) truncateSync(path, goodEnd);
  return { rows: records, header, truncated_bytes };
}

async function lastByteIsNewline(path: string, size: number): Promise<boolean> {
  for await (const chunk of createReadStream(path, { start: size - 1, end: size - 1 })) {
    return (chunk as Buffer)[0] === 0x0a;
  }
  return false;
}
