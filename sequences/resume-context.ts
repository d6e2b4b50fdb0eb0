// What a resumed run must put back before its next step can continue: the bench it stands on. After a crash
// the instruments may have been power-cycled (a fresh simulator starts at power-on) and the fiber may have
// drifted or been moved, so the settings of the finished `set` steps are applied again, the stage goes back
// to the position those steps gave it (the current site), and the alignment the next step stands on is run
// again. Pure: the engine executes the plan this file computes (engine/resume-restore.ts).
import type { PlannedStep } from './plan/plan-types.ts';
import type { SetAction, SetParams } from './steps/set.ts';

type SettingAction = Extract<SetAction, { type: 'setting' }>;
type MoveAction = Extract<SetAction, { type: 'move' }>;

/** Step kinds whose effect on the bench is an alignment: re-run, not replayed. */
export const REALIGN_KINDS: ReadonlySet<string> = new Set(['align']);

export interface RealignPlan {
  /** The finished alignment run again. */
  step: PlannedStep;
  /** Its body for the re-run: tracking removed (a re-alignment peaks once, it does not watch for hours). */
  body: unknown;
  /** The same, parsed by the step's schema. */
  params: unknown;
  /** Whether tracking was removed. */
  trackingDropped: boolean;
}

export interface ResumeContextPlan {
  /** The step the resumed run continues with; null when every step finished. */
  next: PlannedStep | null;
  /** Applied first: the last value of each setting and stage axis as of the re-alignment (or of `next`). */
  before: SetAction[];
  /** The alignment `next` stands on, run again; null when there is none or the stage was moved since. */
  realign: RealignPlan | null;
  /** Applied after the re-alignment: what the set steps between it and `next` changed. */
  after: SetAction[];
}

/**
 * The last value of each setting (in the order last set), then one move per stage role to the last
 * position of each axis it was sent to. Moves come after the settings, as each set step writes them last.
 */
export function lastActions(steps: readonly PlannedStep[]): SetAction[] {
  const settings = new Map<string, SettingAction>();
  const moves = new Map<string, MoveAction>();
  for (const step of steps) {
    if (step.kind !== 'set') continue;
    for (const a of (step.params as SetParams).actions) {
      if (a.type === 'setting') {
        settings.delete(a.key);
        settings.set(a.key, a);
        continue;
      }
      const m = moves.get(a.role) ?? { type: 'move', key: a.role, role: a.role, targets_um: {} };
      Object.assign(m.targets_um, a.targets_um);
      moves.set(a.role, m);
    }
  }
  for (const m of moves.values()) m.key = `${m.role}.${Object.keys(m.targets_um).join(',')}`;
  return [...settings.values(), ...moves.values()];
}

/** The stage role and axes an alignment step moves (align's defaults: `stage`, X and Y). */
function alignedAxes(step: PlannedStep): { stage: string; axes: string[] } {
  const p = step.params as { stage?: unknown; axes?: unknown };
  const stage = typeof p.stage === 'string' ? p.stage : 'stage';
  const axes = Array.isArray(p.axes) && p.axes.every((a) => typeof a === 'string') ? p.axes : ['X', 'Y'];
  return { stage, axes };
}

/** Whether a set step sends every aligned axis somewhere else (to a site): the alignment no longer holds. */
function movesAway(step: PlannedStep, aligned: { stage: string; axes: string[] }): boolean {
  if (step.kind !== 'set') return false;
  const moved = new Set<string>();
  for (const a of (step.params as SetParams).actions) {
    if (a.type === 'move' && a.role === aligned.stage) for (const axis of Object.keys(a.targets_um)) moved.add(axis);
  }
  return aligned.axes.every((axis) => moved.has(axis));
}

function realignPlan(step: PlannedStep): RealignPlan {
  const body = step.body as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object' || !('track' in body)) return { step, body: step.body, params: step.params, trackingDropped: false };
  const { track: _track, ...rest } = body;
  const parsed = step.definition.schema.safeParse(rest);
  return parsed.success ? { step, body: rest, params: parsed.data, trackingDropped: true } : { step, body: step.body, params: step.params, trackingDropped: false };
}

/**
 * The context to restore before `plan` continues, given the steps that finished (a prefix of the plan, as
 * the engine runs them in order). The alignment re-run is the last finished one before the next step,
 * unless a set step after it moved the aligned axes away (to another site), or the next step aligns itself.
 */
export function planResumeContext(steps: readonly PlannedStep[], completed: ReadonlySet<string>): ResumeContextPlan {
  const nextIndex = steps.findIndex((s) => !completed.has(s.stepId));
  if (nextIndex < 0) return { next: null, before: [], realign: null, after: [] };
  const next = steps[nextIndex] as PlannedStep;
  const done = steps.slice(0, nextIndex).filter((s) => completed.has(s.stepId));
  let alignAt = -1;
  for (let i = done.length - 1; i >= 0 && alignAt < 0; i--) if (REALIGN_KINDS.has((done[i] as PlannedStep).kind)) alignAt = i;
  const align = alignAt >= 0 ? (done[alignAt] as PlannedStep) : undefined;
  const stillHolds = align !== undefined && !REALIGN_KINDS.has(next.kind) &&
    ![...done.slice(alignAt + 1), next].some((s) => movesAway(s, alignedAxes(align)));
  if (!align || !stillHolds) return { next, before: lastActions(done), realign: null, after: [] };
  return {
    next,
    before: lastActions(done.slice(0, alignAt)),
    realign: realignPlan(align),
    after: lastActions(done.slice(alignAt + 1)),
  };
}

/** `laser.power=13`, `stage X=12500 µm, Y=12500 µm`: for log lines and the run record. */
export function describeAction(a: SetAction): string {
  if (a.type === 'setting') return `${a.key}=${String(a.value)}`;
  return `${a.role} ${Object.entries(a.targets_um).map(([axis, v]) => `${axis}=${v} µm`).join(', ')}`;
}
