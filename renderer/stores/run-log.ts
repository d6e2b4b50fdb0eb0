// One log line per run event worth reading (points and fits are plotted, not logged).
import type { RunEvent } from '../../service/bench-api.ts';
import { formatDuration } from '../format/quantity.ts';

export type LogLevel = 'info' | 'warn' | 'error' | 'step' | 'pass' | 'fail';

export interface LogEntry {
  time: string;
  t_s: number;
  level: LogLevel;
  stepId: string | null;
  text: string;
}

export function describeEvent(e: RunEvent): LogEntry | null {
  const line = (level: LogLevel, stepId: string | null, text: string): LogEntry => ({ time: e.time, t_s: e.t_s, level, stepId, text });
  switch (e.type) {
    case 'run-started':
      return line('step', null, `${e.resumed ? 'resumed' : 'started'} ${e.sequence} on ${e.dut}: ${e.steps.length} steps, estimate ${formatDuration(e.estimate_s)}` +
        (e.runFolder ? ` → ${e.runFolder}` : ''));
    case 'step-started':
      return line('step', e.stepId, `step ${e.index + 1}/${e.total} ${e.stepId} (${e.kind}), estimate ${formatDuration(e.estimate_s)}`);
    case 'step-finished':
      return line(e.status === 'done' ? 'info' : 'error', e.stepId,
        `${e.stepId} ${e.status} in ${formatDuration(e.duration_s)}${e.error ? `: ${e.error}` : ''}`);
    case 'log':
      return line('info', e.stepId, e.message);
    case 'warning':
      return line('warn', e.stepId, e.message);
    case 'pausing':
      return line('info', e.stepId, 'pausing: the measurement under way finishes first');
    case 'paused':
      return line('warn', e.stepId, e.reason === 'user' ? 'paused' : 'paused: an instrument was lost, reconnecting');
    case 'resumed':
      return line('info', e.stepId, 'resumed');
    case 'instrument-lost':
      return line('error', null, `${e.role} ${e.reason === 'not answering' ? 'not answering' : 'lost'} (${e.resource}): ${e.error}; giving up after ${formatDuration(e.deadline_s)}`);
    case 'instrument-restored':
      return line('info', null, `${e.role} restored after ${formatDuration(e.outage_s)} (${e.attempts} attempts)`);
    case 'finished': {
      const failed = e.limits.filter((l) => !l.passed);
      return line(e.passed ? 'pass' : 'fail', null, `${e.passed ? 'PASSED' : 'FAILED'} in ${formatDuration(e.duration_s)}` +
        (failed.length ? `: ${failed.map((l) => `${l.measurement} (${l.stepId}) = ${l.value ?? l.reason ?? '—'}`).join(', ')}` : ''));
    }
    case 'making-safe':
      return line('error', null, `${e.message}: trying again for up to ${formatDuration(e.deadline_s)}`);
    case 'aborted':
      return line('error', e.stepId, `aborted (${e.reason}): ${e.message}${e.safe.ok ? '; bench made safe' : `; SAFE STATE FAILED: ${e.safe.error ?? 'unknown'}`}`);
    default:
      return null;
  }
}
