// Where an index lives, from what a user writes (`--index`, a bench file's `index:`): a PostgreSQL URL
// for a lab server, or an SQLite file (a path, or `sqlite:PATH`). The default is an SQLite file beside the
// runs folder: `runs/` → `runs.index.sqlite`, so nothing has to be set up.
import { basename, dirname, join, resolve } from 'node:path';

export type IndexTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string };

export class IndexTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexTargetError';
  }
}

export function defaultIndexFile(runsDir: string): string {
  const abs = resolve(runsDir);
  return join(dirname(abs), `${basename(abs)}.index.sqlite`);
}

/** `text` relative paths resolve against `cwd`. */
export function parseIndexTarget(text: string, cwd = process.cwd()): IndexTarget {
  const t = text.trim();
  if (t === '') throw new IndexTargetError('index: expected a postgresql://user@host:port/database URL or an SQLite file path, got an empty string');
  if (/^postgres(ql)?:\/\//i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw new IndexTargetError(`index: '${redact(t)}' is not a valid PostgreSQL URL; expected postgresql://user@host:port/database`);
    }
    if (url.hostname === '') throw new IndexTargetError(`index: '${redact(t)}' names no host; expected postgresql://user@host:port/database`);
    if (url.pathname.replace(/^\//, '') === '') throw new IndexTargetError(`index: '${redact(t)}' names no database; expected postgresql://user@host:port/database`);
    return { kind: 'postgres', url: t };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    throw new IndexTargetError(`index: '${redact(t)}' is not a supported index; expected a postgresql:// URL or an SQLite file path`);
  }
  const file = t.startsWith('sqlite:') ? t.slice('sqlite:'.length) : t;
  if (file === '') throw new IndexTargetError('index: sqlite: expects a file path after it (sqlite:runs.index.sqlite)');
  return { kind: 'sqlite', file: resolve(cwd, file) };
}

/** For messages and logs: a URL's password never printed. */
export function describeTarget(target: IndexTarget): string {
  return target.kind === 'sqlite' ? `SQLite ${target.file}` : `PostgreSQL ${redact(target.url)}`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
