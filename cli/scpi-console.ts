// `benchctl scpi <resource>` with no command: an interactive console. Lines ending in (or asking with) `?`
// are queries and print their reply; every line is followed by the instrument's errors, if any; `.quit`
// (or Ctrl-D) leaves. In a terminal, arrow keys recall earlier lines, kept across runs in a history file.
import { appendFile, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ScpiSession } from '../drivers/session/scpi-session.ts';
import { describeResult, runLine } from './scpi-line.ts';

const HISTORY_LINES = 500;

export const CONSOLE_HELP = `Type a command or a query (a query asks with '?', e.g. *IDN? or POS? 1) and press Enter.
Errors the instrument reports are shown after each line.
  .help   this text
  .quit   leave (Ctrl-D too)`;

export interface ConsoleIo {
  input: Readable;
  output: Writable;
  errorOutput: Writable;
  /** Arrow-key editing and history; a prompt is shown only then. */
  terminal: boolean;
  /** Where lines are kept between runs; undefined = nowhere. */
  historyFile: string | undefined;
}

/** The history file: --history, else $BENCHCTL_HISTORY, else ~/.benchctl_history when on a terminal. */
export function historyPath(option: string | undefined, terminal: boolean): string | undefined {
  if (option !== undefined) return option;
  const env = process.env['BENCHCTL_HISTORY'];
  if (env !== undefined && env !== '') return env;
  return terminal ? join(homedir(), '.benchctl_history') : undefined;
}

async function loadHistory(file: string | undefined): Promise<string[]> {
  if (!file) return [];
  try {
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    // readline wants the newest first.
    return lines.slice(-HISTORY_LINES).reverse();
  } catch {
    return [];
  }
}

/** Runs the console until `.quit` or end of input; resolves 0. */
export async function runConsole(session: ScpiSession, label: string, io: ConsoleIo, timeout_ms?: number): Promise<number> {
  const rl = createInterface({
    input: io.input,
    output: io.output,
    terminal: io.terminal,
    history: await loadHistory(io.historyFile),
    historySize: HISTORY_LINES,
    prompt: `${label}> `,
  });
  const say = (stream: Writable, lines: string[]): void => {
    if (lines.length > 0) stream.write(lines.join('\n') + '\n');
  };
  let historyBroken = false;
  rl.on('SIGINT', () => rl.close());
  if (io.terminal) {
    io.output.write(`connected to ${label}; .help for help, .quit to leave\n`);
    rl.prompt();
  }
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '.quit' || line === '.exit') break;
    if (line === '.help') say(io.output, [CONSOLE_HELP]);
    else if (line.startsWith('.')) say(io.errorOutput, [`unknown console command '${line}'; .help lists them`]);
    else if (line !== '') {
      if (io.historyFile && !historyBroken) {
        await appendFile(io.historyFile, line + '\n').catch((err: Error) => {
          historyBroken = true;
          say(io.errorOutput, [`(history not saved: ${err.message})`]);
        });
      }
      const { out, err } = describeResult(await runLine(session, line, timeout_ms));
      say(io.output, out);
      say(io.errorOutput, err);
    }
    if (io.terminal) rl.prompt();
  }
  rl.close();
  return 0;
}
