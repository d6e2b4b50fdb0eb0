// The bench file (/work/briefs/BENCH-FILE.md format) that points `benchctl run` at a served virtual bench:
// the default set of roles as live entries, the alternate front ends of the same hardware commented out.
import { Document, isMap } from 'yaml';
import { DEFAULT_AXIS_CONFIG } from '../motion/axis-config.ts';
import type { AxisName } from '../motion/motion-system.ts';
import { ARRAY_FACET_UM, DEFAULT_FIBER_ARRAY } from '../world/fiber-array.ts';
import { CHIP_SURFACE_Z_UM, STAGE_TRAVEL_UM, SURFACE_TOLERANCE_UM } from '../world/layout.ts';
import { WAFER_HIGHEST_SURFACE_UM } from '../world/wafer-truth.ts';

/** The driver that speaks each simulated role's dialect. */
export const SIM_DRIVERS: Readonly<Record<string, string>> = {
  meter: 'keysight-n774x',
  laser: 'keysight-n777x',
  'laser-santec': 'santec-tsl',
  voa: 'keysight-n776x',
  bert: 'anritsu-mp1900a',
  stage: 'scpi-stage',
  'stage-esp': 'newport-esp301',
  'stage-pi': 'pi-gcs',
  'meter-array': 'keysight-n774x',
  'stage-hexapod': 'pi-gcs-hexapod',
  'bert-pam4': 'scpi-bert',
};

/** The driver for a served role whose dialect is a choice of the simulator: the BERT's, by the identity it answers. */
export function simDriverFor(role: string, identity: string): string | undefined {
  if (role === 'bert' && /^BENCHSIM,SIM-BERT,/.test(identity)) return 'scpi-bert';
  return SIM_DRIVERS[role];
}

/** Roles a bench uses by default; the others are alternate front ends of the same laser or stage. */
export const DEFAULT_BENCH_ROLES = ['laser', 'meter', 'voa', 'bert', 'stage', 'meter-array', 'stage-hexapod', 'bert-pam4'] as const;

/**
 * The hexapod's soft limits in pose space about the fiber array's facet (its pivot): the hidden chip lies
 * within ±50 µm, ±0.5° roll and ±0.2° tip and tilt of the zero pose, and its surface at least 8 µm below
 * the facet there, so Z ≥ −5 µm keeps every fiber of a tilted array off the chip.
 */
export const SIM_HEXAPOD_AXES = {
  X: { axis: 1, min_um: -300, max_um: 300 },
  Y: { axis: 2, min_um: -300, max_um: 300 },
  Z: { axis: 3, min_um: -5, max_um: 300 },
} as const;
export const SIM_HEXAPOD_ROTATION_LIMITS_DEG = { U: [-1, 1], V: [-1, 1], W: [-1.5, 1.5] } as const;

/**
 * The stage a written bench file drives: the PI GCS controller (a real dialect), its trigger output 1
 * cabled to the meter's trigger input. The SCPI stage is this project's own dialect; it and the ESP301
 * follow as commented alternates.
 */
export const SIM_BENCH_STAGE_ROLE = 'stage-pi';

/** Which default role an alternate stands in for. */
const ALTERNATE_OF: Readonly<Record<string, string>> = { 'laser-santec': 'laser', 'stage-esp': 'stage', stage: 'stage' };

/**
 * The Z soft lower limit: above the highest the hidden chip surface can be, plus clearance, so no move can
 * touch the chip, yet below every possible optimum (the best gap is 15–25 µm above the true surface).
 */
export const SIM_Z_SOFT_MIN_UM = CHIP_SURFACE_Z_UM + SURFACE_TOLERANCE_UM + 3;
/**
 * The same for the wafer world: above the highest any die's surface can be (height plane and tilt at the
 * farthest die), plus the same clearance. The lowest dies' best height lies a few µm below it, which costs
 * well under 0.1 dB (the gap's 1-dB tolerance is tens of µm).
 */
export const SIM_WAFER_Z_SOFT_MIN_UM = Math.ceil(WAFER_HIGHEST_SURFACE_UM) + 3;

export interface SimBenchFileInput {
  seed: number;
  mode: 'fast' | 'realtime';
  /** role → TCP resource for every served role. */
  tcp: Readonly<Record<string, string>>;
  /** role → serial resource for roles also served on a pty (the ESP301). */
  serial?: Readonly<Record<string, string>>;
  /** role → driver where the served instrument speaks another dialect than SIM_DRIVERS names (the BERT's 'scpi-bert' tree). */
  drivers?: Readonly<Record<string, string>>;
  /** What lies under the fiber array (default 'chip'); the wafer world's Z soft limit is higher. */
  world?: 'chip' | 'wafer';
}

type Entry = Record<string, unknown>;

function axes(world: 'chip' | 'wafer'): Entry {
  const [xMin, xMax] = STAGE_TRAVEL_UM.X;
  const [yMin, yMax] = STAGE_TRAVEL_UM.Y;
  const zMax = STAGE_TRAVEL_UM.Z[1];
  // Where each simulated axis's home switch is, so the drivers allow homing (Z homes up, away from the chip).
  const home = (a: AxisName) => DEFAULT_AXIS_CONFIG[a].home_um;
  return {
    X: { axis: 1, min_um: xMin, max_um: xMax, home_um: home('X') },
    Y: { axis: 2, min_um: yMin, max_um: yMax, home_um: home('Y') },
    Z: { axis: 3, min_um: world === 'wafer' ? SIM_WAFER_Z_SOFT_MIN_UM : SIM_Z_SOFT_MIN_UM, max_um: zMax, home_um: home('Z') },
  };
}

function entry(role: string, input: SimBenchFileInput): Entry | undefined {
  const driver = input.drivers?.[role] ?? SIM_DRIVERS[role];
  const tcp = input.tcp[role];
  if (!driver || !tcp) return undefined;
  const serial = input.serial?.[role];
  const e: Entry = { resource: serial ?? tcp, driver, timeout_ms: 2000 };
  if (role === 'stage-esp') {
    // The ESP301 speaks CR in, CR LF out. On the pty it is a serial port; on TCP, as through a serial device server.
    // On the pty it stands for the controller's USB virtual COM port: 921600 baud, no handshake lines
    // (the driver's defaults are RS-232's 19200 baud with RTS/CTS).
    if (serial) {
      e['baud_rate'] = 921600;
      e['flow_control'] = 'none';
    }
    e['read_termination'] = '\r\n';
    e['write_termination'] = '\r';
  }
  if (role === 'stage-hexapod') {
    e['axes'] = structuredClone(SIM_HEXAPOD_AXES);
    e['options'] = {
      pivot_um: [...ARRAY_FACET_UM],
      trigger_output: 1, // cabled to the array meter's trigger input (sim/README.md)
      rotation_limits_deg: structuredClone(SIM_HEXAPOD_ROTATION_LIMITS_DEG),
      loopbacks: DEFAULT_FIBER_ARRAY.loopbacks.map(([a, b]) => [a, b]),
    };
  } else {
    if (role === 'stage-pi') e['options'] = { trigger_output: 1 }; // cabled to the meter's trigger input (sim/README.md)
    if (role.startsWith('stage')) e['axes'] = axes(input.world ?? 'chip');
  }
  return e;
}

/** The YAML text of a bench file for the served virtual bench. */
export function simBenchFileYaml(input: SimBenchFileInput): string {
  const instruments: Record<string, Entry> = {};
  for (const role of DEFAULT_BENCH_ROLES) {
    const e = entry(role === 'stage' ? SIM_BENCH_STAGE_ROLE : role, input);
    if (e) instruments[role] = e;
  }
  const what = input.world === 'wafer' ? 'simulated wafer bench' : 'simulated bench';
  const doc = new Document({ name: `${what} (seed ${input.seed}${input.mode === 'realtime' ? ', real time' : ''})`, instruments });
  flowAxes(doc, Object.keys(instruments), ['instruments']);
  doc.commentBefore =
    ` benchctl bench file, written by \`benchctl sim --seed ${input.seed}${input.world === 'wafer' ? ' --world wafer' : ''}\`.\n` +
    ' These resources answer only while that `benchctl sim` runs (same seed, same ports).';
  const alternates = Object.keys(ALTERNATE_OF)
    .map((role) => [role, entry(role, input)] as const)
    .filter((x): x is readonly [string, Entry] => x[1] !== undefined);
  if (alternates.length > 0) {
    const lines = [
      ' Alternate front ends of the same simulated hardware: a bench uses one laser and one stage',
      ' controller at a time. To use one, uncomment it in place of the entry it replaces.',
    ];
    for (const [role, e] of alternates) {
      const replaces = ALTERNATE_OF[role] ?? role;
      const doc1 = new Document({ [replaces]: e });
      flowAxes(doc1, [replaces], []);
      const own = role === 'stage' ? " (this project's own SCPI stage dialect; no vendor speaks it)" : '';
      lines.push(`   # simulator role '${role}'${own}, instead of the ${replaces} above:`);
      for (const line of doc1.toString().trimEnd().split('\n')) lines.push(`   ${line}`);
    }
    doc.comment = lines.join('\n');
  }
  return doc.toString();
}

/** Axes read best one per line: `X: { axis: 1, min_um: 0, max_um: 25000 }`. */
function flowAxes(doc: Document, roles: string[], path: string[]): void {
  for (const role of roles) {
    for (const axis of ['X', 'Y', 'Z']) {
      const node = doc.getIn([...path, role, 'axes', axis], true);
      if (isMap(node)) node.flow = true;
    }
  }
}
