// Before an interrupted run continues, the instrument settings its finished `set` steps made are applied
// again (the last value of each): a run aborted with bench.safe() had its laser switched off, and a
// resumed run on a fresh simulator starts from power-on defaults. Stage positions are deliberately left
// alone: on a real bench the fiber is still where the run left it (aligned), and moving it back to a
// nominal site position would spoil what follows.
import type { Bench } from './bench-port.ts';
import type { PlannedStep } from './plan/plan-types.ts';
import type { SetAction, SetParams } from './steps/set.ts';
import { SETTINGS, kindOfRoleName } from './steps/set-settings.ts';

export function settingsToRestore(completed: readonly PlannedStep[]): Extract<SetAction, { type: 'setting' }>[] {
  const last = new Map<string, Extract<SetAction, { type: 'setting' }>>();
  for (const step of completed) {
    if (step.kind !== 'set') continue;
    for (const a of (step.params as SetParams).actions) {
      if (a.type !== 'setting') continue;
      last.delete(a.key);
      last.set(a.key, a);
    }
  }
  return [...last.values()];
}

export async function restoreSettings(completed: readonly PlannedStep[], bench: Bench, log: (message: string) => void): Promise<void> {
  const actions = settingsToRestore(completed);
  if (actions.length === 0) return;
  log(`resuming: applying again the settings of finished set steps: ${actions.map((a) => `${a.key}=${String(a.value)}`).join(', ')} (stage positions left as they are)`);
  for (const a of actions) {
    const kind = kindOfRoleName(a.role);
    if (!kind || kind === 'stage') continue;
    await SETTINGS[kind][a.setting]?.apply(bench, a.role, a.value);
  }
}
