// The bench file's schema (zod): roles → resource, driver (or `auto`), VISA-like session settings in
// snake_case, driver options, and for stages the axes with their soft limits in µm. Every message says
// what was expected; the loader adds file, line and what was found.
import { z } from 'zod';
import type { RoleKind } from '../driver.ts';
import { DriverOptionError } from '../properties/errors.ts';
import { UNKNOWN_OPTION } from '../properties/options.ts';
import { MISSING, describe, valueAt } from './bench-file-errors.ts';
import { parseResource } from '../resource.ts';

/** What the schema needs to know of a driver: its name and the kind of role it plays. */
export interface DriverInfo {
  name: string;
  kind: RoleKind;
  /** Checks the role's `options:` (DriverOptionError naming the option); omitted: options are checked at open. */
  checkOptions?: (options: Record<string, unknown>) => void;
}

export const AUTO_DRIVER = 'auto';
export const ROLE_KINDS: readonly RoleKind[] = ['laser', 'meter', 'voa', 'bert', 'stage'];

/** The kind a role's name promises: `laser2` and `laser-santec` are lasers; `reference` promises nothing. */
export function roleKindOf(role: string): RoleKind | undefined {
  return ROLE_KINDS.find((k) => role === k || role.startsWith(k));
}

const ROLE_NAME = /^[a-z][a-z0-9_-]*$/;
const AXIS_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const ms = (what: string, allowZero: boolean) =>
  z.number({ error: `expected a number of milliseconds${allowZero ? ' ≥ 0' : ' > 0'} (${what})` })
    .refine((v) => Number.isFinite(v) && (allowZero ? v >= 0 : v > 0), { error: `expected a finite number of milliseconds${allowZero ? ' ≥ 0' : ' > 0'} (${what})` });

const termination = z.string({ error: 'expected a string such as "\\n" or "\\r\\n" (double-quoted in YAML so escapes work)' });

/** The transport/session settings, named as in VISA; all optional, the driver's defaults fill the rest. */
export const sessionFields = {
  timeout_ms: ms('per read', false),
  connect_timeout_ms: ms('to open the link', false),
  read_termination: termination.refine((s) => s.length > 0, { error: 'expected a non-empty terminator such as "\\n" or "\\r\\n"' }),
  write_termination: termination,
  query_delay_ms: ms('between the write and the read of a query', true),
  check_errors: z.boolean({ error: 'expected true or false (read the error queue after every command)' }),
  baud_rate: z.number({ error: 'expected a baud rate, a positive integer such as 9600 or 921600' })
    .refine((v) => Number.isInteger(v) && v > 0, { error: 'expected a baud rate, a positive integer such as 9600 or 921600' }),
  data_bits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)], { error: 'expected 5, 6, 7 or 8' }),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space'], { error: 'expected one of none, even, odd, mark, space' }),
  stop_bits: z.union([z.literal(1), z.literal(1.5), z.literal(2)], { error: 'expected 1, 1.5 or 2' }),
  flow_control: z.enum(['none', 'rtscts', 'xonxoff'], { error: 'expected one of none, rtscts, xonxoff' }),
  portmapper_port: z.number({ error: 'expected a port number 1-65535 (where the VXI-11 host\'s portmapper listens; 111 on instruments)' })
    .refine((v) => Number.isInteger(v) && v >= 1 && v <= 65535, { error: 'expected a port number 1-65535 (where the VXI-11 host\'s portmapper listens; 111 on instruments)' }),
  usbtmc_device: z.string({ error: 'expected an absolute device path such as /dev/usbtmc0' })
    .refine((v) => v.startsWith('/'), { error: 'expected an absolute device path such as /dev/usbtmc0' }),
};

const um = (what: string) =>
  z.number({ error: `expected a number in µm (${what})` }).refine(Number.isFinite, { error: `expected a finite number in µm (${what})` });

const axisSchema = z.strictObject({
  axis: z.number({ error: "expected the controller's axis number, an integer ≥ 1" })
    .refine((v) => Number.isInteger(v) && v >= 1, { error: "expected the controller's axis number, an integer ≥ 1" }),
  min_um: um('the soft lower limit'),
  max_um: um('the soft upper limit'),
  // Homing runs to a switch, not to a checked target: home() is refused unless the file says where the
  // axis homes and that lies within the soft limits, or vouches for the run with home_safe.
  home_um: um('where the homing run leaves the axis').optional(),
  home_safe: z.boolean({ error: 'expected true or false (true: the homing run of this axis was checked to be safe)' }).optional(),
}, { error: 'expected a map { axis, min_um, max_um } (controller axis number and soft limits in µm), optionally home_um, home_safe' })
  .superRefine((a, ctx) => {
    if (a.min_um >= a.max_um) {
      ctx.addIssue({ code: 'custom', path: ['max_um'], message: `expected max_um above min_um (${a.min_um} µm), got ${a.max_um}` });
    }
  });

const axesSchema = z.record(
  z.string().regex(AXIS_NAME, 'expected an axis name: a letter, then letters, digits or _ (e.g. X, Y, Z)'),
  axisSchema,
  { error: 'expected a map of logical axis name → { axis, min_um, max_um }' },
);

function instrumentSchema(drivers: readonly DriverInfo[]) {
  const byName = new Map(drivers.map((d) => [d.name, d]));
  const known = [AUTO_DRIVER, ...drivers.map((d) => d.name)].join(', ');
  return z.strictObject({
    resource: z.string({ error: 'expected a VISA resource string such as TCPIP0::192.168.1.10::5025::SOCKET' })
      .superRefine((text, ctx) => {
        try {
          parseResource(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `expected a valid resource string: ${(err as Error).message}` });
        }
      }),
    driver: z.string({ error: `expected a driver name; known drivers: ${known}` })
      .superRefine((name, ctx) => {
        if (name !== AUTO_DRIVER && !byName.has(name)) ctx.addIssue({ code: 'custom', message: `unknown driver "${name}"; known drivers: ${known}` });
      }),
    ...Object.fromEntries(Object.entries(sessionFields).map(([k, s]) => [k, s.optional()])) as {
      [K in keyof typeof sessionFields]: z.ZodOptional<(typeof sessionFields)[K]>
    },
    options: z.record(z.string(), z.unknown(), { error: 'expected a map of driver-specific options' }).optional(),
    axes: axesSchema.optional(),
  }, { error: 'expected a map with resource, driver and settings' });
}

export type InstrumentEntry = z.infer<ReturnType<typeof instrumentSchema>>;

/** The file's outer shape; each role's entry is checked on its own (instrumentSchema), so one bad role hides nothing. */
export function topSchema() {
  return z.strictObject({
    name: z.string({ error: 'expected a text (the bench name copied into test records)' }).optional(),
    // The run index this bench's runs go to (read by the CLI, runindex/index-target.ts checks it).
    index: z.string({ error: 'expected a postgresql:// URL or an SQLite file path (the run index)' }).optional(),
    instruments: z.record(
      z.string().regex(ROLE_NAME, "expected a role name: lowercase letters, digits, '-' or '_' (laser, meter, voa, bert, stage, laser2, ...)"),
      z.unknown(),
      { error: 'expected a map of role → instrument (laser, meter, voa, bert, stage, ...)' },
    ).refine((roles) => Object.keys(roles).length > 0, { error: 'expected at least one instrument' }),
  }, { error: 'expected a map with name and instruments' });
}

export { instrumentSchema };

/** A problem the schema cannot see alone: across fields of one role. `path` is inside the role. */
export interface RoleProblem {
  path: string[];
  message: string;
}

/** Driver kind against the role's name, axes for stages (and only for stages), distinct axis numbers. */
export function checkRole(role: string, entry: InstrumentEntry, drivers: readonly DriverInfo[]): RoleProblem[] {
  const out: RoleProblem[] = [];
  const promised = roleKindOf(role);
  const driver = drivers.find((d) => d.name === entry.driver);
  if (driver && promised && driver.kind !== promised) {
    out.push({ path: ['driver'], message: `expected a ${promised} driver for role '${role}'; ${driver.name} drives a ${driver.kind}` });
  }
  const isStage = driver ? driver.kind === 'stage' : promised === 'stage';
  if (isStage && (!entry.axes || Object.keys(entry.axes).length === 0)) {
    out.push({ path: [], message: 'expected axes for a stage, e.g. axes: { X: { axis: 1, min_um: 0, max_um: 25000 } }, but there are none' });
  }
  if (driver && driver.kind !== 'stage' && entry.axes) {
    out.push({ path: ['axes'], message: `expected no axes: ${driver.name} drives a ${driver.kind}, and only stages have axes` });
  }
  if (driver?.checkOptions) {
    try {
      driver.checkOptions(entry.options ?? {});
    } catch (err) {
      if (!(err instanceof DriverOptionError)) throw err;
      const path = ['options', ...err.option.split('.')];
      const value = valueAt(entry, path);
      const text = value !== null && typeof value === 'object' ? JSON.stringify(value) : describe(value);
      const found = value === MISSING || err.problem.startsWith(UNKNOWN_OPTION) || err.problem.includes(text) ? '' : `, got ${text}`;
      out.push({ path: value === MISSING ? ['options'] : path, message: `${driver.name} option '${err.option}' ${err.problem}${found}` });
    }
  }
  const seen = new Map<number, string>();
  for (const [name, a] of Object.entries(entry.axes ?? {})) {
    const other = seen.get(a.axis);
    if (other !== undefined) {
      out.push({ path: ['axes', name, 'axis'], message: `expected a controller axis number not already used by axis ${other}, got ${a.axis}` });
    }
    seen.set(a.axis, name);
  }
  return out;
}
