import type { CliCommand } from './command.ts';

// `npm start` lands here. Until the desktop issue lands it explains what works headless.
export const startCommand: CliCommand = {
  summary: 'start the application (headless for now: prints what is available)',
  usage: 'Usage: benchctl start',
  async run() {
    process.stdout.write(
      'benchctl: the desktop app is not built yet. Headless commands available:\n' +
        "  npx benchctl --help\n",
    );
    return 0;
  },
};
