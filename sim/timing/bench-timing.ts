// Turning a timing profile into the bench's parts: which roles' links it times (and with what stream),
// the stage axes' servo figures, the meter's log timing. VirtualBench calls these while it composes.
import type { AxisConfig } from '../motion/axis-config.ts';
import type { AxisName } from '../motion/motion-system.ts';
import { SeededRandom } from '../random.ts';
import { LinkTiming } from './link-timing.ts';
import { builtInTiming, isBuiltInTiming, TimingProfileError, validateTiming } from './timing-profile.ts';
import type { BuiltInTiming, TimingInput, TimingProfile } from './timing-profile.ts';
import type { LoggingTiming } from '../instruments/meter-logging.ts';

/** What `new VirtualBench({ timing })` accepts: a built-in name, or a profile (validated here). */
export type TimingOption = BuiltInTiming | TimingInput | TimingProfile;

export function resolveBenchTiming(option: TimingOption | undefined, roles: readonly string[]): TimingProfile {
  if (option === undefined) return builtInTiming('ideal');
  if (typeof option === 'string') {
    if (!isBuiltInTiming(option)) {
      throw new TimingProfileError('VirtualBench timing', [{ path: '', message: `'${String(option)}' is not a built-in profile; expected ideal, lan, serial or a profile object` }]);
    }
    return builtInTiming(option);
  }
  return validateTiming(option, `VirtualBench timing${'name' in option && option.name ? ` '${option.name}'` : ''}`, roles);
}

/** Per-axis overrides from the profile's stage section (none for a profile without one). */
export function stageAxisOverrides(profile: TimingProfile): Partial<Record<AxisName, Partial<AxisConfig>>> | undefined {
  const st = profile.stage;
  if (!st) return undefined;
  const one: Partial<AxisConfig> = { servoLag_s: st.followingLag_ms / 1000, ...(st.settle_ms !== undefined ? { settle_s: st.settle_ms / 1000 } : {}) };
  return { X: one, Y: one, Z: one };
}

export function meterLoggingTiming(profile: TimingProfile): LoggingTiming {
  return { deadTime_s: (profile.meter?.deadTime_ms ?? 0) / 1000, startLatency_s: (profile.meter?.logStartLatency_ms ?? 0) / 1000 };
}

/** The link timing of each role the profile lists, each on its own stream of the bench's seed. */
export function linkTimings(profile: TimingProfile, seed: number, terminatorBytes: (role: string) => number): Map<string, LinkTiming> {
  const root = new SeededRandom(seed).fork(`timing:${profile.name}`);
  const out = new Map<string, LinkTiming>();
  for (const [role, spec] of Object.entries(profile.instruments)) out.set(role, new LinkTiming(spec, root.fork(role), terminatorBytes(role)));
  return out;
}
