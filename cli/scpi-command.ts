// `benchctl scpi`: one command or query to an instrument (reply printed, instrument errors printed with
// their code, exit code 2 on any error), or with no command an interactive console.
import { parseArgs } from 'node:util';
import type { CliCommand } from './command.ts';
import { runConsole, historyPath } from './scpi-console.ts';
import { describeResult, failed, runLine } from './scpi-line.ts';
import { openTarget } from './scpi-target.ts';
import type { TargetSpec } from './scpi-target.ts';
import { CliUsageError } from './usage-error.ts';

const USAGE = `Usage: benchctl scpi <resource> ["<command>"] [--timeout MS] [--driver NAME] [--sim [--seed N]]
       benchctl scpi --bench FILE --role ROLE ["<command>"] [--timeout MS]

Sends one command or query and prints the reply; a query is a line that asks with '?' (*IDN?, :SOUR0:WAV?,
1TP?, POS? 1). After it, the instrument's error queue is read: errors print with their code and the exit
code is 2. Without a command, opens an interactive console (.quit to leave).

Options:
  --timeout MS      reply timeout (default: the driver's or 2000)
  --driver NAME     use this driver's session settings (terminators, error query), e.g. newport-esp301
  --bench FILE      take the resource and its settings from a bench file...
  --role ROLE       ...for this role
  --sim             SIM::<role> resources talk to a fresh in-process simulator
  --seed N          the simulator's seed (default 1)
  --history FILE    console history file (default $BENCHCTL_HISTORY or ~/.benchctl_history on a terminal)
  -h, --help        this text

Examples:
  benchctl scpi TCPIP0::192.168.1.20::5025::SOCKET "*IDN?"
  benchctl scpi ASRL/dev/ttyUSB0::INSTR --driver newport-esp301 "1TP?"
  benchctl scpi --sim SIM::laser ":SOUR0:WAV?"
  benchctl scpi --bench bench.yaml --role stage`;

interface ScpiArgs {
  target: TargetSpec;
  command: string | undefined;
  history: string | undefined;
}

function positiveInteger(name: string, text: string, min: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min) throw new CliUsageError(`--${name} expects an integer ≥ ${min}, got '${text}'`);
  return n;
}

export function parseScpiArgs(args: string[]): ScpiArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        timeout: { type: 'string' },
        driver: { type: 'string' },
        bench: { type: 'string' },
        role: { type: 'string' },
        sim: { type: 'boolean' },
        seed: { type: 'string' },
        history: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const fromBench = v.bench !== undefined || v.role !== undefined;
  const positionals = [...parsed.positionals];
  const resource = fromBench ? undefined : positionals.shift();
  if (positionals.length > 1) {
    throw new CliUsageError(`expected one command (quote it if it has spaces), got ${positionals.length}: ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  }
  const command = positionals[0];
  if (command !== undefined && command.trim() === '') throw new CliUsageError('the command is empty');
  return {
    target: {
      ...(resource !== undefined ? { resource } : {}),
      ...(v.bench !== undefined ? { bench: v.bench } : {}),
      ...(v.role !== undefined ? { role: v.role } : {}),
      ...(v.driver !== undefined ? { driver: v.driver } : {}),
      ...(v.timeout !== undefined ? { timeout_ms: positiveInteger('timeout', v.timeout, 1) } : {}),
      sim: v.sim ?? false,
      seed: v.seed === undefined ? 1 : positiveInteger('seed', v.seed, 0),
    },
    command,
    history: v.history,
  };
}

export const scpiCommand: CliCommand = {
  summary: 'send one SCPI (or stage dialect) command or query, or open an interactive console',
  usage: USAGE,
  async run(args) {
    const parsed = parseScpiArgs(args);
    if (parsed === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const target = await openTarget(parsed.target);
    try {
      if (parsed.command === undefined) {
        const terminal = Boolean(process.stdin.isTTY);
        return await runConsole(target.session, target.resource, {
          input: process.stdin,
          output: process.stdout,
          errorOutput: process.stderr,
          terminal,
          historyFile: historyPath(parsed.history, terminal),
        }, parsed.target.timeout_ms);
      }
      const result = await runLine(target.session, parsed.command.trim(), parsed.target.timeout_ms);
      const { out, err } = describeResult(result);
      if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
      if (err.length > 0) process.stderr.write(err.map((l) => `benchctl scpi: ${l}`).join('\n') + '\n');
      return failed(result) ? 2 : 0;
    } finally {
      await target.close();
    }
  },
};
