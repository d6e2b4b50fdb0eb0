// What the wafer map draws, computed from the run's wafer loop: each die's fill and state, each measured
// site's marker, the residual arrows and the legend, for the chosen colouring. Pure; WaferMap.vue renders it.
import { binColour, EXCLUDED_COLOUR, UNMEASURED_COLOUR, unitOf, valueScale, type ValueScale } from './wafer-colour.ts';
import type { WaferLayout } from './wafer-geometry.ts';
import { arrowMagnification, residualArrow, type Arrow } from './residual-arrows.ts';
import { binCounts, dieValue, siteValue, summariseDie, type DieState, type WaferLoop } from './wafer-state.ts';

export type Colouring = { kind: 'bin' } | { kind: 'measurement'; key: string };

export interface DiePaint {
  die: string;
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  state: DieState;
  bin: number | null;
  reference: boolean;
  /** The label's colour: white on dark fills. */
  ink: string;
}

export interface SitePaint {
  die: string;
  site: string;
  x: number;
  y: number;
  fill: string;
  bin: number;
}

export type Legend =
  | { kind: 'bin'; entries: { bin: number | null; name: string; colour: string; sites: number }[] }
  | { kind: 'measurement'; key: string; unit: string; min: number; max: number; stops: string[] }
  | { kind: 'measurement'; key: string; unit: string; min: null; max: null; stops: string[] };

export interface WaferPaint {
  dies: DiePaint[];
  sites: SitePaint[];
  arrows: Arrow[];
  magnification: number;
  /** The longest residual, µm (0 when none). */
  maxResidual_um: number;
  legend: Legend;
  /** The side of a site's marker, drawing units. */
  siteSize: number;
}

/** The 90th-percentile arrow is drawn at about this share of the smaller pitch. */
const ARROW_SHARE = 0.45;

export function paintWafer(loop: WaferLoop, layout: WaferLayout, colouring: Colouring): WaferPaint {
  const pitch = Math.min(loop.map.pitch_um.x, loop.map.pitch_um.y);
  const summaries = new Map(loop.map.dies.map((d) => [d.die, summariseDie(loop, d.die)]));
  const results = [...loop.results.values()];
  let scale: ValueScale | null = null;
  if (colouring.kind === 'measurement') scale = valueScale(results.map((r) => siteValue(r, colouring.key)).filter((v): v is number => v !== undefined));
  const siteFill = (r: (typeof results)[number]): string => {
    if (colouring.kind === 'bin') return binColour(r.bin);
    const v = siteValue(r, colouring.key);
    return v === undefined || !scale ? UNMEASURED_COLOUR : scale.colour(v);
  };
  const dies: DiePaint[] = layout.cells.map((c) => {
    const s = summaries.get(c.die);
    let fill = c.excluded ? EXCLUDED_COLOUR : UNMEASURED_COLOUR;
    if (s && s.bin !== null) {
      if (colouring.kind === 'bin') fill = binColour(s.bin);
      else {
        const v = dieValue(s, colouring.key);
        // A die without the measurement (no light) keeps its bin's colour: it is measured, not missing.
        fill = v !== null && scale ? scale.colour(v) : binColour(s.bin);
      }
    }
    return { die: c.die, x: c.x, y: c.y, w: c.w, h: c.h, fill, state: s?.state ?? 'pending', bin: s?.bin ?? null, reference: c.reference, ink: isDark(fill) ? '#ffffff' : '#1b2330' };
  });
  const sites: SitePaint[] = [];
  const residuals: { die: string; site: string; at: { x: number; y: number }; r: { x: number; y: number } }[] = [];
  for (const r of results) {
    const at = layout.sitePoint(r.die, r.site);
    if (!at) continue;
    sites.push({ die: r.die, site: r.site, x: at.x, y: at.y, fill: siteFill(r), bin: r.bin });
    const res = r.prediction?.residual_um;
    if (res) residuals.push({ die: r.die, site: r.site, at, r: res });
  }
  const lengths = residuals.map((x) => Math.hypot(x.r.x, x.r.y));
  const maxResidual_um = Math.max(0, ...lengths);
  // Scaled on the 90th percentile: one outlier (a die off the placement) must not shrink every other arrow to a dot.
  const magnification = arrowMagnification(percentile(lengths, 0.9), ARROW_SHARE * pitch);
  const arrows = residuals.map((x) => residualArrow(x.die, x.site, x.at, x.r, magnification, pitch * 0.08));
  return { dies, sites, arrows, magnification, maxResidual_um, legend: legendOf(loop, colouring, scale), siteSize: pitch * 0.16 };
}

function legendOf(loop: WaferLoop, colouring: Colouring, scale: ValueScale | null): Legend {
  if (colouring.kind === 'measurement') {
    const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => (scale ? scale.colour(scale.min + t * (scale.max - scale.min || 1)) : UNMEASURED_COLOUR));
    return scale
      ? { kind: 'measurement', key: colouring.key, unit: unitOf(colouring.key), min: scale.min, max: scale.max, stops }
      : { kind: 'measurement', key: colouring.key, unit: unitOf(colouring.key), min: null, max: null, stops };
  }
  const entries: { bin: number | null; name: string; colour: string; sites: number }[] = [...binCounts(loop).entries()]
    .map(([bin, c]) => ({ bin, name: c.name, colour: binColour(bin), sites: c.sites }));
  const visited = loop.map.dies.filter((d) => !d.excluded).length * loop.map.sites.length;
  entries.push({ bin: null, name: 'not measured yet', colour: UNMEASURED_COLOUR, sites: Math.max(0, visited - loop.results.size) });
  return { kind: 'bin', entries };
}

/** The p-quantile (nearest rank) of the values, 0 when none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
}

/** Relative luminance under ~0.35: white text reads better on it. */
export function isDark(colour: string): boolean {
  let rgb: number[];
  const m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(colour);
  if (m) rgb = [m[1], m[2], m[3]].map(Number);
  else if (/^#[0-9a-f]{6}$/i.test(colour)) rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  else return false;
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.3;
}
