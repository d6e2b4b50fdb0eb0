// A search as a user gives it (CLI flags, the History view's fields: text, a date, a --where string) turned
// into the query layer's filter, refusing bad input with the field's name and what was expected.
import type { RunFilter } from './query.ts';
import { parseWhere } from './where.ts';

export interface RunSearchFilter {
  dut?: string;
  lot?: string;
  wafer?: string;
  sequence?: string;
  /** passed | failed | aborted | error | running */
  status?: string;
  /** A date (2026-01-31, local midnight) or an ISO time. */
  since?: string;
  /** `power_dBm > -25 and peakLoss_dB < 12` */
  where?: string;
}

/**
 * A wafer die-site to search for. Apart from RunSearchFilter, whose every field the History form's store
 * holds as required; the form's die and site fields are optional and dropped when blank.
 */
export interface DieSiteFilter {
  /** A die (a wafer run's die-site, or the run's metadata die), e.g. C07R03. */
  die?: string;
  /** A site, e.g. A (with die: that die's). */
  site?: string;
}

export class SearchRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchRequestError';
  }
}

export const RUN_STATUSES = ['passed', 'failed', 'aborted', 'error', 'running'] as const;

/** 2026-01-31 → that day's local midnight; anything Date.parse takes otherwise. */
export function parseSince(text: string): string {
  const t = text.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const ms = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime() : Date.parse(t);
  if (!Number.isFinite(ms)) throw new SearchRequestError(`since: expected a date (2026-01-31) or an ISO time (2026-01-31T08:00:00Z), got '${text}'`);
  return new Date(ms).toISOString();
}

export function filterOf(req: RunSearchFilter & DieSiteFilter): RunFilter {
  const f: RunFilter = {};
  for (const k of ['dut', 'lot', 'wafer', 'die', 'site', 'sequence'] as const) {
    const v = req[k]?.trim();
    if (v) f[k] = v;
  }
  const status = req.status?.trim();
  if (status) {
    if (!(RUN_STATUSES as readonly string[]).includes(status)) throw new SearchRequestError(`status: expected one of ${RUN_STATUSES.join(', ')}, got '${status}'`);
    f.status = status;
  }
  if (req.since?.trim()) f.since = parseSince(req.since);
  if (req.where?.trim()) f.where = parseWhere(req.where);
  return f;
}
