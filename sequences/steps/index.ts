// The registry of step kinds a sequence file may use. Each kind lives in its own folder or file and adds
// one line here.
import type { AnyStepDefinition } from '../step.ts';

export const registry: readonly AnyStepDefinition[] = [
];

/** The definition of a step kind, or undefined. */
export function stepDefinition(kind: string): AnyStepDefinition | undefined {
  return registry.find((d) => d.kind === kind);
}

export function stepKinds(): string[] {
  return registry.map((d) => d.kind);
}
