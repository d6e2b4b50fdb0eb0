// Where a wafer loop's `wafer:` map path points, and whether it may be read. A service taking sequences
// from others (benchctl serve, the desktop app) reads maps only inside folders its operator configured:
// otherwise a sequence could read any .csv/.yaml file the service can. The CLI reads any map (its user
// named the sequence file at the shell).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeRoots, isInsideRoots } from '../plan/path-roots.ts';

export type MapPolicy =
  | { kind: 'any' }
  | {
    kind: 'roots';
    /** Folders a map must lie inside (lexically and after following links). */
    roots: readonly string[];
    /**
     * Folders a relative map path is looked up in, first match wins; default the sequence's own folder.
     * An uploaded sequence has no folder: the service's, then the library's.
     */
    lookIn?: readonly string[];
    /** Names the sequence in refusals: 'an uploaded sequence (x.yaml, sent as text)'. */
    reason: string;
  };

export type MapPathResult = { ok: true; file: string } | { ok: false; message: string };

/**
 * The map's absolute path, or why it may not be read. Only candidates inside the roots are tested for
 * existence, so a refusal says nothing about files outside them.
 */
export function resolveMapPath(map: string, baseDir: string, policy: MapPolicy): MapPathResult {
  if (policy.kind === 'any') return { ok: true, file: resolve(baseDir, map) };
  const dirs = policy.lookIn?.length ? policy.lookIn : [baseDir];
  const candidates = [...new Set(dirs.map((d) => resolve(d, map)))];
  const inside = candidates.filter((c) => isInsideRoots(c, policy.roots));
  const found = inside.find((c) => existsSync(c));
  if (found) return { ok: true, file: found };
  const outside = candidates.filter((c) => !inside.includes(c));
  if (outside.length) {
    return {
      ok: false,
      message: `wafer map ${map} (${outside.join(' or ')}) is outside the folders maps may be read from in ${policy.reason}; ` +
        `expected a map inside ${describeRoots(policy.roots)} (the library's maps folder or a folder the service allows)`,
    };
  }
  if (inside.length === 1) return { ok: true, file: inside[0] as string };
  return { ok: false, message: `no such wafer map ${map}; looked for ${inside.join(', ')}; expected a .csv or .yaml file` };
}
