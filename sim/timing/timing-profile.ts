// What a simulated bench's time costs beyond the instruments' own operations: per role, the link's
// round trip (a distribution with a tail), its bytes (LAN throughput or serial byte time at the baud
// rate), and the instrument's processing per command kind; the meter's dead time between averaging
// windows and its log start latency; the stage servo's settling and following lag. Profiles are data:
// three built in (ideal, lan, serial) and any file that validates against TIMING_PROFILE_SCHEMA.
// Every built-in figure and its source is listed in sim/README.md ("Timing profiles").
import { z } from 'zod';

const ms = z.number().finite().nonnegative();

export const ROUND_TRIP_SCHEMA = z
  .object({
    /** Mean of the round trip's body, ms (half is charged on the way in, half on the way back). */
    mean_ms: ms,
    /** Standard deviation of the body, ms. */
    sigma_ms: ms.default(0),
    /** No round trip is shorter than this, ms (the body is clipped here). */
    min_ms: ms.default(0),
    /** Occasional slow exchanges: with this probability an exponential extra delay of this mean. */
    tail: z.object({ probability: z.number().min(0).max(1), mean_ms: ms }).strict().optional(),
  })
  .strict();

const LAN_LINK = z
  .object({
    kind: z.literal('lan'),
    roundTrip: ROUND_TRIP_SCHEMA,
    /** Sustained throughput of the socket, bytes per second (a definite block's transfer time). */
    bytesPerSecond: z.number().finite().positive().default(10e6),
  })
  .strict();

const SERIAL_LINK = z
  .object({
    kind: z.literal('serial'),
    baud: z.number().int().positive(),
    dataBits: z.number().int().min(5).max(8).default(8),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    /** What the USB–serial adapter or device server adds per exchange, ms. */
    roundTrip: ROUND_TRIP_SCHEMA.default({ mean_ms: 0, sigma_ms: 0, min_ms: 0 }),
  })
  .strict();

export const INSTRUMENT_TIMING_SCHEMA = z
  .object({
    link: z.discriminatedUnion('kind', [LAN_LINK, SERIAL_LINK]),
    /** The instrument's parse-and-execute time, ms: a setting, a query, and extra for a binary block reply. */
    processing: z.object({ set_ms: ms, query_ms: ms, data_ms: ms.default(0) }).strict().default({ set_ms: 0, query_ms: 0, data_ms: 0 }),
  })
  .strict();

export const TIMING_PROFILE_SCHEMA = z
  .object({
    name: z.string().min(1).optional(),
    /** Per role; a role not listed keeps the simulator's ideal constant exchange cost. */
    instruments: z.record(z.string(), INSTRUMENT_TIMING_SCHEMA).default({}),
    meter: z
      .object({
        /** Gap between consecutive averaging windows of a log, ms. */
        deadTime_ms: ms.default(0),
        /** From the start command (free-running log) or the trigger pulse to the first window, ms. */
        logStartLatency_ms: ms.default(0),
      })
      .strict()
      .optional(),
    stage: z
      .object({
        /** Servo settling after the profile ends, before the controller reports the move done, ms. */
        settle_ms: ms.optional(),
        /** The load follows the commanded profile this much later (following error = v × lag), ms. */
        followingLag_ms: ms.default(0),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RoundTrip = z.output<typeof ROUND_TRIP_SCHEMA>;
export type InstrumentTiming = z.output<typeof INSTRUMENT_TIMING_SCHEMA>;
export type TimingProfile = z.output<typeof TIMING_PROFILE_SCHEMA> & { name: string };
export type TimingInput = z.input<typeof TIMING_PROFILE_SCHEMA>;

export const BUILT_IN_TIMINGS = ['ideal', 'lan', 'serial'] as const;
export type BuiltInTiming = (typeof BUILT_IN_TIMINGS)[number];

// Figures and sources: sim/README.md, "Timing profiles".
const LAN_ROUND_TRIP: z.input<typeof ROUND_TRIP_SCHEMA> = { mean_ms: 1.0, sigma_ms: 0.3, min_ms: 0.3, tail: { probability: 0.02, mean_ms: 4 } };
const SCPI_PROCESSING = { set_ms: 0.05, query_ms: 0.1, data_ms: 0.2 };
const lanScpi = { link: { kind: 'lan' as const, roundTrip: LAN_ROUND_TRIP }, processing: SCPI_PROCESSING };
/** The ESP301's USB port is a virtual COM port at 921600 baud; a full-speed USB exchange costs about a 1 ms frame. */
const ESP301_USB = {
  link: { kind: 'serial' as const, baud: 921_600, roundTrip: { mean_ms: 1.0, sigma_ms: 0.1, min_ms: 0.5 } },
  processing: { set_ms: 0.5, query_ms: 0.5 },
};
/** RS-232 at the ESP301's factory 19200 baud, 8N1, RTS/CTS (no adapter latency beyond the byte time). */
const ESP301_RS232 = { link: { kind: 'serial' as const, baud: 19_200 }, processing: { set_ms: 0.5, query_ms: 0.5 } };

const LAN_INPUT: TimingInput = {
  name: 'lan',
  instruments: {
    meter: lanScpi,
    laser: lanScpi,
    'laser-santec': lanScpi,
    voa: lanScpi,
    bert: lanScpi,
    stage: lanScpi,
    'stage-esp': ESP301_USB,
    'stage-pi': { link: { kind: 'lan', roundTrip: LAN_ROUND_TRIP }, processing: { set_ms: 0.1, query_ms: 0.1 } },
    // The fiber-array bench: an N7745A as the N7744A, a C-887 on the LAN as the C-884.
    'meter-array': lanScpi,
    'stage-hexapod': { link: { kind: 'lan', roundTrip: LAN_ROUND_TRIP }, processing: { set_ms: 0.1, query_ms: 0.1 } },
    // The PAM4 BERT: a LAN SCPI box like the NRZ one.
    'bert-pam4': lanScpi,
  },
  meter: { deadTime_ms: 0, logStartLatency_ms: 0.02 },
  stage: { settle_ms: 10, followingLag_ms: 0.5 },
};

const INPUTS: Record<BuiltInTiming, TimingInput> = {
  ideal: { name: 'ideal', instruments: {} },
  lan: LAN_INPUT,
  serial: { ...LAN_INPUT, name: 'serial', instruments: { ...LAN_INPUT.instruments, 'stage-esp': ESP301_RS232 } },
};

export function isBuiltInTiming(x: string): x is BuiltInTiming {
  return (BUILT_IN_TIMINGS as readonly string[]).includes(x);
}

/** A built-in profile, validated like any file. */
export function builtInTiming(name: BuiltInTiming): TimingProfile {
  return validateTiming(INPUTS[name], `built-in timing '${name}'`);
}

/** A bad timing profile: names the field (its path) and what was expected. */
export class TimingProfileError extends Error {
  override name = 'TimingProfileError';
  constructor(
    readonly source: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`${source}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** Validates a parsed profile (from YAML/JSON or code); `source` names it in errors. */
export function validateTiming(input: unknown, source: string, knownRoles?: readonly string[]): TimingProfile {
  const r = TIMING_PROFILE_SCHEMA.safeParse(input);
  if (!r.success) {
    throw new TimingProfileError(
      source,
      r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: describeIssue(i) })),
    );
  }
  if (knownRoles) {
    const unknown = Object.keys(r.data.instruments).filter((role) => !knownRoles.includes(role));
    if (unknown.length > 0) {
      throw new TimingProfileError(
        source,
        unknown.map((role) => ({ path: `instruments.${role}`, message: `no simulated instrument has this role; expected one of ${knownRoles.join(', ')}` })),
      );
    }
  }
  return { ...r.data, name: r.data.name ?? source };
}

function describeIssue(i: z.core.$ZodIssue): string {
  // zod says "received undefined" for an absent field; say missing.
  if (i.code === 'invalid_type' && /received undefined/.test(i.message)) return `missing; expected ${i.expected}`;
  if (i.code === 'unrecognized_keys') return `unknown field(s) ${i.keys.join(', ')}`;
  return i.message;
}
