// The registry of step kinds a sequence file may use. Each kind lives in its own folder or file and adds
// one line here.
import type { AnyStepDefinition } from '../step.ts';
import { alignStep } from './align/align-step.ts';
import { berStep } from './ber/index.ts';
import { logStep } from './log.ts';
import { measureStep } from './measure.ts';
import { scriptStep } from './script.ts';
import { setStep } from './set.ts';
import { sweepStep } from './sweep/index.ts';
import { waitStep } from './wait.ts';

export const registry: readonly AnyStepDefinition[] = [
  setStep,
  measureStep,
  waitStep,
  logStep,
  scriptStep,
  alignStep,
  sweepStep,
  berStep,
];

/** The definition of a step kind, or undefined. */
export function stepDefinition(kind: string): AnyStepDefinition | undefined {
  return registry.find((d) => d.kind === kind);
}

export function stepKinds(): string[] {
  return registry.map((d) => d.kind);
}
