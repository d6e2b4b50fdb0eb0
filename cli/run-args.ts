// Options shared by `benchctl run`, `resume` and `validate`: the bench to open (as BenchService's
// openBench takes it), parameter overrides (as its sequence requests take them), and the small parsers.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { OpenBenchRequest } from '../service/bench-types.ts';
import { CliUsageError } from './usage-error.ts';

export interface RunArgs {
  sequence: string;
  bench: OpenBenchRequest;
  outDir: string;
  /** `--set NAME=VALUE`, by name (the last one given wins). */
  set: Record<string, string>;
  json: boolean;
  reconnectDeadline_s: number | undefined;
  /** `--safe-deadline`: how long making safe keeps trying a role that failed. */
  safeDeadline_s: number | undefined;
  /** `--index`: the run index (a postgresql:// URL or an SQLite file). */
  index: string | undefined;
}

export interface ResumeArgs {
  folder: string;
  bench: OpenBenchRequest | undefined;
  json: boolean;
  reconnectDeadline_s: number | undefined;
  /** `--safe-deadline`: how long making safe keeps trying a role that failed. */
  safeDeadline_s: number | undefined;
  index: string | undefined;
}

export interface ValidateArgs {
  sequence: string;
  benchFile: string | undefined;
  set: Record<string, string>;
  json: boolean;
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0) throw new CliUsageError(`--${name} expects a whole number >= 0, got '${text}'`);
  return n;
}

function seconds(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/s$/, ''));
  if (!(Number.isFinite(n) && n > 0)) throw new CliUsageError(`--${name} expects seconds > 0 (e.g. 60), got '${text}'`);
  return n;
}

function one(positionals: string[], what: string): string {
  if (positionals.length === 0) throw new CliUsageError(`expected ${what}`);
  if (positionals.length > 1) throw new CliUsageError(`expected one ${what}, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0] as string;
}

/** `--set NAME=VALUE`... → { NAME: VALUE } (whether NAME is a parameter and VALUE fits it is the sequence's to say). */
export function overridesOf(set: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of set ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`--set expects NAME=VALUE with the value's unit (e.g. --set wavelength=1560nm), got '${entry}'`);
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return out;
}

const WORLDS = ['chip', 'wafer'] as const;

function benchChoice(v: { bench?: string; sim?: boolean; seed?: string; realtime?: boolean; world?: string }, required: boolean): OpenBenchRequest | undefined {
  if (v.world !== undefined && !v.sim) throw new CliUsageError('--world applies to --sim');
  if (v.world !== undefined && !(WORLDS as readonly string[]).includes(v.world)) throw new CliUsageError(`--world expects ${WORLDS.join(' or ')}, got '${v.world}'`);
  if (v.bench !== undefined && v.sim) throw new CliUsageError('give either --bench FILE or --sim, not both');
  if (v.bench === undefined && !v.sim) {
    if (v.seed !== undefined || v.realtime) throw new CliUsageError('--seed and --realtime apply to --sim');
    if (required) throw new CliUsageError('expected --bench FILE (a bench file) or --sim (the in-process simulator)');
    return undefined;
  }
  if (v.bench !== undefined) {
    if (v.seed !== undefined || v.realtime) throw new CliUsageError('--seed and --realtime apply to --sim, not to --bench');
    return { kind: 'file', path: v.bench };
  }
  return { kind: 'sim', seed: integer('seed', v.seed, 1), realtime: Boolean(v.realtime), ...(v.world ? { world: v.world as (typeof WORLDS)[number] } : {}) };
}

const BENCH_OPTIONS = {
  bench: { type: 'string' },
  sim: { type: 'boolean' },
  seed: { type: 'string' },
  realtime: { type: 'boolean' },
  world: { type: 'string' },
  json: { type: 'boolean' },
  'reconnect-deadline': { type: 'string' },
  'safe-deadline': { type: 'string' },
  index: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseRunArgs(args: string[]): RunArgs | 'help' {
  const { values: v, positionals } = parse(args, { ...BENCH_OPTIONS, out: { type: 'string' }, set: { type: 'string', multiple: true } });
  if (v.help) return 'help';
  return {
    sequence: one(positionals, 'a sequence file (sequence.yaml)'),
    bench: benchChoice(v as Parameters<typeof benchChoice>[0], true) as OpenBenchRequest,
    outDir: typeof v.out === 'string' ? v.out : 'runs',
    set: overridesOf(v.set as string[] | undefined),
    json: Boolean(v.json),
    reconnectDeadline_s: seconds('reconnect-deadline', v['reconnect-deadline'] as string | undefined),
    safeDeadline_s: seconds('safe-deadline', v['safe-deadline'] as string | undefined),
    index: v.index as string | undefined,
  };
}

export function parseResumeArgs(args: string[]): ResumeArgs | 'help' {
  const { values: v, positionals } = parse(args, BENCH_OPTIONS);
  if (v.help) return 'help';
  return {
    folder: one(positionals, 'a run folder (runs/<id>)'),
    bench: benchChoice(v as Parameters<typeof benchChoice>[0], false),
    json: Boolean(v.json),
    reconnectDeadline_s: seconds('reconnect-deadline', v['reconnect-deadline'] as string | undefined),
    safeDeadline_s: seconds('safe-deadline', v['safe-deadline'] as string | undefined),
    index: v.index as string | undefined,
  };
}

export function parseValidateArgs(args: string[]): ValidateArgs | 'help' {
  const { values: v, positionals } = parse(args, {
    bench: { type: 'string' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) return 'help';
  return {
    sequence: one(positionals, 'a sequence file (sequence.yaml)'),
    benchFile: typeof v.bench === 'string' ? v.bench : undefined,
    set: overridesOf(v.set as string[] | undefined),
    json: Boolean(v.json),
  };
}
