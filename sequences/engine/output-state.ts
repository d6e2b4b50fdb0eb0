// After a fault, the outputs the finished steps left are read back and put right before the step goes on.
// A stalled or dropped box may have taken a command and hung, been power-cycled, or shut itself; the step
// resumes from its last point assuming the light path its set steps built (an alignment then finds no
// light through a closed VOA shutter). Nothing is re-sent on trust: each output is read first, and only a
// mismatch is corrected. A shutter or a generator output is set back and read back; a laser found off where
// the sequence left it on is never switched on again unasked (an interlock trip, a key switch, a power
// cycle: someone must look) — that ends the run safely with a message saying so. A laser found on where
// it was left off is switched off (the safe direction).
import type { Bench } from '../bench-port.ts';
import type { PlannedStep } from '../plan/plan-types.ts';
import { lastActions } from '../resume-context.ts';
import { RunAbortedError } from './errors.ts';

/** Role kinds with an output the set step switches (`<role>.output: on|off`). */
const OUTPUT_KINDS = new Set(['laser', 'voa', 'bert']);

/**
 * Role → the output state the given (finished) steps left it in; roles they never switched are absent, and
 * so are the outputs the step under way switches itself (a `set` that may have switched the laser off
 * before the stall: it runs again whole, so what it left half-done is its own to put right).
 */
export function expectedOutputs(finished: readonly PlannedStep[], current?: PlannedStep): Map<string, boolean> {
  const expected = new Map<string, boolean>();
  for (const a of lastActions(finished)) {
    if (a.type === 'setting' && a.setting === 'output' && typeof a.value === 'boolean') expected.set(a.role, a.value);
  }
  if (current) for (const a of lastActions([current])) if (a.type === 'setting' && a.setting === 'output') expected.delete(a.role);
  return expected;
}

type Switchable = { output(): Promise<boolean>; setOutput(on: boolean): Promise<void> };

function switchable(bench: Bench, role: string): Switchable | undefined {
  const kind = bench.instruments().find((i) => i.role === role)?.kind;
  if (!kind || !OUTPUT_KINDS.has(kind)) return undefined;
  return bench.get(role, kind as 'laser' | 'voa' | 'bert');
}

const onOff = (on: boolean): string => (on ? 'on' : 'off');

/**
 * Reads each expected output and corrects a mismatch (see the header); one line per role for the log.
 * Throws RunAbortedError('instrument-lost') for a laser found off where it was left on; an I/O failure
 * (the box stalled again) propagates as the fault it is.
 */
export async function reestablishOutputs(bench: Bench, expected: ReadonlyMap<string, boolean>): Promise<string[]> {
  const lines: string[] = [];
  for (const [role, want] of expected) {
    const inst = switchable(bench, role);
    if (!inst) continue;
    const first = await inst.output();
    if (first === want) {
      lines.push(`${role} output ${onOff(first)}, as left`);
      continue;
    }
    // A mismatch is acted on only when a second read agrees: one plausible-looking reply may be garbled.
    const now = await inst.output();
    if (now === want) {
      lines.push(`${role} output ${onOff(now)}, as left (read ${onOff(first)} once, then ${onOff(now)})`);
      continue;
    }
    const kind = bench.instrument(role).kind;
    if (kind === 'laser' && want) {
      throw new RunAbortedError('instrument-lost', `${role} output found off after the fault, where the sequence left it on ` +
        '(an interlock trip, a key switch or a power cycle?): not switched on again unasked — check the laser, then resume the run');
    }
    await inst.setOutput(want);
    const back = await inst.output();
    if (back !== want) {
      throw new RunAbortedError('instrument-lost', `${role} output found ${onOff(now)} after the fault, where the sequence left it ${onOff(want)}; ` +
        `switched ${onOff(want)} again, it still reads ${onOff(back)}`);
    }
    lines.push(`${role} output found ${onOff(now)}, where the sequence left it ${onOff(want)}: switched ${onOff(want)} again (read back ${onOff(back)})`);
  }
  return lines;
}

/**
 * After a step failed: the first laser the sequence left on that reads off, twice (one reply may be
 * garbled). An interlock trip takes the light away without a word on any link, so the step fails for
 * want of light (an align finds none, a sweep reads the floor); this names the cause. Null when every
 * laser reads as left or cannot be read: the step's own error then stands.
 */
export async function laserFoundOff(bench: Bench, expected: ReadonlyMap<string, boolean>): Promise<string | null> {
  for (const [role, want] of expected) {
    if (!want || bench.instrument(role).kind !== 'laser') continue;
    const inst = switchable(bench, role);
    if (typeof inst?.output !== 'function') continue;
    try {
      if (!(await inst.output()) && !(await inst.output())) return role;
    } catch {
      // Not readable now (a stall, a dropped link): nothing to say about its output.
    }
  }
  return null;
}
