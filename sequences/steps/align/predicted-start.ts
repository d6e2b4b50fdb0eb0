// The align step's predicted start (skip_first_light): one reading where the stage stands; with light there,
// fine peaking from that spot (realign: it searches again only if peaking loses the light), else the usual
// first-light search. Says which happened, so a wafer run can count the sites whose first light it skipped.
import { realign, runAlignment } from './align-run.ts';
import type { AlignResult } from './align-run.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';
import type { AlignParams } from './schema.ts';

/** Without a start_light, a relative threshold has no floor yet to stand on: this much counts as light. */
const DEFAULT_START_LIGHT_DBM = -50;

export interface PredictedStartResult {
  result: AlignResult;
  firstLightSkipped: boolean;
  note: string;
}

export async function alignFromPredictedStart(rig: AlignRig, p: AlignParams, centre: Point_um): Promise<PredictedStartResult> {
  const level = p.start_light ?? (typeof p.threshold === 'number' ? p.threshold : DEFAULT_START_LIGHT_DBM);
  const here = await rig.position();
  if (Math.abs(here.x_um - centre.x_um) > 1e-6 || Math.abs(here.y_um - centre.y_um) > 1e-6) await rig.moveTo(centre);
  // Not noted: a lit reading must not become the floor the line fits stand on.
  const power = await rig.read_dBm(p.averaging);
  const at = `(${centre.x_um.toFixed(2)}, ${centre.y_um.toFixed(2)}) µm`;
  if (!(power >= level)) {
    const result = await runAlignment(rig, p, centre);
    return { result, firstLightSkipped: false, note: `prediction missed: ${power.toFixed(1)} dBm at the predicted start ${at}, below ${level.toFixed(1)} dBm; searched by first light (spiral)` };
  }
  const result = await realign(rig, p);
  if ((rig.phaseTimes['first light'] ?? 0) > 0) {
    return { result, firstLightSkipped: false, note: `prediction missed: ${power.toFixed(1)} dBm at the predicted start ${at}, but peaking lost the light; fell back to the first-light search` };
  }
  return { result, firstLightSkipped: true, note: `first light skipped: ${power.toFixed(1)} dBm at the predicted start ${at}` };
}
