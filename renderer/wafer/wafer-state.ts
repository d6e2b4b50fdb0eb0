// A run's wafers as the view needs them, built from its events: each wafer loop's map ('wafer-map') and the
// latest result of each of its die-sites ('die-finished'; a reprobe replaces the first). Pure: the Pinia
// store (stores/wafer.ts) holds one and feeds it the run's events.
import type { RunEvent } from '../../service/bench-api.ts';
import type { DieFinishedEventBody, WaferMapEventBody } from '../../sequences/wafer-events.ts';
import { mean, worstBin } from './wafer-colour.ts';

export type WaferMapInfo = Omit<WaferMapEventBody, 'type'>;
export type DieSiteResult = Omit<DieFinishedEventBody, 'type'>;

export interface WaferLoop {
  map: WaferMapInfo;
  /** `${die}.${site}` → its latest result. */
  results: Map<string, DieSiteResult>;
}

/** 'measured' once every visited site of the die has a result; 'partial' while some have; else 'pending'. */
export type DieState = 'excluded' | 'pending' | 'partial' | 'measured';

export interface DieSummary {
  die: string;
  state: DieState;
  /** The worst bin of its measured sites (null before any). */
  bin: number | null;
  binName: string | null;
  sites: DieSiteResult[];
}

export class WaferState {
  readonly loops = new Map<string, WaferLoop>();
  runId: string | null = null;

  /** Takes a batch of the run's events; a new run's events start afresh. Returns true when anything changed. */
  ingest(events: readonly RunEvent[]): boolean {
    let changed = false;
    for (const e of events) {
      if (e.runId !== this.runId) {
        this.loops.clear();
        this.runId = e.runId;
        changed = true;
      }
      if (e.type === 'wafer-map') {
        const { type: _t, runId: _r, t_s: _ts, time: _time, ...map } = e;
        this.loops.set(e.loopId, { map: map as WaferMapInfo, results: new Map() });
        changed = true;
      } else if (e.type === 'die-finished') {
        const loop = this.loops.get(e.loopId);
        if (!loop) continue;
        const { type: _t, runId: _r, t_s: _ts, time: _time, ...result } = e;
        loop.results.set(`${e.die}.${e.site}`, result as DieSiteResult);
        changed = true;
      }
    }
    return changed;
  }

  clear(): void {
    this.loops.clear();
    this.runId = null;
  }
}

/** The die's state and bin from its sites' results (sites the loop visits). */
export function summariseDie(loop: WaferLoop, die: string): DieSummary {
  const d = loop.map.dies.find((x) => x.die === die);
  const sites = loop.map.sites.map((s) => loop.results.get(`${die}.${s}`)).filter((r): r is DieSiteResult => r !== undefined);
  const bin = worstBin(sites.map((s) => s.bin));
  const worst = sites.find((s) => s.bin === bin);
  const state: DieState = d?.excluded ? 'excluded' : sites.length === 0 ? 'pending' : sites.length < loop.map.sites.length ? 'partial' : 'measured';
  return { die, state, bin, binName: worst?.binName ?? null, sites };
}

/** Every numeric measurement key the loop's results carry, sorted (what the colour choice offers). */
export function measurementKeys(loop: WaferLoop): string[] {
  const keys = new Set<string>();
  for (const r of loop.results.values()) {
    for (const [k, m] of Object.entries(r.measurements)) if (typeof m.value === 'number' && Number.isFinite(m.value)) keys.add(k);
  }
  return [...keys].sort();
}

/** A die-site's value of a measurement (undefined when it has none, e.g. a die without light). */
export function siteValue(r: DieSiteResult, key: string): number | undefined {
  const v = r.measurements[key]?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The die's value of a measurement: its sites' mean. */
export function dieValue(s: DieSummary, key: string): number | null {
  return mean(s.sites.map((r) => siteValue(r, key)).filter((v): v is number => v !== undefined));
}

/** Counts by bin over the measured sites, for the legend. */
export function binCounts(loop: WaferLoop): Map<number, { name: string; sites: number }> {
  const out = new Map<number, { name: string; sites: number }>();
  for (const r of loop.results.values()) {
    const c = out.get(r.bin) ?? { name: r.binName, sites: 0 };
    c.sites++;
    out.set(r.bin, c);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}
