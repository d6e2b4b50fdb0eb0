// Before a resumed run continues, the bench is put back as the finished steps left it (resume-context.ts
// says what): their settings applied again, the stage sent back to the current site, and the alignment the
// next step stands on run again — on a real bench the fiber may have drifted or the instruments been
// power-cycled; on the simulator a fresh bench starts at power-on. The re-run writes to its own tables and
// run.json's `restorations`, so the records of the step it repeats are left exactly as they were.
import type { RunEventBody } from '../events.ts';
import type { PlannedStep } from '../plan/plan-types.ts';
import { describeAction, planResumeContext, type RealignPlan } from '../resume-context.ts';
import type { Measurement, StepOutcome } from '../step.ts';
import type { SetAction } from '../steps/set.ts';
import { setStep } from '../steps/set.ts';
import { errorMessage } from './errors.ts';
import type { RestoreRecords, RunRecords } from './records-port.ts';
import { makeStepContext, type ContextDeps, type ContextSink } from './step-context.ts';

export interface RestoreDeps extends ContextDeps {
  records: RunRecords;
  emit(body: RunEventBody): void;
  /** Runs a step's promise so that an abort ends the wait at once (the engine's raceAbort). */
  race<T>(p: Promise<T>): Promise<T>;
}

/** The bench could not be put back as the interrupted run had it: the run stops before the next step. */
export class RestoreError extends Error {
  override name = 'RestoreError';
}

/** A re-alignment this much weaker (or stronger) than the original says something changed at the site, dB. */
const POWER_CHANGE_WARN_DB = 1;

const PREFIX = 'resuming';

export async function restoreForResume(deps: RestoreDeps, steps: readonly PlannedStep[], completed: ReadonlySet<string>): Promise<void> {
  const plan = planResumeContext(steps, completed);
  const { next, before, realign, after } = plan;
  if (!next || (before.length === 0 && !realign && after.length === 0)) return;
  const log = (message: string) => deps.emit({ type: 'log', stepId: null, message: `${PREFIX}: ${message}` });
  const restore = await deps.records.beginRestore?.({
    before: next.stepId, applied: [...before, ...after].map(describeAction),
    ...(realign ? { rerun: { step: realign.step, body: realign.body, tables: realign.step.definition.tables(realign.params) } } : {}),
  });
  log(`putting the bench back as the finished steps left it before ${next.stepId} continues`);
  await apply(deps, before, log);
  if (realign) await rerun(deps, realign, next, restore, log);
  else await restore?.end({ status: 'done', duration_s: 0, measurements: {} });
  await apply(deps, after, log);
}

/** The settings and moves, through the set step itself (so they are applied exactly as the run applied them). */
async function apply(deps: RestoreDeps, actions: readonly SetAction[], log: (message: string) => void): Promise<void> {
  if (actions.length === 0) return;
  log(`applying again ${actions.map(describeAction).join(', ')}`);
  const sink: ContextSink = {
    point: () => Promise.reject(new RestoreError('a set step records no points')),
    fit: () => {},
    log: () => {},
    warn: (message) => deps.emit({ type: 'warning', stepId: null, message: `${PREFIX}: ${message}` }),
    saveState: async () => {},
  };
  const ctx = makeStepContext(deps, { stepId: 'resume/set', loop: {} }, null, sink);
  try {
    await deps.race(setStep.run(ctx, { actions: [...actions] }));
  } catch (err) {
    if (deps.control.aborted) throw err;
    throw new RestoreError(`${PREFIX}: could not apply again ${actions.map(describeAction).join(', ')}: ${errorMessage(err)}`, { cause: err });
  }
}

async function rerun(deps: RestoreDeps, r: RealignPlan, next: PlannedStep, restore: RestoreRecords | undefined, log: (message: string) => void): Promise<void> {
  const { step } = r;
  const files = Object.values(restore?.files ?? {});
  log(`running ${step.stepId} again${r.trackingDropped ? ' (without its tracking)' : ''} so that ${next.stepId} ` +
    `stands on an aligned fiber${files.length ? `; its readings go to ${files.join(', ')}` : ''}`);
  const tag = `${PREFIX} (${step.stepId} again)`;
  const sink: ContextSink = {
    point: (table, row) => restore?.point(table, row) ?? Promise.resolve(),
    fit: (model, result) => restore?.fit(model, result),
    log: (message) => {
      restore?.note('notes', message);
      deps.emit({ type: 'log', stepId: null, message: `${tag}: ${message}` });
    },
    warn: (message) => {
      restore?.note('warnings', message);
      deps.emit({ type: 'warning', stepId: null, message: `${tag}: ${message}` });
    },
    saveState: async () => {},
  };
  const started_s = deps.now_s();
  const duration = () => Math.round((deps.now_s() - started_s) * 1e6) / 1e6;
  let outcome: StepOutcome;
  try {
    outcome = await deps.race(step.definition.run(makeStepContext(deps, step, null, sink), r.params));
  } catch (err) {
    const status = deps.control.aborted ? 'aborted' : 'error';
    await restore?.end({ status, duration_s: duration(), measurements: {}, error: errorMessage(err) });
    if (deps.control.aborted) throw err;
    throw new RestoreError(`${PREFIX}: running ${step.stepId} again before ${next.stepId} failed: ${errorMessage(err)}; ` +
      'the bench is not as the interrupted run had it — check the DUT and the fiber, then resume again', { cause: err });
  }
  await restore?.end({ status: 'done', duration_s: duration(), measurements: outcome.measurements });
  compareWithOriginal(deps, step, outcome.measurements, log);
}

/** Says how the re-alignment compares with the original one; warns when the site couples differently now. */
function compareWithOriginal(deps: RestoreDeps, step: PlannedStep, now: Record<string, Measurement>, log: (message: string) => void): void {
  const power = now['power_dBm'];
  const before = deps.records.completedSteps().get(step.stepId)?.measurements['power_dBm'];
  if (!power) return;
  if (!before || !Number.isFinite(before.value) || !Number.isFinite(power.value)) {
    log(`${step.stepId} again: ${power.value.toFixed(2)} ${power.unit}`);
    return;
  }
  const change = power.value - before.value;
  const text = `${step.stepId} again: ${power.value.toFixed(2)} dBm (${change >= 0 ? '+' : ''}${change.toFixed(2)} dB against the ${before.value.toFixed(2)} dBm it found before the interruption)`;
  if (Math.abs(change) > POWER_CHANGE_WARN_DB) deps.emit({ type: 'warning', stepId: null, message: `${PREFIX}: ${text}: the coupling changed across the interruption` });
  else log(text);
}
