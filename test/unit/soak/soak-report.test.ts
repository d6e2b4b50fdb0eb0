// The soak's closing table: a run that went to its end but missed a limit is "limit failed" (its faults
// recovered), apart from the runs that stopped early (their last fault "aborted safely").
import { describe, expect, it } from 'vitest';
import type { InjectedFault } from '../../soak/fault-injector.ts';
import { endings, printReport, statusLabel, type RunOutcome } from '../../soak/soak-report.ts';

const run = (status: string, started_ms: number, extra: Partial<RunOutcome> = {}): RunOutcome => ({
  sequence: `${status}.yaml`, status, message: status === 'aborted' ? 'meter did not come back within 30 s' : null, safe: true,
  started_ms, ended_ms: started_ms + 100, laserOff: true, ...extra,
});
const fault = (id: number, start_ms: number): InjectedFault => ({ id, kind: 'proxy-stall', role: 'meter', stall_s: 3, start_ms, end_ms: start_ms + 3 });

describe('soak report', () => {
  const outcomes = [
    run('passed', 0),
    run('failed', 1000, { limitsFailed: ['ber.sensitivity_dBm: the step reported no \'sensitivity_dBm\''] }),
    run('aborted', 2000),
  ];
  const faults = [fault(1, 10), fault(2, 1010), fault(3, 2010)];

  it('counts the faults of a limit-failed run as recovered and the last one of an aborted run as aborted safely', () => {
    const ends = endings(faults, outcomes);
    expect([...ends.values()]).toEqual(['recovered', 'recovered', 'aborted safely']);
  });

  it('prints a failed limit apart from the runs that stopped early, naming the limit', () => {
    let text = '';
    printReport({ faults, outcomes, audit: { lost: 0, duplicated: 0, rows: 3, problems: [] }, memory: [{ t_s: 0, rss_MB: 1, heap_MB: 1 }], deadline_s: 30, elapsed_s: 60 },
      (s) => { text += s; });
    expect(text).toMatch(/runs: passed 1, limit failed 1, aborted 1/);
    expect(text).toMatch(/failed\.yaml limit failed \(ran to its end\): ber\.sensitivity_dBm: the step reported no 'sensitivity_dBm'/);
    expect(text).toMatch(/aborted\.yaml aborted \(stopped early\): meter did not come back/);
    expect(text).not.toMatch(/failed\.yaml failed/);
    expect(statusLabel('failed')).toBe('limit failed');
    expect(statusLabel('error')).toBe('error');
  });

  it('an ending is put down to the interlock trip for a laser found off, or to the role the message names, not merely the last fault', () => {
    const stall = (id: number, role: string, start_ms: number): InjectedFault => ({ ...fault(id, start_ms), role });
    const trip: InjectedFault = { id: 2, kind: 'interlock', role: 'laser', start_ms: 20, end_ms: 30 };
    const laserOff = run('aborted', 0, { message: 'laser output found off after the fault, where the sequence left it on' });
    expect([...endings([stall(1, 'meter', 10), trip, stall(3, 'voa', 50)], [laserOff]).values()]).toEqual(['recovered', 'aborted safely', 'recovered']);
    const voa = run('aborted', 0, { message: 'voa (TCPIP0::127.0.0.1::1::SOCKET) did not come back within 30 s' });
    expect([...endings([stall(1, 'voa', 10), stall(2, 'laser', 50)], [voa]).values()]).toEqual(['aborted safely', 'recovered']);
  });
});
