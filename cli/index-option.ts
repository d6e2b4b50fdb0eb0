// Which run index a command uses: `--index URL|FILE`, else the bench file's `index:` setting, else the
// default (an SQLite file beside the runs folder). Bad input is refused naming the option or the file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { IndexTargetError, parseIndexTarget, type IndexTarget } from '../runindex/index-target.ts';
import { CliUsageError } from './usage-error.ts';

/** The bench file's `index:`, if it has one (its other fields are the bench loader's to check). */
function benchFileIndex(file: string): string | undefined {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch {
    // Unreadable or not YAML: opening the bench reports it with line and field.
    return undefined;
  }
  const v = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)['index'] : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new CliUsageError(`${file}: index: expected a postgresql:// URL or an SQLite file path, got ${JSON.stringify(v)}`);
  return v;
}

export function indexTargetOf(opt: { index?: string | undefined; benchFile?: string | undefined }): IndexTarget | undefined {
  try {
    if (opt.index !== undefined) return parseIndexTarget(opt.index);
    const fromBench = opt.benchFile !== undefined ? benchFileIndex(opt.benchFile) : undefined;
    return fromBench !== undefined ? parseIndexTarget(fromBench) : undefined;
  } catch (err) {
    if (err instanceof IndexTargetError) throw new CliUsageError(opt.index !== undefined ? `--${err.message}` : `${opt.benchFile}: ${err.message}`);
    throw err;
  }
}
