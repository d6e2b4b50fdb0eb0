// The registry of benchctl subcommands; each lives in its own *-command.ts file.
import type { CliCommand } from './command.ts';
import { startCommand } from './start-command.ts';
import { simCommand } from './sim-command.ts';
import { scpiCommand } from './scpi-command.ts';
import { listCommand } from './list-command.ts';
import { runCommand } from './run-command.ts';
import { resumeCommand } from './resume-command.ts';
import { validateCommand } from './validate-command.ts';
import { serveCommand } from './serve-command.ts';
import { historyCommand } from './history-command.ts';
import { indexCommand } from './index-command.ts';
import { tokenCommand } from './token-command.ts';
import { auditCommand } from './audit-command.ts';

export const commands: Record<string, CliCommand> = {
  start: startCommand,
  sim: simCommand,
  scpi: scpiCommand,
  list: listCommand,
  run: runCommand,
  resume: resumeCommand,
  validate: validateCommand,
  serve: serveCommand,
  history: historyCommand,
  index: indexCommand,
  token: tokenCommand,
  audit: auditCommand,
};
