// `--timing FILE`: a timing profile in YAML or JSON (YAML is a superset), validated like the built-ins;
// every problem names the file and the field.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { builtInTiming, isBuiltInTiming, TimingProfileError, validateTiming } from './timing-profile.ts';
import type { TimingProfile } from './timing-profile.ts';

/** Reads and validates a profile file. */
export function loadTimingFile(path: string, knownRoles?: readonly string[]): TimingProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TimingProfileError(path, [{ path: '', message: `cannot read the timing profile: ${(err as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new TimingProfileError(path, [{ path: '', message: `not YAML or JSON: ${(err as Error).message}` }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TimingProfileError(path, [{ path: '', message: 'expected a mapping with instruments, meter and stage' }]);
  }
  return validateTiming(data, path, knownRoles);
}

/** `ideal`, `lan`, `serial`, or a file path. */
export function resolveTimingOption(spec: string, knownRoles?: readonly string[]): TimingProfile {
  return isBuiltInTiming(spec) ? builtInTiming(spec) : loadTimingFile(spec, knownRoles);
}
