// Folders a path may be read from: a path counts as inside a root only when its real location (every
// symbolic link followed) is inside the root's real location, so neither `..` nor a link leads out.
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

export class PathOutsideRootsError extends Error {
  override name = 'PathOutsideRootsError';
  readonly path: string;
  readonly roots: readonly string[];

  constructor(what: string, path: string, roots: readonly string[]) {
    super(`${what} ${path} is outside the allowed folders; expected a path inside ${describeRoots(roots)}`);
    this.path = path;
    this.roots = roots;
  }
}

export function describeRoots(roots: readonly string[]): string {
  return roots.length === 0 ? '(no folder is configured)' : roots.join(', ');
}

/** The real path of `path`; for a path that does not exist (yet), its nearest existing ancestor's real path plus the rest. */
export function realLocation(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync.native(abs);
  } catch {
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return resolve(realLocation(parent), relative(parent, abs));
  }
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Whether `path` (absolute) lies inside one of `roots`, lexically and after following links. */
export function isInsideRoots(path: string, roots: readonly string[]): boolean {
  const abs = resolve(path);
  const real = realLocation(abs);
  return roots.some((r) => within(resolve(r), abs) && within(realLocation(r), real));
}

/** Throws PathOutsideRootsError naming `what`, the path and the roots unless the path is inside one. */
export function checkInsideRoots(what: string, path: string, roots: readonly string[]): string {
  if (!isInsideRoots(path, roots)) throw new PathOutsideRootsError(what, path, roots);
  return path;
}
