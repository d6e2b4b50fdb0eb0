// The History search's payloads (plain JSON): a filter as the user types it, a page of indexed runs, a
// trend, the yield per lot, and what the index holds.
import type { IndexedDieSite, IndexedMeasurement, IndexedRun, LotYield, TrendPoint } from '../runindex/query.ts';
import type { DieSiteFilter, RunSearchFilter } from '../runindex/search-request.ts';

export type { DieSiteFilter, IndexedDieSite, IndexedMeasurement, IndexedRun, LotYield, RunSearchFilter, TrendPoint };

export interface RunSearchRequest extends RunSearchFilter, DieSiteFilter {
  /** Page size, 1-1000 (default 100), and the offset of the page's first run. */
  limit?: number;
  offset?: number;
  /** Only these measurements on each run (the view's chosen columns); default all. */
  measurements?: string[];
}

export interface RunSearchPage {
  runs: IndexedRun[];
  /** Matching runs over all pages. */
  total: number;
  offset: number;
}

export interface RunTrendRequest extends RunSearchFilter, DieSiteFilter {
  measurement: string;
  /** At most this many newest points (default 5,000). */
  limit?: number;
}

export interface IndexInfo {
  /** Where the index lives (`SQLite /lab/runs.index.sqlite`, `PostgreSQL postgresql://bench@lab/runs`), or null without one. */
  index: string | null;
  /** Run folders owed to the index (kept in the outbox while it is unreachable). */
  pending: number;
  lastError: string | null;
  measurements: { name: string; unit: string }[];
}
