// Who may make which call. A viewer watches (plots, progress, logs, history, the instruments' states); an
// operator also controls the bench. Make safe is open to every role: anyone who sees a problem may stop
// it. The table lists the calls a viewer may make; every other call — including one added later and not
// classified here — needs an operator, so a new control call is never open to viewers by accident.
import type { BenchChannel } from '../bench-api.ts';

export const ROLES = ['viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1 };

/** The least role each call needs; calls not listed need 'operator'. */
export const MINIMAL_ROLE: Readonly<Partial<Record<BenchChannel, Role>>> = {
  makeSafe: 'viewer',
  benchStatus: 'viewer',
  laserState: 'viewer',
  monitorState: 'viewer',
  stageState: 'viewer',
  voaState: 'viewer',
  bertState: 'viewer',
  listSequences: 'viewer',
  runState: 'viewer',
  runEvents: 'viewer',
  listRuns: 'viewer',
  openRun: 'viewer',
  exportRunCsv: 'viewer',
  // The run index's searches are history: read-only.
  searchRuns: 'viewer',
  runTrend: 'viewer',
  lotYield: 'viewer',
  indexInfo: 'viewer',
};

export function minimalRole(channel: string): Role {
  return MINIMAL_ROLE[channel as BenchChannel] ?? 'operator';
}

export function roleAllows(role: Role, channel: string): boolean {
  return RANK[role] >= RANK[minimalRole(channel)];
}

/** Calls that change the bench: every one of them goes to the audit log (make safe too). */
export function isControlCall(channel: string): boolean {
  return channel === 'makeSafe' || minimalRole(channel) === 'operator';
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** A call refused for the caller's role. */
export class RoleRefusedError extends Error {
  override name = 'RoleRefusedError';

  constructor(channel: string, who: string, role: Role) {
    super(`${channel}: refused for ${who} (role ${role}); it needs the ${minimalRole(channel)} role — ask for an operator token (benchctl token add --role operator)`);
  }
}
