// The preload against a mocked electron module: window.bench is one function per BenchApi call plus on(),
// each bound to its own channel; ipcRenderer itself and IPC event objects never reach the page.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BENCH_CHANNELS } from '../../../service/bench-api.ts';
import { electron } from './electron-mock.ts';

vi.mock('electron', async () => (await import('./electron-mock.ts')).electron);

await import('../../../electron/preload.ts');
const exposed = electron.contextBridge.exposeInMainWorld.mock.calls[0];
const bench = exposed?.[1] as Record<string, (...a: unknown[]) => unknown>;

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
  electron.ipcRenderer.on.mockReset();
  electron.ipcRenderer.removeListener.mockReset();
});

describe('the preload', () => {
  it('exposes window.bench: exactly the BenchApi calls and on(), all functions', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(exposed?.[0]).toBe('bench');
    expect(Object.keys(bench).sort()).toEqual([...BENCH_CHANNELS, 'on'].sort());
    for (const v of Object.values(bench)) expect(typeof v).toBe('function');
    expect(Object.values(bench)).not.toContain(electron.ipcRenderer);
    expect(bench).not.toHaveProperty('invoke');
    expect(bench).not.toHaveProperty('send');
  });

  it('calls go to their own channel and resolve with the value', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { output: true } });
    await expect(bench['setLaser']?.({ output: true })).resolves.toEqual({ output: true });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('bench:setLaser', { output: true });
  });

  it('a refused call rejects with the service message and error name', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { name: 'SoftLimitError', message: 'stage: move of axis Z to 0 µm refused' } });
    await expect(bench['moveStage']?.({ axis: 'Z', target_um: 0 })).rejects.toMatchObject({ name: 'SoftLimitError', message: 'stage: move of axis Z to 0 µm refused' });
    electron.ipcRenderer.invoke.mockResolvedValueOnce('garbage');
    await expect(bench['benchStatus']?.()).rejects.toThrow(/benchStatus: malformed reply/);
  });

  it('on() hands the listener the payload only, and unsubscribes', () => {
    const listener = vi.fn();
    const off = bench['on']?.('monitor', listener) as () => void;
    expect(electron.ipcRenderer.on).toHaveBeenCalledWith('bench-event:monitor', expect.any(Function));
    const wrapped = electron.ipcRenderer.on.mock.calls[0]?.[1] as (e: unknown, p: unknown) => void;
    const ipcEventObject = { sender: electron.ipcRenderer, ports: [] };
    wrapped(ipcEventObject, { role: 'meter' });
    expect(listener).toHaveBeenCalledWith({ role: 'meter' });
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('bench-event:monitor', wrapped);
  });

  it('on() refuses events that do not exist (no subscribing to arbitrary IPC channels)', () => {
    expect(() => bench['on']?.('../bench:openBench', vi.fn())).toThrow(/unknown event "\.\.\/bench:openBench"; expected one of run, runState, monitor, bench, stage/);
    expect(() => bench['on']?.('monitor', 'not a function')).toThrow(/listener function/);
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });
});
