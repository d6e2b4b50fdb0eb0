// BenchInfo — what validation and estimates may know of a bench — from an open Bench (driver limits,
// meter channels, stage soft limits and ramp maxima) or from a bench file alone (`benchctl validate --bench`: only what the
// file declares: stage soft limits and any `<setting>Range_<unit>: [min, max]` driver options).
import type { RoleKind, StageRamp } from '../drivers/driver.ts';
import type { BenchConfig } from '../drivers/bench/bench-file.ts';
import { findDriver } from '../drivers/bench/registry.ts';
import { roleKindOf } from '../drivers/bench/bench-schema.ts';
import type { Bench } from './bench-port.ts';
import type { BenchInfo, Range, RoleInfo } from './step.ts';

type RampLimitsByAxis = Readonly<Record<string, { maxVelocity_um_s?: number; maxAcceleration_um_s2?: number }>>;

function axesOf(axes: Record<string, { min_um: number; max_um: number }> | undefined, ramps?: RampLimitsByAxis): RoleInfo['axes'] {
  return axes ? Object.fromEntries(Object.entries(axes).map(([k, a]) => {
    const r = ramps?.[k];
    return [k, {
      min_um: a.min_um, max_um: a.max_um,
      ...(r?.maxVelocity_um_s !== undefined ? { maxVelocity_um_s: r.maxVelocity_um_s } : {}),
      ...(r?.maxAcceleration_um_s2 !== undefined ? { maxAcceleration_um_s2: r.maxAcceleration_um_s2 } : {}),
    }];
  })) : undefined;
}

function isRange(v: unknown): v is Range {
  return typeof v === 'object' && v !== null && typeof (v as Range).min === 'number' && typeof (v as Range).max === 'number';
}

/** Ranges a driver exposes as `limits` (lasers: wavelength_nm, power_dBm, speed_nm_s). */
function driverRanges(driver: unknown): Record<string, Range> {
  const limits = (driver as { limits?: unknown }).limits;
  if (typeof limits !== 'object' || limits === null) return {};
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => isRange(v)).map(([k, v]) => [k, { min: v.min, max: v.max }]));
}

export function benchInfoFromBench(bench: Bench, simulated: boolean): BenchInfo {
  const roles: Record<string, RoleInfo> = {};
  for (const i of bench.instruments()) {
    const channels = (i.driver as { channels?: readonly number[] }).channels;
    // A stage driver reads its controller's ramp maxima at open (Stage.rampLimits).
    const axes = axesOf(i.axes, (i.driver as { rampLimits?: RampLimitsByAxis }).rampLimits);
    const loopbacks = loopbacksOf((i.driver as { loopbacks?: unknown }).loopbacks);
    const codings = (i.driver as { lineCodings?: readonly string[] }).lineCodings;
    const trigger = (i.driver as { triggerOutput?: unknown }).triggerOutput;
    roles[i.role] = {
      kind: i.kind, driver: i.driverName, resource: i.resource, ranges: driverRanges(i.driver), ...rampsOf(i.driverName),
      ...(axes ? { axes } : {}), ...(i.kind === 'meter' && channels ? { channels: [...channels] } : {}),
      ...(loopbacks ? { loopbacks } : {}), ...(typeof trigger === 'number' ? { triggerOutput: trigger } : {}), ...(i.kind === 'bert' ? { lineCodings: codings ? [...codings] : ['NRZ'] } : {}),
    };
  }
  return { name: bench.name, roles, simulated };
}

/** The ramps a stage driver sets, where it says it sets only some (the descriptor's stageRamps). */
function rampsOf(driver: string): { ramps?: StageRamp[] } {
  const r = findDriver(driver)?.stageRamps;
  return r ? { ramps: [...r] } : {};
}

/** A fiber array's loopback pairs ([[1, 8]]) from a driver or a bench file's options, if declared. */
function loopbacksOf(v: unknown): [number, number][] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')).map(([a, b]) => [a, b]);
}

const OPTION_RANGE = /^([A-Za-z]+)Range_([A-Za-z]+)$/;

/** From the file alone: nothing is opened, so a laser's own range is unknown unless the file narrows it. */
export function benchInfoFromConfig(config: BenchConfig): BenchInfo {
  const roles: Record<string, RoleInfo> = {};
  for (const c of config.instruments) {
    const kind: RoleKind | undefined = findDriver(c.driver)?.kind ?? roleKindOf(c.role);
    if (!kind) continue;
    const ranges: Record<string, Range> = {};
    for (const [key, v] of Object.entries(c.options)) {
      const m = OPTION_RANGE.exec(key);
      if (m && Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') ranges[`${m[1]}_${m[2]}`] = { min: v[0], max: v[1] };
    }
    const axes = axesOf(c.axes);
    const loopbacks = loopbacksOf(c.options['loopbacks']);
    const trigger = c.options['trigger_output'];
    roles[c.role] = {
      kind, driver: c.driver, resource: c.resource, ranges, ...rampsOf(c.driver), ...(axes ? { axes } : {}), ...(loopbacks ? { loopbacks } : {}),
      ...(typeof trigger === 'number' ? { triggerOutput: trigger } : {}),
    };
  }
  return { name: config.name, roles, simulated: config.instruments.every((c) => c.resource.startsWith('SIM::')) };
}
