// PI GCS data recorder replies (`DRR?`): a header of `# KEY = value` lines closed by `# END_HEADER`, then
// rows of values separated by the header's SEPARATOR (32: space). Multi-line GCS replies end every line
// but the last with a space before the LF (pi-gcs-parser in the simulator, pipython's reading loop).
// Format: pipython datarecorder (GCS array data), PI GCS 2.0 manuals (DRR?).
import { ResponseFormatError } from '../scpi/response.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

export interface RecordedData {
  /** Seconds between points (the header's SAMPLE_TIME). */
  sampleTime_s: number;
  /** One array per recorded column. */
  columns: number[][];
}

/** A multi-line GCS reply, line by line (continuation lines end with a space). */
export async function queryGcsLines(session: ScpiSession, command: string, timeout_ms?: number): Promise<string[]> {
  const opts = timeout_ms !== undefined ? { timeout_ms } : undefined;
  const lines = [await session.query(command, opts)];
  while ((lines[lines.length - 1] as string).endsWith(' ')) lines.push(await session.read(opts));
  return lines.map((l) => l.trimEnd());
}

export function parseRecorded(lines: readonly string[], command: string): RecordedData {
  const end = lines.findIndex((l) => /^#\s*END_HEADER/i.test(l));
  if (end < 0) throw new ResponseFormatError(lines.slice(0, 3).join(' | '), `a GCS data recorder reply ('# … = …' header ending '# END_HEADER') to ${command}`);
  let sampleTime_s = Number.NaN;
  for (const l of lines.slice(0, end)) {
    const m = /^#\s*SAMPLE_TIME\s*=\s*(\S+)/i.exec(l);
    if (m) sampleTime_s = Number(m[1]);
  }
  if (!(sampleTime_s > 0)) throw new ResponseFormatError(lines.slice(0, end).join(' | '), `a SAMPLE_TIME > 0 in the header of ${command}`);
  const columns: number[][] = [];
  for (const l of lines.slice(end + 1)) {
    if (l.trim() === '') continue;
    const values = l.trim().split(/\s+/).map(Number);
    if (values.some((v) => !Number.isFinite(v))) throw new ResponseFormatError(l, `numbers separated by spaces in the data of ${command}`);
    values.forEach((v, i) => (columns[i] ??= []).push(v));
  }
  return { sampleTime_s, columns };
}
