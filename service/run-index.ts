// The service's run index: where it lives (by default an SQLite file beside the runs folder), the writer
// the run lifecycle feeds (service/run-indexer.ts), a catch-up of the folders at start (runs recorded
// while no index was kept, or before this version), and the History view's searches.
import { basename, dirname, join, resolve } from 'node:path';
import { searchAudit, type AuditFilter, type AuditRecord } from '../runindex/audit-index.ts';
import { AuditWriter } from '../runindex/audit-writer.ts';
import { IndexConnection } from '../runindex/index-connection.ts';
import { defaultIndexFile, type IndexTarget } from '../runindex/index-target.ts';
import { IndexWriter } from '../runindex/index-writer.ts';
import { measurementNames, searchRuns, trendOf, yieldByLot, type LotYield, type TrendPoint } from '../runindex/query.ts';
import { rebuildIndex } from '../runindex/rebuild.ts';
import { filterOf, type DieSiteFilter, type RunSearchFilter } from '../runindex/search-request.ts';
import { AUDIT_FILE_NAME, type AuditSink } from './access/audit-log.ts';
import type { BenchEventHub } from './event-hub.ts';
import type { IndexInfo, RunSearchPage, RunSearchRequest, RunTrendRequest } from './index-types.ts';
import { indexRunEvents } from './run-indexer.ts';

export interface RunIndexOptions {
  /** The index; default an SQLite file beside the runs folder (`runs.index.sqlite`). */
  target?: IndexTarget;
  /** Index the runs folder's unindexed or changed runs at start (default true). */
  catchUp?: boolean;
  /** Where a problem is told (the CLI: stderr); default: kept in indexInfo's lastError only. */
  onProblem?: (message: string) => void;
  connectTimeout_ms?: number;
  retryMax_ms?: number;
}

export function outboxFileOf(runsDir: string): string {
  const abs = resolve(runsDir);
  return join(dirname(abs), `${basename(abs)}.index-outbox.json`);
}

/** How far the index has been sent the runs folder's audit.jsonl. */
export function auditCursorFileOf(runsDir: string): string {
  const abs = resolve(runsDir);
  return join(dirname(abs), `${basename(abs)}.index-audit.json`);
}

export class RunIndex {
  readonly conn: IndexConnection;
  readonly writer: IndexWriter;
  readonly auditWriter: AuditWriter;
  /** For the audit log (service/access/audit-log.ts): each entry, once appended to audit.jsonl, is owed here. */
  readonly auditSink: AuditSink;
  private readonly detach: () => void;
  private readonly caughtUp: Promise<void>;

  constructor(hub: BenchEventHub, readonly runsDir: string, opts: RunIndexOptions = {}) {
    const target = opts.target ?? { kind: 'sqlite', file: defaultIndexFile(runsDir) };
    this.conn = new IndexConnection(target, { connectTimeout_ms: opts.connectTimeout_ms ?? 5000 });
    const tell = (m: string): void => opts.onProblem?.(m);
    this.writer = new IndexWriter(this.conn, { outboxFile: outboxFileOf(runsDir), onProblem: tell, ...(opts.retryMax_ms ? { retryMax_ms: opts.retryMax_ms } : {}) });
    this.detach = indexRunEvents(hub, runsDir, this.writer);
    this.auditWriter = new AuditWriter(this.conn, {
      auditFile: join(resolve(runsDir), AUDIT_FILE_NAME), cursorFile: auditCursorFileOf(runsDir), onProblem: tell,
      ...(opts.retryMax_ms ? { retryMax_ms: opts.retryMax_ms } : {}),
    });
    const audits = this.auditWriter;
    this.auditSink = { write: () => Promise.resolve(audits.notify()) };
    // Actions recorded while the index was away (or before this version): sent now.
    audits.notify();
    this.caughtUp = opts.catchUp === false ? Promise.resolve() : this.catchUp(tell);
  }

  private async catchUp(tell: (m: string) => void): Promise<void> {
    try {
      const report = await rebuildIndex(await this.conn.db(), this.runsDir);
      for (const p of report.problems) tell(`run index: skipped ${p.runId}: ${p.error}`);
    } catch (err) {
      // No runs folder yet: nothing to catch up. An unreachable server: the next start (or a rebuild) does it.
      if (!/no runs folder/.test((err as Error).message)) tell(`run index: catching up with ${this.runsDir} failed: ${(err as Error).message}`);
    }
  }

  /** Resolves once the start-up catch-up is done (tests, benchmarks). */
  ready(): Promise<void> {
    return this.caughtUp;
  }

  async search(req: RunSearchRequest): Promise<RunSearchPage> {
    const f = filterOf(req);
    const offset = req.offset ?? 0;
    const page = await searchRuns(await this.conn.db(), { ...f, limit: req.limit ?? 100, offset }, req.measurements ? { measurements: req.measurements } : {});
    return { ...page, offset };
  }

  async trend(req: RunTrendRequest): Promise<TrendPoint[]> {
    return trendOf(await this.conn.db(), req.measurement, filterOf(req), req.limit ?? 5000);
  }

  async yieldByLot(req: RunSearchFilter & DieSiteFilter): Promise<LotYield[]> {
    return yieldByLot(await this.conn.db(), filterOf(req));
  }

  /** The control actions in the index, newest first. */
  async audit(f: AuditFilter): Promise<AuditRecord[]> {
    return searchAudit(await this.conn.db(), f);
  }

  async info(): Promise<IndexInfo> {
    const s = this.writer.status();
    try {
      const measurements = await measurementNames(await this.conn.db());
      return { index: s.index, pending: s.pending, lastError: s.lastError, measurements };
    } catch (err) {
      return { index: s.index, pending: s.pending, lastError: (err as Error).message, measurements: [] };
    }
  }

  /** Stops feeding; a last bounded attempt to send what is owed (the rest stays in the outbox). */
  async close(): Promise<void> {
    this.detach();
    await this.caughtUp;
    await this.writer.close();
    await this.auditWriter.close();
    await this.conn.close();
  }
}
