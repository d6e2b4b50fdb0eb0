// `benchctl validate <sequence.yaml> [--bench FILE]`: every check that needs no instrument, and the plan —
// BenchService's loadSequence, in this process, with no bench opened.
import { SequenceError } from '../sequences/schema/errors.ts';
import type { CliCommand } from './command.ts';
import { parseValidateArgs } from './run-args.ts';
import { cliService } from './run-exec.ts';
import { formatDuration } from './run-output.ts';

const USAGE = `Usage: benchctl validate <sequence.yaml> [--bench FILE] [--set NAME=VALUE]... [--json]

Checks a sequence file without touching a bench: YAML, schema, units, parameter references, --set
overrides, loops, limits. With --bench, also each step against the bench file's declared limits (stage
soft limits, declared wavelength/power ranges). Prints the plan with its time estimate.
Exit codes: 0 valid, 2 invalid (each problem with file, line and field).`;

export const validateCommand: CliCommand = {
  summary: 'check a sequence file (and, with --bench, its ranges) without touching a bench',
  usage: USAGE,
  async run(args) {
    const a = parseValidateArgs(args);
    if (a === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const service = cliService({ runsDir: 'runs' });
    try {
      const r = await service.loadSequence({ kind: 'file', path: a.sequence, set: a.set, ...(a.benchFile !== undefined ? { benchFile: a.benchFile } : {}) });
      if (!r.ok) {
        const err = new SequenceError(r.issues);
        if (a.json) process.stdout.write(`${JSON.stringify({ valid: false, issues: err.issues })}\n`);
        process.stderr.write(`benchctl validate: ${err.message}\n`);
        return 2;
      }
      const seq = r.sequence;
      if (a.json) {
        process.stdout.write(`${JSON.stringify({
          valid: true, sequence: seq.name, dut: seq.metadata['dut'], estimate_s: seq.estimate_s,
          steps: seq.steps.map((s) => ({ stepId: s.stepId, kind: s.kind, estimate_s: s.estimate_s, tables: s.tables.map((t) => t.name) })),
          limits: seq.limits.map((l) => ({ label: l.label, measurement: l.measurement, min: l.min, max: l.max, unit: l.unit, steps: l.stepIds })),
        })}\n`);
        return 0;
      }
      const lines = seq.steps.map((s, i) => `  ${String(i + 1).padStart(3)}. ${s.stepId.padEnd(32)} ${s.kind.padEnd(8)} ~${formatDuration(s.estimate_s)}`);
      const against = seq.benchChecked
        ? ` for bench '${seq.benchName ?? a.benchFile}' (its file's soft limits and declared ranges; an instrument's own range is checked when run opens it)`
        : ' (no bench given: instrument ranges not checked)';
      process.stdout.write(`${a.sequence}: valid${against}\n` +
        `${seq.name} on ${String(seq.metadata['dut'])}: ${seq.steps.length} steps, estimated ${formatDuration(seq.estimate_s)} of bench time\n` +
        `${lines.join('\n')}\n` +
        (seq.limits.length ? `limits:\n${seq.limits.map((l) => `  ${l.label}: ${l.min ?? '-∞'} … ${l.max ?? '+∞'} ${l.unit} (${l.stepIds.length} step(s))`).join('\n')}\n` : ''));
      return 0;
    } finally {
      await service.shutdown();
    }
  },
};
