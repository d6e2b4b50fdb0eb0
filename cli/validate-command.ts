// `benchctl validate <sequence.yaml> [--bench FILE]`: every check that needs no instrument, and the plan.
import { loadBenchFile } from '../drivers/bench/bench-file.ts';
import { benchInfoFromConfig } from '../sequences/bench-info.ts';
import { buildPlan } from '../sequences/plan/build-plan.ts';
import { SequenceError } from '../sequences/schema/errors.ts';
import { loadSequenceFile } from '../sequences/schema/load.ts';
import type { CliCommand } from './command.ts';
import { parseValidateArgs } from './run-args.ts';
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
    try {
      const seq = await loadSequenceFile(a.sequence, { set: a.set });
      const bench = a.benchFile ? benchInfoFromConfig(await loadBenchFile(a.benchFile)) : undefined;
      const plan = buildPlan(seq, bench ? { bench } : {});
      if (a.json) {
        process.stdout.write(`${JSON.stringify({
          valid: true, sequence: seq.doc.name, dut: seq.metadata.dut, estimate_s: plan.estimate_s,
          steps: plan.steps.map((s) => ({ stepId: s.stepId, kind: s.kind, estimate_s: s.estimate_s, tables: s.tables.map((t) => t.name) })),
          limits: plan.limits.map((l) => ({ label: l.label, measurement: l.measurement, min: l.min, max: l.max, unit: l.unit, steps: l.stepIds })),
        })}\n`);
        return 0;
      }
      const lines = plan.steps.map((s, i) => `  ${String(i + 1).padStart(3)}. ${s.stepId.padEnd(32)} ${s.kind.padEnd(8)} ~${formatDuration(s.estimate_s)}`);
      process.stdout.write(`${a.sequence}: valid${bench ? ` for bench '${bench.name}' (its file's soft limits and declared ranges; an instrument's own range is checked when run opens it)` : ' (no bench given: instrument ranges not checked)'}\n` +
        `${seq.doc.name} on ${seq.metadata.dut}: ${plan.steps.length} steps, estimated ${formatDuration(plan.estimate_s)} of bench time\n` +
        `${lines.join('\n')}\n` +
        (plan.limits.length ? `limits:\n${plan.limits.map((l) => `  ${l.label}: ${l.min ?? '-∞'} … ${l.max ?? '+∞'} ${l.unit} (${l.stepIds.length} step(s))`).join('\n')}\n` : ''));
      return 0;
    } catch (err) {
      if (err instanceof SequenceError) {
        if (a.json) process.stdout.write(`${JSON.stringify({ valid: false, issues: err.issues })}\n`);
        process.stderr.write(`benchctl validate: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  },
};
