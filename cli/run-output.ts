// What `benchctl run`/`resume` print while a run goes: one JSON event per line (--json), a progress bar
// with the current step and the plan's ETA on a terminal, or plain lines otherwise (logs, CI).
import cliProgress from 'cli-progress';
import type { RunEvent } from '../sequences/events.ts';

export interface RunOutput {
  event(e: RunEvent): void;
  stop(): void;
}

export function jsonOutput(write: (line: string) => void): RunOutput {
  return { event: (e) => write(`${JSON.stringify(e)}\n`), stop: () => {} };
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** A line for the events people care about when reading a log; null for points and fits. */
export function describeEvent(e: RunEvent): string | null {
  switch (e.type) {
    case 'run-started': return `run ${e.runId}: ${e.sequence} on ${e.dut}, ${e.steps.length} steps, estimated ${formatDuration(e.estimate_s)}` +
      `${e.resumed ? ` (resuming; ${e.completed.length} steps already done)` : ''}${e.runFolder ? `\nrecords: ${e.runFolder}` : ''}`;
    case 'step-started': return `[${e.index + 1}/${e.total}] ${e.stepId} (${e.kind}) started`;
    case 'step-finished': {
      const m = Object.entries(e.measurements).map(([k, v]) => `${k}=${Number.isFinite(v.value) ? Number(v.value.toPrecision(6)) : v.value} ${v.unit}`);
      return `${e.stepId} ${e.status} in ${formatDuration(e.duration_s)}${m.length ? `: ${m.join(', ')}` : ''}${e.error ? `: ${e.error}` : ''}`;
    }
    case 'log': return `${e.stepId ?? 'run'}: ${e.message}`;
    case 'warning': return `warning: ${e.stepId ?? 'run'}: ${e.message}`;
    case 'pausing': return 'pausing: the measurement under way finishes first';
    case 'paused': return `paused (${e.reason})`;
    case 'resumed': return 'resumed';
    case 'instrument-lost': return e.reason === 'not answering' || e.reason === 'garbled reply'
      ? `instrument ${e.reason}: ${e.role} (${e.resource}): ${e.error}; resynchronising for up to ${e.deadline_s} s` +
        `${e.recurrence ? ` (the same fault, timed out ${e.recurrence + 1} times)` : ''}`
      : `instrument lost: ${e.role} (${e.resource}): ${e.error}; reconnecting for up to ${e.deadline_s} s`;
    case 'instrument-restored': return `instrument restored: ${e.role} after ${e.attempts} attempt(s), ${formatDuration(e.outage_s)}: ${e.identity}`;
    case 'finished': {
      const lines = e.limits.map((l) => `  ${l.passed ? 'PASS' : 'FAIL'} ${l.stepId} ${l.measurement} = ${l.value === null ? '—' : Number(l.value.toPrecision(6))} ${l.unit}` +
        ` (${l.min !== undefined ? `min ${l.min}` : ''}${l.min !== undefined && l.max !== undefined ? ', ' : ''}${l.max !== undefined ? `max ${l.max}` : ''})${l.reason ? `: ${l.reason}` : ''}`);
      return `${e.passed ? 'PASSED' : 'FAILED'} in ${formatDuration(e.duration_s)} (bench time)${lines.length ? `\n${lines.join('\n')}` : ''}`;
    }
    case 'making-safe': return `${e.message}: ${e.pending.map((p) => `${p.role}: ${p.error}`).join('; ')}; trying again for up to ${e.deadline_s} s`;
    case 'aborted': return `ABORTED (${e.reason}): ${e.message}\nbench ${e.safe.ok ? 'left safe' : `NOT SAFE: ${e.safe.error}`}`;
    default: return null;
  }
}

export function plainOutput(write: (line: string) => void): RunOutput {
  return {
    event(e) {
      const line = describeEvent(e);
      if (line !== null) write(`${line}\n`);
    },
    stop: () => {},
  };
}

/** On a terminal: a bar over the plan's estimated bench seconds, the current step, and the remaining estimate. */
export function progressOutput(stream: NodeJS.WriteStream): RunOutput {
  const multi = new cliProgress.MultiBar({
    stream, hideCursor: true, clearOnComplete: false, etaBuffer: 20,
    format: ' {bar} {percentage}% | step {stepIndex}/{stepCount} {step} | ETA {remaining} (bench) ',
  }, cliProgress.Presets.shades_classic);
  let bar: cliProgress.SingleBar | undefined;
  let estimates = new Map<string, number>();
  let done_s = 0;
  let total = 0;
  let position = 0;
  let stepStart_s = 0;
  let current: string | undefined;
  const payload = (t_s: number) => {
    const inStep = current ? Math.min(t_s - stepStart_s, estimates.get(current) ?? 0) : 0;
    const value = done_s + Math.max(0, inStep);
    const totalEstimate = [...estimates.values()].reduce((a, b) => a + b, 0);
    return { value, p: { step: current ?? '', stepIndex: position, stepCount: total, remaining: formatDuration(totalEstimate - value) } };
  };
  return {
    event(e) {
      if (e.type === 'run-started') {
        estimates = new Map(e.steps.map((s) => [s.stepId, s.estimate_s]));
        total = e.steps.length;
        done_s = e.steps.filter((s) => e.completed.includes(s.stepId)).reduce((a, s) => a + s.estimate_s, 0);
        position = e.completed.length;
        const sum = [...estimates.values()].reduce((a, b) => a + b, 0);
        multi.log(`${describeEvent(e)}\n`);
        bar = multi.create(Math.max(sum, 1e-9), done_s, payload(e.t_s).p);
        multi.update();
        return;
      }
      if (e.type === 'step-started') {
        current = e.stepId;
        position = e.index + 1;
        stepStart_s = e.t_s;
      } else if (e.type === 'step-finished') {
        done_s += estimates.get(e.stepId) ?? 0;
        current = undefined;
      }
      const { value, p } = payload(e.t_s);
      bar?.update(value, p);
      if (e.type === 'point' || e.type === 'fit') return;
      const line = e.type === 'step-started' ? null : describeEvent(e);
      if (line !== null) multi.log(`${line}\n`);
      // A fast run starves the bar's redraw timer: draw each step and log line now, not at the next tick.
      multi.update();
    },
    stop: () => {
      multi.update();
      multi.stop();
    },
  };
}
