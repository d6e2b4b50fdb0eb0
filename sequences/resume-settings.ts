// The settings of finished `set` steps, as a resumed run applies them again. Kept for callers of the first
// resume hook (EngineOptions.onResume); the engine itself now restores the whole context of the next step
// (settings, stage position, re-alignment) from resume-context.ts.
import type { Bench } from './bench-port.ts';
import type { PlannedStep } from './plan/plan-types.ts';
import { describeAction, lastActions } from './resume-context.ts';
import type { SetAction } from './steps/set.ts';
import { SETTINGS, kindOfRoleName } from './steps/set-settings.ts';

/** The last value of each setting of the finished set steps, in the order last set; never stage moves. */
export function settingsToRestore(completed: readonly PlannedStep[]): Extract<SetAction, { type: 'setting' }>[] {
  return lastActions(completed).filter((a): a is Extract<SetAction, { type: 'setting' }> => a.type === 'setting');
}

export async function restoreSettings(completed: readonly PlannedStep[], bench: Bench, log: (message: string) => void): Promise<void> {
  const actions = settingsToRestore(completed);
  if (actions.length === 0) return;
  log(`resuming: applying again the settings of finished set steps: ${actions.map(describeAction).join(', ')} (stage positions left as they are)`);
  for (const a of actions) {
    const kind = kindOfRoleName(a.role);
    if (!kind) continue;
    await SETTINGS[kind][a.setting]?.apply(bench, a.role, a.value);
  }
}
