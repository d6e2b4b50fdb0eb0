// The zod schema of every BenchApi request, next to the channel map: what the IPC handlers and the
// WebSocket bridge check before a call reaches the service. Objects are strict (a misspelt field is an
// error, not ignored) and numbers finite. The `satisfies` below ties each schema to its channel's type.
import { z } from 'zod';
import { BENCH_CHANNELS, type BenchChannel, type BenchRequest } from './bench-api.ts';
import { ApiPayloadError } from './errors.ts';

const role = z.string().min(1).max(64);
const roleOnly = z.strictObject({ role: role.optional() });
/** Calls without an argument: undefined, null or {} (what a JSON client may send) all mean none. */
const none = z.union([z.undefined(), z.null(), z.strictObject({})]).transform(() => undefined);
const optionalRole = z.union([z.undefined(), z.null(), roleOnly]).transform((v) => v ?? undefined);

const num = z.number();
const channel = z.number().int().min(1).max(64);
const axis = z.string().min(1).max(16);
const path = z.string().min(1).max(4096);
const overrides = z.record(z.string().min(1).max(128), z.string().max(4096)).optional();

const pattern = z.enum(['PRBS7', 'PRBS15', 'PRBS23', 'PRBS31']);
const gate = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('time'), period_s: num.positive() }),
  z.strictObject({ mode: z.literal('bits'), bits: num.int().positive() }),
]);

const sources = <T extends z.core.$ZodLooseShape>(extra: T) => z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('library'), name: z.string().min(1).max(128), set: overrides, ...extra }),
  z.strictObject({ kind: z.literal('file'), path, set: overrides, ...extra }),
  z.strictObject({ kind: z.literal('text'), name: z.string().min(1).max(256), text: z.string().max(1_000_000), set: overrides, ...extra }),
]);
const sequenceSource = sources({});

/** A run id is a folder name under the runs directory: no separators, no '..'. */
const runId = z.string().min(1).max(256).regex(/^[A-Za-z0-9._-]+$/, 'a run folder name (letters, digits, . _ -)')
  .refine((s) => s !== '.' && s !== '..', 'a run folder name, not . or ..');
/** Calls with an optional argument: undefined, null or {} mean none. */
const optional = <T extends z.ZodType>(schema: T) => z.union([z.undefined(), z.null(), schema]).transform((v) => v ?? undefined);
const fileName = z.string().min(1).max(256).regex(/^[^/\\]+\.csv$/i, 'a CSV file name in the run folder (no path)');

const text = z.string().max(256).optional();
const searchFilter = {
  dut: text, lot: text, wafer: text, die: text, site: text, sequence: text, status: text, since: z.string().max(64).optional(), where: z.string().max(1024).optional(),
};
const measurementName = z.string().min(1).max(128);

export const requestSchemas = {
  openBench: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('sim'), seed: num.int().min(0).max(2 ** 32 - 1).optional(), realtime: z.boolean().optional(),
      // What lies under the fiber array: the chip (default) or the 20 × 20 wafer (sim/world/README.md).
      world: z.enum(['chip', 'wafer']).optional(),
    }),
    z.strictObject({ kind: z.literal('file'), path }),
  ]),
  closeBench: none,
  benchStatus: none,
  makeSafe: none,
  laserState: optionalRole,
  setLaser: z.strictObject({ role: role.optional(), wavelength_nm: num.optional(), power_dBm: num.optional(), output: z.boolean().optional() }),
  readMeter: z.union([z.undefined(), z.null(), z.strictObject({ role: role.optional(), channels: z.array(channel).min(1).max(64).optional() })])
    .transform((v) => v ?? undefined),
  setMeter: z.strictObject({
    role: role.optional(), channel, wavelength_nm: num.optional(), averagingTime_s: num.positive().optional(), autoRange: z.boolean().optional(),
  }),
  monitorState: none,
  setMonitor: z.strictObject({
    enabled: z.boolean().optional(),
    interval_s: num.min(0.05).max(60).optional(),
    role: role.optional(),
    channels: z.array(channel).min(1).max(64).optional(),
  }),
  stageState: optionalRole,
  jogStage: z.strictObject({ role: role.optional(), axis, delta_um: num }),
  moveStage: z.strictObject({ role: role.optional(), axis, target_um: num }),
  stopStage: optionalRole,
  voaState: optionalRole,
  setVoa: z.strictObject({ role: role.optional(), attenuation_dB: num.optional(), wavelength_nm: num.optional(), output: z.boolean().optional() }),
  bertState: optionalRole,
  setBert: z.strictObject({ role: role.optional(), pattern: pattern.optional(), lineRate_Gbps: num.positive().optional(), output: z.boolean().optional(), gate: gate.optional() }),
  startBertGate: optionalRole,
  stopBertGate: optionalRole,
  scpi: z.strictObject({
    role,
    command: z.string().trim().min(1, 'a command or query, e.g. *IDN?').max(4096)
      .refine((s) => !/[\r\n]/.test(s), 'one line: no CR or LF inside the command'),
    timeout_ms: num.int().min(1).max(600_000).optional(),
  }),
  listSequences: none,
  loadSequence: sources({ benchFile: path.optional() }),
  startRun: sequenceSource,
  pauseRun: none,
  // None (or {}) stays "the paused run", as before this call took a run id.
  resumeRun: optional(z.strictObject({ runId: runId.optional() })).transform((v) => (v?.runId === undefined ? undefined : { runId: v.runId })),
  abortRun: optional(z.strictObject({ message: z.string().trim().min(1).max(500).optional() })),
  runState: none,
  runEvents: z.strictObject({ since: num.int().min(0) }),
  listRuns: none,
  openRun: z.strictObject({ runId }),
  exportRunCsv: z.strictObject({ runId, file: fileName }),
  searchRuns: optional(z.strictObject({
    ...searchFilter, limit: num.int().min(1).max(1000).optional(), offset: num.int().min(0).optional(),
    measurements: z.array(measurementName).max(64).optional(),
  })),
  runTrend: z.strictObject({ ...searchFilter, measurement: measurementName, limit: num.int().min(1).max(50_000).optional() }),
  lotYield: optional(z.strictObject(searchFilter)),
  indexInfo: none,
} satisfies { [C in BenchChannel]: z.ZodType<BenchRequest<C>, unknown> };

const CHANNEL_SET: ReadonlySet<string> = new Set(BENCH_CHANNELS);

export function isBenchChannel(name: unknown): name is BenchChannel {
  return typeof name === 'string' && CHANNEL_SET.has(name);
}

/** `setLaser.wavelength_nm: expected number, received string` — the channel, the field and what was wrong. */
export function describeZodError(channel: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : '(argument)';
    return `${where}: ${i.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `bad payload for '${channel}': ${parts.join('; ')}${more}`;
}

/** Validates a call's argument; throws ApiPayloadError naming the channel and field. */
export function parseRequest<C extends BenchChannel>(channel: C, arg: unknown): BenchRequest<C> {
  const schema = requestSchemas[channel] as z.ZodType<BenchRequest<C>, unknown>;
  const r = schema.safeParse(arg);
  if (!r.success) throw new ApiPayloadError(channel, describeZodError(channel, r.error));
  return r.data;
}

/** The channel name checked against the map; throws ApiPayloadError listing none of them (they are many). */
export function checkChannel(name: unknown): BenchChannel {
  if (!isBenchChannel(name)) {
    throw new ApiPayloadError(String(name), `unknown channel ${JSON.stringify(name)}; expected one of the BenchApi calls (e.g. 'benchStatus', 'setLaser')`);
  }
  return name;
}
