// One index, opened when first needed and opened again after it failed (a lab server restarted): the
// writer and the History queries share it. Opening is never attempted twice at once.
import { describeTarget, type IndexTarget } from './index-target.ts';
import { openIndex, type IndexDb, type OpenedIndex, type OpenIndexOptions } from './open-index.ts';

export class IndexConnection {
  private opened: OpenedIndex | null = null;
  private opening: Promise<OpenedIndex> | null = null;
  private closed = false;

  constructor(readonly target: IndexTarget, private readonly opts: OpenIndexOptions = {}) {}

  get description(): string {
    return describeTarget(this.target);
  }

  async db(): Promise<IndexDb> {
    if (this.closed) throw new Error(`run index ${this.description} is closed`);
    if (this.opened) return this.opened.db;
    this.opening ??= openIndex(this.target, this.opts).finally(() => (this.opening = null));
    const opened = await this.opening;
    if (this.closed) {
      await opened.close();
      throw new Error(`run index ${this.description} is closed`);
    }
    this.opened = opened;
    return opened.db;
  }

  /** After a failure: the next call opens a fresh connection (and pool). */
  async reset(): Promise<void> {
    const o = this.opened;
    this.opened = null;
    await o?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    await this.reset();
  }
}
