// Reads a wafer map file by its extension (.csv list form, .yaml/.yml grid form) and checks it.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { SequenceIssue } from '../schema/errors.ts';
import { parseMapCsv } from './map-csv.ts';
import { WaferMapError, type WaferMap } from './map-types.ts';
import { checkMap } from './map-validate.ts';
import { parseMapYaml } from './map-yaml.ts';

/** Parses and checks a map's text; problems are appended to `issues` (null when unusable). */
export function parseWaferMap(file: string, text: string, issues: SequenceIssue[]): WaferMap | null {
  const ext = extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.yaml' && ext !== '.yml') {
    issues.push({ file, line: 0, col: 0, field: '(file)', message: `unknown wafer map format '${ext || '(none)'}'; expected a .csv (list of dies) or .yaml (grid) file` });
    return null;
  }
  const before = issues.length;
  const map = ext === '.csv' ? parseMapCsv(file, text, issues) : parseMapYaml(file, text, issues);
  if (map) checkMap(map, issues);
  return map && issues.length === before ? map : null;
}

/** Reads a map file; problems are appended to `issues`. */
export function readWaferMap(file: string, issues: SequenceIssue[]): WaferMap | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    issues.push({ file, line: 0, col: 0, field: '(file)', message: code === 'ENOENT' ? 'no such wafer map; expected a .csv or .yaml file (relative to the sequence file)' : `cannot read: ${(err as Error).message}` });
    return null;
  }
  return parseWaferMap(file, text, issues);
}

/** Reads a map file or throws a WaferMapError listing every problem. */
export function loadWaferMap(file: string): WaferMap {
  const issues: SequenceIssue[] = [];
  const map = readWaferMap(file, issues);
  if (!map) throw new WaferMapError(issues);
  return map;
}
