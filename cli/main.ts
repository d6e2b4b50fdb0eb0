// benchctl: the one place that parses argv. Each subcommand lives in its own file and is registered here.
import { commands } from './commands.ts';
import { CliUsageError } from './usage-error.ts';

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { version } = await import('../package.json', { with: { type: 'json' } }).then((m) => m.default);
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`benchctl: unknown command '${name}'. Expected one of: ${Object.keys(commands).join(', ')}.\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`benchctl ${name}: ${err.message}\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`benchctl ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `benchctl — optical test-bench controller\n\nUsage: benchctl <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'benchctl <command> --help' for a command's options.\n`;
}
