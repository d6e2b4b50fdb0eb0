// A wafer loop's settings checked and its map read (relative to the sequence file), then one iteration
// per visited die and chosen site, dies in visiting order (reference dies first), a die's sites together,
// nearest first from the site before (stage travel between sites is bench time that measures nothing: on a
// serpentine's reverse rows the listed order A, B would cross each die twice).
// Each iteration puts $die, $die_x, $die_y (grid column and row), $site, $site_x and $site_y (the site's
// nominal stage position) in scope, and a goto to the site.
import { z } from 'zod';
import type { FieldPath, SequenceIssue } from '../schema/errors.ts';
import { q } from '../schema/q.ts';
import { zodInto, type SequenceNode, type WaferLoopSpec } from '../schema/sequence-file.ts';
import type { SourceFile } from '../schema/source.ts';
import { readWaferMap } from './load-map.ts';
import { resolveMapPath, type MapPolicy } from './map-path.ts';
import { siteStage_um, type WaferDie, type WaferSiteDef } from './map-types.ts';
import { visitOrder, WAFER_ORDERS } from './order.ts';
import { readReprobe } from './reprobe-spec.ts';
import { dieSiteKey, dieSiteSegment } from './step-id.ts';
import type { WaferLoopPlan } from './wafer-plan.ts';

const settingsSchema = z.strictObject({
  map: z.string({ error: 'expected the wafer map file (e.g. maps/wafer-a.csv), relative to the sequence file' }).min(1),
  sites: z.array(z.string(), { error: 'expected a list of site names, e.g. [A, B]' }).min(1, { error: 'expected at least one site' }).optional(),
  order: z.enum(WAFER_ORDERS, { error: `expected ${WAFER_ORDERS.join(', ')}` }).default('serpentine'),
  predict: z.boolean({ error: 'expected true or false' }).default(true),
  reprobe: z.unknown().optional(),
  stage: z.string({ error: 'expected the stage role name (e.g. stage)' }).default('stage'),
  height: q.length_um().optional(),
});

export interface WaferIteration {
  key: string;
  /** The step-id segment after the loop's id when not `[key]/`: a reprobe's `[C07R03.A]/reprobe1/`. */
  idSegment?: string;
  pass: number;
  vars: Record<string, unknown>;
  loop: Record<string, unknown>;
  goto: Record<string, string>;
}

/** The loop's plan (its die-sites' step ids filled in by the expansion) and its iterations; null on problems. */
export function waferIterations(source: SourceFile, spec: WaferLoopSpec, lp: FieldPath, loopId: string, baseDir: string,
  issues: SequenceIssue[], maps: MapPolicy = { kind: 'any' }): { plan: WaferLoopPlan; iterations: WaferIteration[] } | null {
  const { over: _over, ...raw } = spec;
  const s = zodInto(source, settingsSchema, Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)), lp, issues);
  if (!s) return null;
  const reprobe = readReprobe(source, s.reprobe, [...lp, 'reprobe'], issues);
  if (reprobe === null) return null;
  const where = resolveMapPath(s.map, baseDir, maps);
  if (!where.ok) {
    // Refused before the file is opened: its contents (or whether it exists) never reach the sender.
    issues.push(source.issue([...lp, 'wafer'], where.message));
    return null;
  }
  const file = where.file;
  const mapIssues: SequenceIssue[] = [];
  const map = readWaferMap(file, mapIssues);
  if (!map) {
    // The map's own problems, and where the sequence names it.
    issues.push(...mapIssues, source.issue([...lp, 'wafer'], `the wafer map ${file} has ${mapIssues.length} problem${mapIssues.length === 1 ? '' : 's'} (listed above)`));
    return null;
  }
  const siteNames = s.sites ?? map.sites.map((x) => x.name);
  const unknown = siteNames.filter((n) => !map.sites.some((x) => x.name === n));
  if (unknown.length) {
    issues.push(source.issue([...lp, 'sites'], `no site ${unknown.join(', ')} in the map ${map.name}; it has ${map.sites.map((x) => x.name).join(', ')}`));
    return null;
  }
  const sites = siteNames.map((n) => map.sites.find((x) => x.name === n)!);
  const plan: WaferLoopPlan = {
    loopId, map, sites: siteNames, order: s.order, predict: s.predict, reprobeBins: reprobe.bins, reprobeMax: reprobe.max, stage: s.stage,
    height_um: s.height ?? null, dieSites: [],
  };
  const iterations: WaferIteration[] = [];
  const order = visitOrder(map.dies, s.order);
  // Each reprobe pass plans every die-site again (stable step ids for the journal); the run skips those
  // whose bin is not one to reprobe.
  for (let pass = 1; pass <= 1 + reprobe.max; pass++) {
    let last: { x: number; y: number } | null = null;
    for (const die of order) {
      for (const { site, p } of nearestFirst(sites.map((site) => ({ site, p: siteStage_um(die, site) })), last)) {
        last = p;
        const siteKey = `${die.name}.${site.name}`;
        const key = dieSiteKey(siteKey, pass);
        plan.dieSites.push({ key, siteKey, pass, die, site, stage_um: p, stepIds: [] });
        iterations.push({ ...iteration(die, site, p, s, pass), key, pass, ...(pass > 1 ? { idSegment: dieSiteSegment(siteKey, pass) } : {}) });
      }
    }
  }
  return { plan, iterations };
}

function iteration(die: WaferDie, site: WaferSiteDef, p: { x: number; y: number }, s: z.infer<typeof settingsSchema>, pass: number): Omit<WaferIteration, 'key' | 'pass'> {
  return {
    vars: { die: die.name, die_x: die.col, die_y: die.row, site: site.name, site_x: `${round(p.x)}um`, site_y: `${round(p.y)}um` },
    // A reprobe's steps say their pass (as its die result does): the same die-site's steps, measured again.
    loop: { die: die.name, die_x: die.col, die_y: die.row, site: site.name, position_um: { X: p.x, Y: p.y }, ...(pass > 1 ? { pass } : {}) },
    goto: {
      [`${s.stage}.X`]: `${round(p.x)}um`, [`${s.stage}.Y`]: `${round(p.y)}um`,
      ...(s.height !== undefined ? { [`${s.stage}.Z`]: `${round(s.height)}um` } : {}),
    },
  };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** A die's sites in the order the stage reaches them soonest from `from` (each next the nearest); as listed with no `from`. */
function nearestFirst<T extends { p: { x: number; y: number } }>(items: readonly T[], from: { x: number; y: number } | null): T[] {
  if (!from) return [...items];
  const left = [...items];
  const out: T[] = [];
  let at = from;
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (dist(left[i]!.p, at) < dist(left[best]!.p, at)) best = i;
    const [next] = left.splice(best, 1) as [T];
    out.push(next);
    at = next.p;
  }
  return out;
}

function dist(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Whether a sequence's steps hold a wafer loop (cli/ picks the simulated wafer for --sim then). */
export function hasWaferLoop(nodes: readonly SequenceNode[]): boolean {
  return nodes.some((n) => n.type === 'loop' && (n.loop.over === 'wafer' || hasWaferLoop(n.steps)));
}
