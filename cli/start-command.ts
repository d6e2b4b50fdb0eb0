import type { CliCommand } from './command.ts';

// `npm start` lands here. Until the desktop issue lands it explains what works headless.
export const startCommand: CliCommand = {
  summary: 'start the application (headless for now: prints what is available)',
  usage: 'Usage: benchctl start',
  async run() {
    process.stdout.write(
      'benchctl: the desktop app is not built yet. Headless commands available:\n' +
        '  npx benchctl --help\n' +
        '  npx benchctl validate sequences/library/gc-spectrum.yaml      # check a sequence, see its plan and ETA\n' +
        '  npx benchctl run sequences/library/align.yaml --sim           # run it on the simulated bench\n' +
        '  npx benchctl resume runs/<run-folder>                         # continue an interrupted run\n',
    );
    return 0;
  },
};
