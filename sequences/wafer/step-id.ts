// The step ids of a wafer loop's die-sites, written and read in one place. A die-site's steps are
// `<loopId>[<die>.<site>]/<step>` in the first pass and `<loopId>[<die>.<site>]/reprobe<n>/<step>` in reprobe
// pass n (pass n + 1), where <loopId> is the loop's own id with any outer loops' prefix ('wafer',
// 'sites[B]/wafer'), die and site names are letters, digits, - or _ (map-csv.ts, map-yaml.ts), and <step>
// is the inner step's id, itself a path when the loop body holds loops ('pol[1]/measure'). An inner step
// id is never followed by '/' (a loop's is by '['), so `reprobe<n>/` cannot be read from a step's own id.

/** A die-site's key: 'C07R03.A' in the first pass, 'C07R03.A/reprobe1' in the second. */
export function dieSiteKey(siteKey: string, pass: number): string {
  return pass === 1 ? siteKey : `${siteKey}/reprobe${pass - 1}`;
}

/** What follows the loop's id in its die-site's step ids: `[C07R03.A]/`, a reprobe's `[C07R03.A]/reprobe1/`. */
export function dieSiteSegment(siteKey: string, pass: number): string {
  return pass === 1 ? `[${siteKey}]/` : `[${siteKey}]/reprobe${pass - 1}/`;
}

export interface WaferStepId {
  die: string;
  site: string;
  /** 'C07R03.A', the same in every pass. */
  siteKey: string;
  /** 1 for the first pass, 2 for the first reprobe pass, ... */
  pass: number;
  /** The inner step's id below the die-site: 'align', 'goto', 'pol[1]/measure'. */
  step: string;
}

const NAME = '[A-Za-z0-9_-]+';
// A step's own id (schema/sequence-file.ts), '#2' on a repeated one; loops inside the body add '[key]/'.
const ID = '[A-Za-z][A-Za-z0-9_-]*(?:#[0-9]+)?';
const STEP = `(?:${ID}\\[[^\\]]*\\]/)*${ID}`;
const SEGMENT = new RegExp(`^\\[(${NAME})\\.(${NAME})\\]/(?:reprobe([1-9][0-9]*)/)?(${STEP})$`);

/**
 * A step id of the wafer loop `loopId` read into its die-site, pass and inner step; null for an id that is
 * not one of that loop's die-site steps (a step before or after the loop, another loop's).
 */
export function parseWaferStepId(stepId: string, loopId: string): WaferStepId | null {
  if (!stepId.startsWith(loopId)) return null;
  const m = SEGMENT.exec(stepId.slice(loopId.length));
  if (!m) return null;
  const [, die, site, reprobe, step] = m as unknown as [string, string, string, string | undefined, string];
  return { die, site, siteKey: `${die}.${site}`, pass: reprobe === undefined ? 1 : Number(reprobe) + 1, step };
}
