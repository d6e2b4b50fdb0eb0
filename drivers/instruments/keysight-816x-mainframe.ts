// Keysight (Agilent) 816x mainframes (8163A/B, 8164A/B, 8166A/B): over the LAN or GPIB `*IDN?` names the
// mainframe, not the modules in its slots, so a driver asks `:SLOT<n>:IDN?` what a slot holds before it
// drives it (a meter channel in a laser's slot, or an empty slot, would otherwise fail later with a
// setting error that does not say why). Modules trigger each other inside the mainframe only with
// `:TRIGger:CONFiguration LOOPback` (a laser's step-finished trigger reaches the meter modules as their
// input trigger; the output connector still carries it to an external meter).
// Sources: Keysight 8163A/B, 8164A/B, 8166A/B Programming Guide (`:SLOT[n]:IDN?`, `:TRIGger:CONFiguration
// DISabled|DEFault|PASSthrough|LOOPback`); LabExT `LabExT/Instruments/LaserMainframeKeysight.py`
// (`slot<n>:idn?` in `idn()`, `trig:conf loop` in `sweep_wl_setup`).
import { queryChained } from '../properties/chain.ts';
import { DriverOptionError } from '../properties/errors.ts';
import { parseIdentity } from '../properties/identity.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

/** The mainframes themselves, as their `*IDN?` names them. */
export const MAINFRAME_816X = /^816[346][AB]$/i;

/** Tunable laser modules: 8160x, and the compact 8194x/8195x/8196x/8198x and older 8168x/8169x. */
export const LASER_MODULE = /^(8160\d[AB]?|819[4-8]\d[AB]?|816[89]\d[AB]?)$/i;

/** Power sensor modules and optical-head interfaces: 8161x, 8162x, 8163x. */
export const SENSOR_MODULE = /^816[123]\d[AB]?$/i;

export const LOOP_TRIGGERS = ':TRIG:CONF LOOP';

export function isMainframe(model: string): boolean {
  return MAINFRAME_816X.test(model);
}

export interface ModuleNeed {
  driver: string;
  /** The bench option that named the slot, e.g. 'slot' or 'channels'. */
  option: string;
  pattern: RegExp;
  /** What belongs there, e.g. 'a tunable laser module (8160x, 8194x…8198x)'. */
  expected: string;
}

/**
 * The module model in each slot (`:SLOT<n>:IDN?`, one message); refuses an empty slot or a module of the
 * wrong kind, naming the slot, what is there and the bench option to change.
 */
export async function requireModules(session: ScpiSession, mainframe: string, slots: readonly number[], need: ModuleNeed): Promise<Map<number, string>> {
  const unique = [...new Set(slots)];
  const replies = await queryChained(session, unique.map((n) => `:SLOT${n}:IDN?`));
  const models = new Map<number, string>();
  unique.forEach((slot, i) => {
    const model = parseIdentity(replies[i] ?? '').model;
    if (model === '') {
      throw new DriverOptionError(need.driver, need.option, `names slot ${slot} of the ${mainframe} at ${session.resource}, which is empty (:SLOT${slot}:IDN? answered ${JSON.stringify((replies[i] ?? '').trim())}); expected ${need.expected}`);
    }
    if (!need.pattern.test(model)) {
      throw new DriverOptionError(need.driver, need.option, `names slot ${slot} of the ${mainframe} at ${session.resource}, which holds a ${model}; expected ${need.expected}`);
    }
    models.set(slot, model);
  });
  return models;
}
