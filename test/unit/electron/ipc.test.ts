// The IPC handlers of the main process against a mocked electron module: one per BenchApi channel, the
// sender frame checked (our window, its main frame, our origin), the payload checked against its schema,
// and service events forwarded to the window.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BENCH_CHANNELS } from '../../../service/bench-api.ts';
import type { AuditEntry } from '../../../service/access/audit-log.ts';
import { BenchEventHub } from '../../../service/event-hub.ts';
import { electron, FakeFrame, FakeWebContents, ipcEvent, reset } from './electron-mock.ts';

vi.mock('electron', async () => (await import('./electron-mock.ts')).electron);

const { registerIpc, senderRefusal } = await import('../../../electron/ipc.ts');

function fakeService() {
  return {
    events: new BenchEventHub(),
    setLaser: vi.fn(async (req: unknown) => ({ role: 'laser', echoed: req })),
    benchStatus: vi.fn(async () => ({ open: false })),
  };
}

let service: ReturnType<typeof fakeService>;
let win: FakeWebContents;
let unregister: () => void;

beforeEach(() => {
  reset();
  service = fakeService();
  win = new FakeWebContents();
  unregister = registerIpc(electron.ipcMain as never, service as never, () => win as never);
});

const call = (channel: string, event: unknown, arg?: unknown) => {
  const h = electron.ipcMain.handlers.get(`bench:${channel}`);
  if (!h) throw new Error(`no handler for ${channel}`);
  return h(event, arg);
};

describe('IPC handlers', () => {
  it('registers one handler per BenchApi channel, and removes them again', () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(BENCH_CHANNELS.map((c) => `bench:${c}`).sort());
    unregister();
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('passes a valid call from our window to the service', async () => {
    expect(await call('setLaser', ipcEvent(win), { wavelength_nm: 1550, output: true })).toEqual({
      ok: true, value: { role: 'laser', echoed: { wavelength_nm: 1550, output: true } },
    });
    expect(await call('benchStatus', ipcEvent(win))).toEqual({ ok: true, value: { open: false } });
  });

  it('refuses calls from another web contents, a sub-frame, a page navigated away, or a frame that is gone', async () => {
    const other = new FakeWebContents();
    const cases: [unknown, RegExp][] = [
      [ipcEvent(other), /does not come from the application window/],
      [ipcEvent(win, new FakeFrame('app://bench/index.html')), /sub-frame/],
      [ipcEvent(win, null), /frame is gone/],
    ];
    for (const [event, message] of cases) {
      expect(await call('setLaser', event, { output: true })).toEqual({ ok: false, error: { name: 'IpcSenderError', message: expect.stringMatching(message) } });
    }
    win.mainFrame.url = 'https://evil.example/';
    expect(await call('setLaser', ipcEvent(win), { output: true })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/https:\/\/evil\.example\/.*not the application's own/) } });
    expect(service.setLaser).not.toHaveBeenCalled();
  });

  it('refuses calls while the window is gone', async () => {
    unregister();
    registerIpc(electron.ipcMain as never, service as never, () => null);
    expect(await call('benchStatus', ipcEvent(win))).toMatchObject({ ok: false, error: { name: 'IpcSenderError' } });
  });

  it('refuses a bad payload with an error naming the channel and the field, before the service sees it', async () => {
    expect(await call('setLaser', ipcEvent(win), { wavelength_nm: '1550' })).toEqual({
      ok: false, error: { name: 'ApiPayloadError', message: "bad payload for 'setLaser': wavelength_nm: Invalid input: expected number, received string" },
    });
    expect(await call('setLaser', ipcEvent(win), { output: true, __proto__x: 1 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/__proto__x/) } });
    expect(await call('benchStatus', ipcEvent(win), 'surprise')).toMatchObject({ ok: false, error: { name: 'ApiPayloadError' } });
    expect(service.setLaser).not.toHaveBeenCalled();
  });

  it('turns a service error into an error envelope', async () => {
    service.setLaser.mockRejectedValueOnce(Object.assign(new Error('SIM::laser: wavelength refused'), { name: 'InvalidSettingError' }));
    expect(await call('setLaser', ipcEvent(win), { wavelength_nm: 1 })).toEqual({ ok: false, error: { name: 'InvalidSettingError', message: 'SIM::laser: wavelength refused' } });
  });

  it('forwards service events to the window, and stops when unregistered', () => {
    const reading = { role: 'meter', time: 't', benchTime_s: 1, channels: [] };
    service.events.emit('monitor', reading);
    expect(win.send).toHaveBeenCalledWith('bench-event:monitor', reading);
    win.destroyed = true;
    service.events.emit('monitor', reading);
    expect(win.send).toHaveBeenCalledTimes(1);
    win.destroyed = false;
    unregister();
    service.events.emit('monitor', reading);
    expect(win.send).toHaveBeenCalledTimes(1);
  });

  it('names what is wrong with a sender', () => {
    expect(senderRefusal(ipcEvent(win) as never, win as never)).toBeNull();
  });
});

describe('IPC audit', () => {
  it('writes each control call from the window to the audit log with its result, and no read-only call', async () => {
    const entries: AuditEntry[] = [];
    unregister();
    unregister = registerIpc(electron.ipcMain as never, service as never, () => win as never, { write: async (e) => void entries.push(e) });
    await call('setLaser', ipcEvent(win), { output: true });
    await call('benchStatus', ipcEvent(win));
    await call('setLaser', ipcEvent(new FakeWebContents()), { output: true }); // refused before dispatch: not the user's action
    expect(entries).toEqual([expect.objectContaining({ call: 'setLaser', arg: { output: true }, result: 'ok', role: 'operator', via: 'desktop app', who: expect.any(String) })]);
    service.setLaser.mockRejectedValueOnce(new Error('laser locked'));
    await call('setLaser', ipcEvent(win), { output: true });
    expect(entries.at(-1)).toMatchObject({ call: 'setLaser', result: 'error', error: { message: expect.stringContaining('laser locked') } });
  });
});
