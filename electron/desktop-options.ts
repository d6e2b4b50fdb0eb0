// What the desktop app opens, handed from `benchctl start` (cli/, the only argv parser) to the Electron
// main process in one environment variable of JSON, validated here.
import { z } from 'zod';
import type { OpenBenchRequest } from '../service/bench-types.ts';

export const DESKTOP_OPTIONS_ENV = 'BENCHCTL_DESKTOP';

export interface DesktopOptions {
  /** The bench opened at start (default: the simulator, seed 1); null opens none. */
  bench: OpenBenchRequest | null;
  /** Where run folders go; default `runs` under the working directory. */
  runsDir?: string;
  /** The built UI to load; default the app's own dist/renderer/. */
  uiDir?: string;
}

const schema = z.strictObject({
  bench: z.union([
    z.null(),
    z.strictObject({ kind: z.literal('sim'), seed: z.number().int().min(0).max(2 ** 32 - 1).optional(), realtime: z.boolean().optional() }),
    z.strictObject({ kind: z.literal('file'), path: z.string().min(1) }),
  ]),
  runsDir: z.string().min(1).optional(),
  uiDir: z.string().min(1).optional(),
});

export class DesktopOptionsError extends Error {
  override name = 'DesktopOptionsError';
}

export const DEFAULT_DESKTOP_OPTIONS: DesktopOptions = { bench: { kind: 'sim', seed: 1 } };

/** The options in `env` (the simulator when unset); DesktopOptionsError naming the field when malformed. */
export function readDesktopOptions(env: Readonly<Record<string, string | undefined>>): DesktopOptions {
  const text = env[DESKTOP_OPTIONS_ENV];
  if (text === undefined || text === '') return DEFAULT_DESKTOP_OPTIONS;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DesktopOptionsError(`${DESKTOP_OPTIONS_ENV} is not JSON; expected e.g. {"bench":{"kind":"sim","seed":1}}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new DesktopOptionsError(`${DESKTOP_OPTIONS_ENV}: ${i ? `${i.path.join('.') || '(top)'}: ${i.message}` : 'invalid'}; expected {"bench": {"kind":"sim","seed":N} | {"kind":"file","path":"…"} | null, "runsDir"?: "…", "uiDir"?: "…"}`);
  }
  return r.data as DesktopOptions;
}
