// The preload (sandboxed, context-isolated): window.bench as one narrow function per BenchApi call, each
// invoking its own IPC channel, plus on(event, listener) for the pushed events. The page never gets
// ipcRenderer, an IPC event object, or any way to name a channel of its own choosing. Bundled to CommonJS
// by electron/build.ts (a sandboxed preload cannot load ES modules or TypeScript).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BENCH_CHANNELS, BENCH_EVENTS, type BenchEventName } from '../service/bench-api.ts';
import { callChannel, eventChannel } from './ipc-channels.ts';

type Envelope = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };

function unwrap(channel: string, reply: unknown): unknown {
  const r = reply as Envelope | null;
  if (r && r.ok === true) return r.value;
  if (r && r.ok === false) {
    // Only the message crosses contextBridge; it names the call and what went wrong.
    const err = new Error(r.error.message);
    err.name = r.error.name;
    throw err;
  }
  throw new Error(`${channel}: malformed reply from the main process`);
}

export function buildBenchBridge(): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const channel of BENCH_CHANNELS) {
    api[channel] = (arg?: unknown) => ipcRenderer.invoke(callChannel(channel), arg).then((reply: unknown) => unwrap(channel, reply));
  }
  const events: readonly string[] = BENCH_EVENTS;
  api['on'] = (event: BenchEventName, listener: (payload: unknown) => void): (() => void) => {
    if (!events.includes(event)) throw new Error(`bench.on: unknown event ${JSON.stringify(event)}; expected one of ${BENCH_EVENTS.join(', ')}`);
    if (typeof listener !== 'function') throw new Error('bench.on: expected a listener function');
    const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(eventChannel(event), wrapped);
    return () => void ipcRenderer.removeListener(eventChannel(event), wrapped);
  };
  return api;
}

contextBridge.exposeInMainWorld('bench', buildBenchBridge());
