// What the index is owed, kept durably: the run folders whose latest record has not reached the index yet.
// The folders hold the truth, so the outbox only names them; it is rewritten atomically on every change, so
// a crash or a power cut loses nothing owed. A folder owed twice is owed once.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../sequences/records/atomic-file.ts';

export class Outbox {
  /** folder → generation: a folder enqueued again while it is being sent stays owed. */
  private readonly owed = new Map<string, number>();
  private generation = 0;

  constructor(readonly file: string) {
    let text: string | null = null;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== null) {
      let folders: unknown;
      try {
        folders = (JSON.parse(text) as { owed?: unknown }).owed;
      } catch {
        folders = undefined;
      }
      if (!Array.isArray(folders) || folders.some((f) => typeof f !== 'string')) {
        throw new Error(`run index outbox ${file}: expected {"owed": [run folder, ...]}; fix or delete it (then run 'benchctl index rebuild')`);
      }
      for (const f of folders as string[]) this.owed.set(f, ++this.generation);
    }
  }

  get size(): number {
    return this.owed.size;
  }

  folders(): string[] {
    return [...this.owed.keys()];
  }

  /** Oldest first: the entries to send now, with their generations. */
  take(n: number): [string, number][] {
    return [...this.owed.entries()].slice(0, n);
  }

  add(folder: string): void {
    this.owed.delete(folder);
    this.owed.set(folder, ++this.generation);
    this.save();
  }

  /** Settled: removed unless enqueued again after `generation` was taken. */
  settle(entries: readonly [string, number][]): void {
    let changed = false;
    for (const [folder, gen] of entries) {
      if (this.owed.get(folder) === gen) {
        this.owed.delete(folder);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, `${JSON.stringify({ owed: this.folders() })}\n`);
  }
}
